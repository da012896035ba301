// The bot's REST against a fake host: the bot's token and the integration's id are checked before anything is
// done, bodies are checked naming the field, the host's refusal (409: the bot does not hold it) goes back to the
// bot as it is, another integration's bot token opens none of this integration's paths, and the counts are for
// administrators only.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "bot_api.h"
#include "omnigate/sdk/secrets.h"
#include "fake_host.h"

namespace omnigate::chatbot {
namespace {

const std::string base = "/api/v1/integrations/chatbot/{integration}";

class BotApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        config.id = "support-bot";
        config.botToken = "bot-token-0123456789ab";
        configs[1].id = "sales-bot";
        configs[1].botToken = "sales-bot-token-0123456789";
        api.registerRoutes();
        host.interactions[7] = R"({"id":7,"status":"queued","priority":70})";
    }

    HttpRequest request(const std::string& action, const std::string& body, const std::string& token,
                        const std::string& integration = "support-bot", const std::string& id = "7") {
        HttpRequest r;
        r.method = action == "stats" ? "GET" : "POST";
        r.pathParams = {{"integration", integration}, {"id", id}};
        if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
        r.body = body;
        return r;
    }
    HttpResponse call(const std::string& action, const std::string& body, const std::string& token = "",
                      const std::string& integration = "support-bot", const std::string& id = "7") {
        const std::string route = action == "stats" ? "GET " + base + "/stats"
                                                    : "POST " + base + "/interactions/{id}/" + action;
        return host.routes.at(route)(request(action, body, token.empty() ? config.botToken : token, integration, id));
    }
    // The ApiError a call throws: {status, code, message}.
    std::tuple<int, std::string, std::string> refusal(const std::string& action, const std::string& body,
                                                      const std::string& token = "",
                                                      const std::string& integration = "support-bot",
                                                      const std::string& id = "7") {
        try {
            call(action, body, token, integration, id);
        } catch (const ApiError& e) {
            return {e.status(), e.code(), e.what()};
        }
        ADD_FAILURE() << action << " " << body << " was not refused";
        return {0, "", ""};
    }

    test::FakeHost host;
    std::vector<ChatbotConfig> configs{2};
    ChatbotConfig& config = configs[0];
    BotStats stats{host};
    BotApi api{host, configs, stats};
};

TEST_F(BotApiTest, RegistersTheBotsRoutes) {
    EXPECT_EQ(host.routes.size(), 4u);
    EXPECT_EQ(host.routes.count("POST " + base + "/interactions/{id}/messages"), 1u);
    EXPECT_EQ(host.routes.count("GET " + base + "/stats"), 1u);
}

TEST_F(BotApiTest, RepliesHandsOffAndCloses) {
    HttpResponse r = call("messages", R"({"text":"Hello from the bot"})");
    EXPECT_EQ(r.status, 201);
    const auto message = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(message->getValue<std::string>("author"), "bot");
    EXPECT_EQ(message->getValue<std::string>("direction"), "out");
    ASSERT_EQ(host.replies.size(), 1u);
    EXPECT_EQ(host.replies[0].second, "Hello from the bot");

    r = call("handoff", R"({"queue_id":"sales","priority":70,"topic_ids":[2,3],"comment":"vip"})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, host.interactions[7]);
    ASSERT_EQ(host.handOffs.size(), 1u);
    EXPECT_EQ(host.handOffs[0].second.queue, "sales");
    EXPECT_EQ(host.handOffs[0].second.priority, 70);
    EXPECT_EQ(host.handOffs[0].second.topics, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(host.handOffs[0].second.reason, "vip");

    r = call("handoff", "");  // everything optional
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(host.handOffs[1].second.priority.has_value());

    r = call("close", R"({"resolution":"answered"})");
    EXPECT_EQ(r.status, 200);
    ASSERT_EQ(host.closes.size(), 1u);
    EXPECT_EQ(host.closes[0].second, "answered");
    // Every action was asked of the host for the integration of the path, whose token it was.
    EXPECT_EQ(host.actedAs, std::vector<std::string>(4, "support-bot"));
}

TEST_F(BotApiTest, AnotherIntegrationsTokenOpensNoneOfItsPaths) {
    const std::string salesToken = configs[1].botToken;
    for (const auto& [action, body] : std::vector<std::pair<std::string, std::string>>{
             {"messages", R"({"text":"not mine"})"}, {"handoff", "{}"}, {"close", "{}"}}) {
        EXPECT_EQ(std::get<0>(refusal(action, body, salesToken, "support-bot")), 401) << action;
    }
    EXPECT_TRUE(host.actedAs.empty());
    EXPECT_EQ(call("messages", R"({"text":"mine"})", salesToken, "sales-bot").status, 201);
    EXPECT_EQ(host.actedAs, std::vector<std::string>{"sales-bot"});
}

TEST_F(BotApiTest, AWrongOrMissingTokenIs401BeforeAnythingHappens) {
    EXPECT_EQ(std::get<0>(refusal("messages", R"({"text":"x"})", "bot-token-0123456789aX")), 401);
    EXPECT_EQ(std::get<0>(refusal("messages", R"({"text":"x"})", "bot-token")), 401);
    EXPECT_EQ(std::get<0>(refusal("close", "{}", "admin-token")), 401);
    HttpRequest none = request("messages", R"({"text":"x"})", "");
    none.headers.clear();
    EXPECT_THROW(host.routes.at("POST " + base + "/interactions/{id}/messages")(none), ApiError);
    EXPECT_TRUE(host.replies.empty());
    EXPECT_TRUE(host.closes.empty());
}

TEST_F(BotApiTest, UnknownIntegrationsAndInteractionsAre404) {
    EXPECT_EQ(std::get<0>(refusal("messages", R"({"text":"x"})", "", "other-bot")), 404);
    EXPECT_EQ(std::get<0>(refusal("messages", R"({"text":"x"})", "", "support-bot", "abc")), 404);
    EXPECT_EQ(std::get<0>(refusal("messages", R"({"text":"x"})", "", "support-bot", "0")), 404);
    EXPECT_EQ(std::get<0>(refusal("messages", R"({"text":"x"})", "", "support-bot", "99999999999999999999")), 404);
}

TEST_F(BotApiTest, BadBodiesAre400NamingTheField) {
    auto [status, code, message] = refusal("messages", "{}");
    EXPECT_EQ(status, 400);
    EXPECT_NE(message.find("'text' is required"), std::string::npos) << message;
    std::tie(status, code, message) = refusal("messages", R"({"text":"  "})");
    EXPECT_NE(message.find("'text'"), std::string::npos);
    std::tie(status, code, message) = refusal("messages", "not json");
    EXPECT_EQ(status, 400);
    std::tie(status, code, message) = refusal("handoff", R"({"priority":-1})");
    EXPECT_EQ(status, 400);
    EXPECT_NE(message.find("'priority'"), std::string::npos);
    std::tie(status, code, message) = refusal("handoff", R"({"topic_ids":"3"})");
    EXPECT_NE(message.find("'topic_ids'"), std::string::npos);
    std::tie(status, code, message) = refusal("handoff", R"({"queue":"sales"})");
    EXPECT_NE(message.find("'queue' is not a known field"), std::string::npos);
    std::tie(status, code, message) = refusal("close", R"({"resolution":["a"]})");
    EXPECT_NE(message.find("'resolution'"), std::string::npos);
    EXPECT_TRUE(host.handOffs.empty());
}

TEST_F(BotApiTest, WhatTheBotDoesNotHoldIsRefusedByTheHostWith409) {
    host.notHeld = true;
    for (const auto& [action, body] : std::vector<std::pair<std::string, std::string>>{
             {"messages", R"({"text":"late"})"}, {"handoff", "{}"}, {"close", "{}"}}) {
        const auto [status, code, message] = refusal(action, body);
        EXPECT_EQ(status, 409) << action;
        EXPECT_EQ(code, "not_held_by_bot") << action;
    }
}

TEST_F(BotApiTest, StatsAreForAdministrators) {
    stats.increment(BotStats::Conversations);
    stats.increment(BotStats::Conversations);
    stats.increment(BotStats::TimedOut);
    EXPECT_EQ(std::get<0>(refusal("stats", "", "bot-token-0123456789ab")), 401);
    const HttpResponse r = call("stats", "", "admin-token");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"integration":"support-bot","counts":{"conversations":2,"resolved_by_bot":0,)"
                      R"("handed_off":0,"timed_out":1,"failures":0}})");
    EXPECT_EQ(std::get<0>(refusal("stats", "", "admin-token", "other-bot")), 404);
}

TEST(ConstantTimeEquals, ComparesWholeStrings) {
    EXPECT_TRUE(constantTimeEquals("abc", "abc"));
    EXPECT_FALSE(constantTimeEquals("abc", "abd"));
    EXPECT_FALSE(constantTimeEquals("ab", "abc"));
    EXPECT_FALSE(constantTimeEquals("abcd", "abc"));
    EXPECT_FALSE(constantTimeEquals("", "abc"));
    EXPECT_TRUE(constantTimeEquals("", ""));
}

}  // namespace
}  // namespace omnigate::chatbot
