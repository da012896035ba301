// The channel's behaviour as the core sees it, through a fake ChannelHost that records the routes the plugin registers
// and stands in for the store: sessions, posting and reading messages, ratings, the WebSocket, send() and the
// interaction updates pushed to the visitor's pages.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

#include <Poco/JSON/Parser.h>

#include "omnigate/sdk/api_error.h"
#include "support/unused_host.h"
#include "visitor_token.h"
#include "webchat_plugin.h"

namespace omnigate::webchat {
namespace {

const std::string secret = "0123456789abcdef0123456789abcdef";
const std::string sessions = "/api/v1/webchat/{account}/sessions";
const std::string messages = "/api/v1/webchat/{account}/messages";
const std::string rating = "/api/v1/webchat/{account}/rating";
const std::string socketPath = "/api/v1/webchat/{account}/ws";

// What the core's HTTP layer would answer: the handler's response, or the ApiError's status and code.
struct Reply {
    int status = 0;
    std::string code;
    std::string body;
    std::chrono::seconds retryAfter{0};
    Poco::JSON::Object::Ptr json() const {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    }
};

class FakeConnection : public WebSocketConnection {
public:
    explicit FakeConnection(std::uint64_t id) : id_(id) {}
    std::uint64_t id() const override { return id_; }
    bool sendText(const std::string& text) override {
        std::lock_guard<std::mutex> lock(mutex_);  // the core's connections are thread-safe; so is the fake
        if (!alive) return false;
        sent.push_back(text);
        return true;
    }
    void close(std::uint16_t code, const std::string& reason) override {
        closedWith = code;
        closeReason = reason;
        alive = false;
    }

    bool alive = true;
    std::vector<std::string> sent;
    std::uint16_t closedWith = 0;
    std::string closeReason;

private:
    std::uint64_t id_;
    std::mutex mutex_;
};

class FakeHost : public test::UnusedChannelHost {
public:
    void log(LogLevel, const std::string& message) override { logged.push_back(message); }
    const std::vector<AccountConfig>& accounts() const override { return accountList; }

    SubmitResult submitInbound(const InboundMessage& message) override {
        submitted.push_back(message);
        for (const StoredMessage& stored : store) {
            if (stored.externalId == message.externalId) return {stored, true};
        }
        StoredMessage stored;
        stored.id = static_cast<std::int64_t>(store.size()) + 1;
        stored.interactionId = 7;
        stored.clientId = 3;
        stored.channel = "webchat";
        stored.account = message.account;
        stored.direction = Direction::Inbound;
        stored.author = AuthorKind::Client;
        stored.externalId = message.externalId;
        stored.text = message.text;
        stored.status = DeliveryStatus::Delivered;
        stored.createdAt = "2024-05-01T10:00:00.000Z";
        store.push_back(stored);
        clientOf[stored.id] = message.from.value;
        return {stored, false};
    }

    std::vector<StoredMessage> history(const std::string& account, const Address& client,
                                       std::size_t limit) override {
        historyLimit = limit;
        std::vector<StoredMessage> out;
        for (const StoredMessage& m : store) {
            if (m.account == account && clientOf[m.id] == client.value) out.push_back(m);
        }
        if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
        return out;
    }

    void updateDeliveryStatus(const StatusUpdate&) override {}
    void rateInteraction(const std::string& account, const Address& client, std::int64_t interactionId, int rating,
                         const std::string& comment) override {
        if (rateError) throw *rateError;
        ratings.push_back({account, client.kind, client.value, interactionId, rating, comment});
    }
    struct Rating {
        std::string account;
        std::string kind;
        std::string visitor;
        std::int64_t interactionId;
        int rating;
        std::string comment;
    };
    std::vector<Rating> ratings;
    std::optional<ApiError> rateError;  // what the store would answer instead, when set
    void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) override {
        routes[method + " " + pattern] = std::move(handler);
    }
    void addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler) override {
        sockets[pattern] = std::move(handler);
    }
    TimerId addTimer(std::chrono::milliseconds, std::function<void()>) override { return 0; }
    void cancelTimer(TimerId) override {}
    std::chrono::seconds throttle(RateLimit limit, const std::string& key) override {
        throttled.emplace_back(limit, key);
        return throttleWait;
    }
    std::vector<std::pair<RateLimit, std::string>> throttled;
    std::chrono::seconds throttleWait{0};  // what the daemon's bucket would answer

    Reply call(const std::string& method, const std::string& pattern, const std::string& account,
               const std::string& body = {}, const std::string& token = {},
               std::vector<std::pair<std::string, std::string>> query = {}) {
        HttpRequest request;
        request.method = method;
        request.pathParams["account"] = account;
        request.body = body;
        request.query = std::move(query);
        request.clientIp = "198.51.100.7";
        if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
        Reply reply;
        try {
            const HttpResponse response = routes.at(method + " " + pattern)(request);
            reply.status = response.status;
            reply.body = response.body;
        } catch (const ApiError& e) {
            reply.status = e.status();
            reply.code = e.code();
            reply.body = e.what();
            reply.retryAfter = e.retryAfter();
        }
        return reply;
    }

    std::vector<AccountConfig> accountList;
    std::vector<std::string> logged;
    std::vector<InboundMessage> submitted;
    std::vector<StoredMessage> store;
    std::map<std::int64_t, std::string> clientOf;
    std::size_t historyLimit = 0;
    std::map<std::string, HttpHandler> routes;
    std::map<std::string, std::shared_ptr<WebSocketHandler>> sockets;
};

AccountConfig account(const std::string& id, const std::string& settings) {
    return {id, ConfigNode::parseString(settings, "test.yaml")};
}

class WebchatPluginTest : public ::testing::Test {
protected:
    void SetUp() override {
        host.accountList.push_back(account("demo", "token_secret: " + secret + "\nmax_text_bytes: 10\n"));
        host.accountList.push_back(account("other", "token_secret: other-secret-0123456789\n"));
        ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);
    }

    // A new visitor session on `account`; returns its token.
    std::string openSession(const std::string& body = "{}", const std::string& on = "demo") {
        const Reply reply = host.call("POST", sessions, on, body);
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reply.json()->getValue<std::string>("token");
    }

    std::string visitorIdOf(const std::string& token, const std::string& on = "demo") {
        const std::string key = on == "demo" ? secret : "other-secret-0123456789";
        return VisitorToken::verify(token, on, key, VisitorToken::currentTime()).visitorId;
    }

    HttpRequest socketRequest(const std::string& token, const std::string& on = "demo") {
        HttpRequest request;
        request.method = "GET";
        request.pathParams["account"] = on;
        if (!token.empty()) request.query.emplace_back("token", token);
        return request;
    }

    FakeHost host;
    WebchatPlugin plugin;
};

TEST(WebchatPluginLoad, DeclinesWithoutAccounts) {
    FakeHost host;
    WebchatPlugin plugin;
    const LoadResult result = plugin.load(host);
    EXPECT_EQ(result.code, LoadResult::Code::Decline);
    EXPECT_EQ(result.message, "no webchat accounts configured");
    EXPECT_TRUE(host.routes.empty());
    EXPECT_EQ(plugin.name(), "webchat");
    EXPECT_EQ(plugin.kind(), PluginKind::Channel);
}

TEST(WebchatPluginLoad, BadSettingsThrowThePositionedConfigError) {
    FakeHost host;
    host.accountList.push_back(account("demo", "token_secret: short\n"));
    WebchatPlugin plugin;
    try {
        plugin.load(host);
        FAIL() << "loaded with a short secret";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.keyPath(), "token_secret");
        EXPECT_EQ(e.line(), 1);
    }
}

TEST(WebchatPluginLoad, RefusesAnAccountIdTwice) {
    FakeHost host;
    host.accountList.push_back(account("demo", "token_secret: " + secret));
    host.accountList.push_back(account("demo", "token_secret: " + secret));
    WebchatPlugin plugin;
    const LoadResult result = plugin.load(host);
    EXPECT_EQ(result.code, LoadResult::Code::Failure);
    EXPECT_NE(result.message.find("'demo' is configured twice"), std::string::npos);
}

TEST_F(WebchatPluginTest, RegistersItsRoutesAndSocket) {
    EXPECT_EQ(host.routes.count("POST " + sessions), 1u);
    EXPECT_EQ(host.routes.count("POST " + messages), 1u);
    EXPECT_EQ(host.routes.count("GET " + messages), 1u);
    EXPECT_EQ(host.routes.count("POST " + rating), 1u);
    EXPECT_EQ(host.sockets.count(socketPath), 1u);
    EXPECT_TRUE(plugin.asksForRatingItself());
}

TEST_F(WebchatPluginTest, SessionAnswersTokenVisitorAndExpiry) {
    for (const std::string body : {"", "  ", "{}"}) {
        const Reply reply = host.call("POST", sessions, "demo", body);
        ASSERT_EQ(reply.status, 201) << reply.body;
        const auto json = reply.json();
        const std::string token = json->getValue<std::string>("token");
        EXPECT_EQ(visitorIdOf(token), json->getValue<std::string>("visitor_id"));
        EXPECT_TRUE(std::regex_match(json->getValue<std::string>("expires_at"),
                                     std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
            << reply.body;
    }
}

TEST_F(WebchatPluginTest, SessionsAreRateLimitedPerClientIp) {
    openSession();
    ASSERT_EQ(host.throttled.size(), 1U);
    EXPECT_EQ(host.throttled[0].first, ChannelHost::RateLimit::WebchatSessions);
    EXPECT_EQ(host.throttled[0].second, "198.51.100.7");
    host.throttleWait = std::chrono::seconds(4);
    const Reply refused = host.call("POST", sessions, "demo", "{}");
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.code, "rate_limited");
    EXPECT_EQ(refused.retryAfter, std::chrono::seconds(4));
}

TEST_F(WebchatPluginTest, MessagesAreRateLimitedPerVisitorBeforeAnythingIsStored) {
    const std::string token = openSession();
    host.throttled.clear();
    ASSERT_EQ(host.call("POST", messages, "demo", R"({"text":"hi"})", token).status, 201);
    ASSERT_EQ(host.throttled.size(), 1U);
    EXPECT_EQ(host.throttled[0].first, ChannelHost::RateLimit::WebchatMessages);
    EXPECT_EQ(host.throttled[0].second, "demo/" + visitorIdOf(token));
    host.throttleWait = std::chrono::seconds(2);
    const Reply refused = host.call("POST", messages, "demo", R"({"text":"again"})", token);
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.retryAfter, std::chrono::seconds(2));
    EXPECT_EQ(host.submitted.size(), 1U);
    host.throttled.clear();
    EXPECT_EQ(host.call("POST", messages, "demo", R"({"text":"x"})", "forged").status, 401);
    EXPECT_TRUE(host.throttled.empty()) << "a stranger spends no visitor's allowance";
}

TEST_F(WebchatPluginTest, SessionDetailsReachTheStoreWithEveryMessage) {
    const std::string token =
        openSession(R"({"name":" Ann ","email":"ann@example.com","phone":"+15550100","page":"/pricing"})");
    ASSERT_EQ(host.call("POST", messages, "demo", R"({"text":"hi"})", token).status, 201);
    ASSERT_EQ(host.submitted.size(), 1u);
    const InboundMessage& in = host.submitted[0];
    EXPECT_EQ(in.account, "demo");
    EXPECT_EQ(in.from.kind, "webchat");
    EXPECT_EQ(in.from.value, visitorIdOf(token));
    EXPECT_EQ(in.clientName, "Ann");
    ASSERT_EQ(in.contacts.size(), 2u);
    EXPECT_EQ(in.contacts[0].kind, "email");
    EXPECT_EQ(in.contacts[0].value, "ann@example.com");
    EXPECT_EQ(in.contacts[1].kind, "phone");
    EXPECT_EQ(in.contacts[1].value, "+15550100");
    EXPECT_EQ(in.text, "hi");
}

TEST_F(WebchatPluginTest, SessionRefusesBadDetails) {
    struct Case {
        std::string body;
        std::string mentions;
    };
    const Case cases[] = {
        {R"({"name":5})", "'name' must be a string"},
        {R"({"email":["a@b"]})", "'email' must be a string"},
        {R"({"phone":true})", "'phone' must be a string"},
        {R"({"email":"ann.example.com"})", "'email' must be an email address"},
        {R"({"name":")" + std::string(256, 'x') + R"("})", "'name' must be at most 255 characters"},
        {R"({"name":)", "not valid JSON"},
        {R"([1,2])", "must be a JSON object"},
    };
    for (const Case& c : cases) {
        const Reply reply = host.call("POST", sessions, "demo", c.body);
        EXPECT_EQ(reply.status, 400) << c.body;
        EXPECT_EQ(reply.code, "bad_request") << c.body;
        EXPECT_NE(reply.body.find(c.mentions), std::string::npos) << reply.body;
    }
    // 255 characters, most of them two bytes long, are within the limit.
    std::string name;
    for (int i = 0; i < 255; ++i) name += "ж";
    EXPECT_EQ(host.call("POST", sessions, "demo", R"({"name":")" + name + R"("})").status, 201);
}

TEST_F(WebchatPluginTest, UnknownAccountIs404Everywhere) {
    const std::string token = openSession();
    for (const auto& [method, pattern] : {std::pair<std::string, std::string>{"POST", sessions},
                                          {"POST", messages},
                                          {"GET", messages},
                                          {"POST", rating}}) {
        const Reply reply = host.call(method, pattern, "nope", R"({"text":"hi"})", token);
        EXPECT_EQ(reply.status, 404) << method << " " << pattern;
        EXPECT_EQ(reply.code, "unknown_account");
        EXPECT_EQ(reply.body, "no webchat account 'nope' is configured");
    }
    try {
        host.sockets.at(socketPath)->authorize(socketRequest(token, "nope"));
        FAIL() << "authorized an unknown account";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 404);
    }
}

TEST_F(WebchatPluginTest, MessagesNeedAValidTokenOfTheAccount) {
    Reply reply = host.call("POST", messages, "demo", R"({"text":"hi"})");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(reply.code, "missing_token");
    EXPECT_NE(reply.body.find("Authorization: Bearer"), std::string::npos) << reply.body;

    reply = host.call("GET", messages, "demo", "", "not-a-token");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(reply.code, "invalid_token");

    const std::string otherToken = openSession("{}", "other");
    reply = host.call("POST", messages, "demo", R"({"text":"hi"})", otherToken);
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(reply.code, "invalid_token");
    EXPECT_TRUE(host.submitted.empty());
}

TEST_F(WebchatPluginTest, PostedMessageIsStoredOnceUnderItsClientId) {
    const std::string token = openSession();
    const std::string visitor = visitorIdOf(token);
    const Reply first = host.call("POST", messages, "demo", R"({"text":"hello","client_message_id":"m-1"})", token);
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(host.submitted.back().externalId, visitor + ":m-1");
    EXPECT_EQ(first.body,
              R"({"id":1,"interaction_id":7,"client_id":3,"direction":"in","author":"client","text":"hello",)"
              R"("status":"delivered","created_at":"2024-05-01T10:00:00.000Z","client_message_id":"m-1"})");

    const Reply again = host.call("POST", messages, "demo", R"({"text":"hello","client_message_id":"m-1"})", token);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(host.store.size(), 1u);
}

TEST_F(WebchatPluginTest, MessageWithoutClientIdGetsAServerIdThatIsNotEchoed) {
    const std::string token = openSession();
    const std::string visitor = visitorIdOf(token);
    const Reply a = host.call("POST", messages, "demo", R"({"text":"one","client_message_id":null})", token);
    const Reply b = host.call("POST", messages, "demo", R"({"text":"one"})", token);
    ASSERT_EQ(a.status, 201);
    ASSERT_EQ(b.status, 201);
    EXPECT_EQ(host.store.size(), 2u);
    EXPECT_EQ(host.submitted[0].externalId.rfind(visitor + "/", 0), 0u) << host.submitted[0].externalId;
    EXPECT_NE(host.submitted[0].externalId, host.submitted[1].externalId);
    EXPECT_FALSE(a.json()->has("client_message_id"));
}

TEST_F(WebchatPluginTest, MessageTextIsChecked) {
    const std::string token = openSession();
    struct Case {
        std::string body;
        int status;
        std::string code;
        std::string mentions;
    };
    const Case cases[] = {
        {"", 400, "bad_request", "not valid JSON"},
        {"{}", 400, "bad_request", "'text' is required"},
        {R"({"text":null})", 400, "bad_request", "'text' is required"},
        {R"({"text":42})", 400, "bad_request", "'text' must be a string"},
        {R"({"text":" \n\t "})", 400, "bad_request", "must not be empty"},
        {R"({"text":"01234567890"})", 413, "text_too_long", "at most 10 bytes"},
        {R"({"text":"жжжжжж"})", 413, "text_too_long", "12 bytes"},
        {R"({"text":"hi","client_message_id":""})", 400, "bad_request", "'client_message_id' must be 1 to 128"},
        {R"({"text":"hi","client_message_id":")" + std::string(129, 'x') + R"("})", 400, "bad_request",
         "'client_message_id' must be 1 to 128"},
        {R"({"text":"hi","client_message_id":7})", 400, "bad_request", "'client_message_id' must be a string"},
        {R"({"text":"hi"} trailing)", 400, "bad_request", "not valid JSON"},
    };
    for (const Case& c : cases) {
        const Reply reply = host.call("POST", messages, "demo", c.body, token);
        EXPECT_EQ(reply.status, c.status) << c.body;
        EXPECT_EQ(reply.code, c.code) << c.body;
        EXPECT_NE(reply.body.find(c.mentions), std::string::npos) << c.body << " -> " << reply.body;
    }
    EXPECT_TRUE(host.submitted.empty());
    EXPECT_EQ(host.call("POST", messages, "demo", R"({"text":"0123456789"})", token).status, 201);
}

TEST_F(WebchatPluginTest, HistoryIsTheVisitorsOwnOldestFirst) {
    const std::string token = openSession();
    const std::string stranger = openSession();
    host.call("POST", messages, "demo", R"({"text":"one","client_message_id":"c1"})", token);
    host.call("POST", messages, "demo", R"({"text":"not mine"})", stranger);
    host.call("POST", messages, "demo", R"({"text":"two"})", token);

    const Reply reply = host.call("GET", messages, "demo", "", token);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(host.historyLimit, 50u);
    const Poco::JSON::Array::Ptr list = reply.json()->getArray("messages");
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("text"), "one");
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("client_message_id"), "c1");
    EXPECT_EQ(list->getObject(1)->getValue<std::string>("text"), "two");
    EXPECT_FALSE(list->getObject(1)->has("client_message_id"));

    EXPECT_EQ(host.call("GET", messages, "demo", "", token, {{"limit", "1"}}).status, 200);
    EXPECT_EQ(host.historyLimit, 1u);
    EXPECT_EQ(host.call("GET", messages, "demo", "", token, {{"limit", "100"}}).status, 200);
    EXPECT_EQ(host.historyLimit, 100u);
    for (const std::string bad : {"0", "101", "-1", "abc", "", "5x", " 5"}) {
        const Reply refused = host.call("GET", messages, "demo", "", token, {{"limit", bad}});
        EXPECT_EQ(refused.status, 400) << bad;
        EXPECT_NE(refused.body.find("'limit' must be a whole number from 1 to 100"), std::string::npos)
            << refused.body;
    }
}

TEST_F(WebchatPluginTest, HistoryShowsAttachmentsAndAutoGeneratedMessages) {
    const std::string token = openSession();
    const std::string visitor = visitorIdOf(token);
    StoredMessage autoReply;
    autoReply.id = 90;
    autoReply.interactionId = 7;
    autoReply.clientId = 3;
    autoReply.account = "demo";
    autoReply.direction = Direction::Outbound;
    autoReply.author = AuthorKind::System;
    autoReply.text = "We answer within the hour";
    autoReply.autoGenerated = true;
    autoReply.spam = true;  // internal: the visitor never learns it
    autoReply.errorCode = "x";
    autoReply.attachments = {{"f-1", "hours.pdf", "application/pdf", 2048}, {"f-2", "map.png", "image/png", 0}};
    autoReply.status = DeliveryStatus::Sent;
    autoReply.createdAt = "2024-05-01T10:00:01.000Z";
    host.store.push_back(autoReply);
    host.clientOf[autoReply.id] = visitor;
    host.call("POST", messages, "demo", R"({"text":"plain"})", token);

    const Reply reply = host.call("GET", messages, "demo", "", token);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const Poco::JSON::Array::Ptr list = reply.json()->getArray("messages");
    ASSERT_EQ(list->size(), 2u);
    // The raw reply, so the key order (the same as the core's message JSON) is checked too.
    const std::string expected =
        R"({"messages":[{"id":90,"interaction_id":7,"client_id":3,"direction":"out","author":"system",)"
        R"("text":"We answer within the hour","status":"sent","attachments":[)"
        R"({"file_id":"f-1","name":"hours.pdf","mime_type":"application/pdf","size":2048},)"
        R"({"file_id":"f-2","name":"map.png","mime_type":"image/png","size":0}],"auto_generated":true,)"
        R"("created_at":"2024-05-01T10:00:01.000Z"},{"id":)";
    EXPECT_EQ(reply.body.rfind(expected, 0), 0u) << reply.body;
    // A plain message carries neither field rather than empty ones.
    EXPECT_FALSE(list->getObject(1)->has("attachments"));
    EXPECT_FALSE(list->getObject(1)->has("auto_generated"));
}

TEST_F(WebchatPluginTest, RatingReachesTheHostAsTheVisitorsAnd204) {
    const std::string token = openSession();
    const std::string visitor = visitorIdOf(token);
    Reply reply = host.call("POST", rating, "demo", R"({"rating":5,"comment":"  Quick and kind \n","interaction_id":41})",
                            token);
    EXPECT_EQ(reply.status, 204) << reply.body;
    EXPECT_TRUE(reply.body.empty());
    ASSERT_EQ(host.ratings.size(), 1u);
    EXPECT_EQ(host.ratings[0].account, "demo");
    EXPECT_EQ(host.ratings[0].kind, "webchat");
    EXPECT_EQ(host.ratings[0].visitor, visitor);
    EXPECT_EQ(host.ratings[0].interactionId, 41);
    EXPECT_EQ(host.ratings[0].rating, 5);
    EXPECT_EQ(host.ratings[0].comment, "Quick and kind");

    // Without interaction_id (or with null) the host picks the latest closed one (0); no comment is an empty one.
    for (const std::string body : {R"({"rating":1})", R"({"rating":1,"interaction_id":null,"comment":null})",
                                   R"({"rating":1,"comment":"   "})"}) {
        reply = host.call("POST", rating, "demo", body, token);
        EXPECT_EQ(reply.status, 204) << body << " -> " << reply.body;
        EXPECT_EQ(host.ratings.back().interactionId, 0) << body;
        EXPECT_EQ(host.ratings.back().rating, 1) << body;
        EXPECT_EQ(host.ratings.back().comment, "") << body;
    }
    // 1024 bytes of comment are within the limit, counted in UTF-8 bytes like the store does.
    std::string longest;
    for (int i = 0; i < 512; ++i) longest += "ж";
    EXPECT_EQ(host.call("POST", rating, "demo", R"({"rating":3,"comment":")" + longest + R"("})", token).status, 204);
    EXPECT_EQ(host.ratings.back().comment, longest);
}

TEST_F(WebchatPluginTest, RatingIsCheckedBeforeTheHostHearsOfIt) {
    const std::string token = openSession();
    struct Case {
        std::string body;
        std::string mentions;
    };
    const Case cases[] = {
        {"{}", "'rating' is required"},
        {R"({"rating":null})", "'rating' is required"},
        {R"({"rating":0})", "'rating' must be an integer from 1 to 5, got 0"},
        {R"({"rating":6})", "'rating' must be an integer from 1 to 5, got 6"},
        {R"({"rating":-1})", "'rating' must be an integer from 1 to 5"},
        {R"({"rating":"5"})", "'rating' must be an integer from 1 to 5"},
        {R"({"rating":true})", "'rating' must be an integer from 1 to 5"},
        {R"({"rating":4.5})", "'rating' must be an integer from 1 to 5"},
        {R"({"rating":[5]})", "'rating' must be an integer from 1 to 5"},
        {R"({"rating":{"value":5}})", "'rating' must be an integer from 1 to 5"},
        {R"({"rating":18446744073709551615})", "'rating' must be an integer from 1 to 5"},
        {R"({"rating":4294967301})", "'rating' must be an integer from 1 to 5"},  // 5 + 2^32: no truncation
        {R"({"rating":5,"comment":5})", "'comment' must be a string"},
        {R"({"rating":5,"comment":")" + std::string(1025, 'x') + R"("})", "'comment' must be at most 1024 bytes"},
        {R"({"rating":5,"interaction_id":"41"})", "'interaction_id' must be an integer"},
        {R"({"rating":5,"interaction_id":true})", "'interaction_id' must be an integer"},
        {R"({"rating":5,"interaction_id":0})", "'interaction_id' must be a positive integer"},
        {R"({"rating":5,"interaction_id":-3})", "'interaction_id' must be a positive integer"},
        {"", "not valid JSON"},
        {"[5]", "must be a JSON object"},
    };
    for (const Case& c : cases) {
        const Reply reply = host.call("POST", rating, "demo", c.body, token);
        EXPECT_EQ(reply.status, 400) << c.body;
        EXPECT_EQ(reply.code, "bad_request") << c.body;
        EXPECT_NE(reply.body.find(c.mentions), std::string::npos) << c.body << " -> " << reply.body;
    }
    EXPECT_TRUE(host.ratings.empty());
}

TEST_F(WebchatPluginTest, RatingNeedsTheVisitorsTokenOfTheAccount) {
    Reply reply = host.call("POST", rating, "demo", R"({"rating":5})");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(reply.code, "missing_token");
    EXPECT_NE(reply.body.find("Authorization: Bearer"), std::string::npos) << reply.body;
    reply = host.call("POST", rating, "demo", R"({"rating":5})", "not-a-token");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(reply.code, "invalid_token");
    reply = host.call("POST", rating, "demo", R"({"rating":5})", openSession("{}", "other"));
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(reply.code, "invalid_token");
    EXPECT_TRUE(host.ratings.empty());
}

TEST_F(WebchatPluginTest, RatingPassesTheHostsErrorsThroughUnchanged) {
    const std::string token = openSession();
    const ApiError errors[] = {
        ApiError::notFound("no interaction 41 of this client"),
        ApiError(409, "already_rated", "interaction 41 was already rated 4"),
        ApiError(409, "not_closed", "interaction 41 is assigned; only a closed interaction can be rated"),
        ApiError::badRequest("'comment' is longer than 1024 bytes"),
        ApiError::unavailable("the database is unreachable"),
    };
    for (const ApiError& error : errors) {
        host.rateError = error;
        const Reply reply = host.call("POST", rating, "demo", R"({"rating":4,"interaction_id":41})", token);
        EXPECT_EQ(reply.status, error.status()) << error.what();
        EXPECT_EQ(reply.code, error.code());
        EXPECT_EQ(reply.body, error.what());
    }
    EXPECT_TRUE(host.ratings.empty());
}

TEST_F(WebchatPluginTest, SocketNeedsATokenInTheQuery) {
    const std::shared_ptr<WebSocketHandler> socket = host.sockets.at(socketPath);
    try {
        socket->authorize(socketRequest(""));
        FAIL() << "authorized without a token";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_NE(std::string(e.what()).find("?token="), std::string::npos) << e.what();
    }
    EXPECT_THROW(socket->authorize(socketRequest("a.b.c")), ApiError);
    EXPECT_NO_THROW(socket->authorize(socketRequest(openSession())));
}

TEST_F(WebchatPluginTest, SocketAnswersPingsAndExplainsEverythingElse) {
    const std::shared_ptr<WebSocketHandler> socket = host.sockets.at(socketPath);
    auto connection = std::make_shared<FakeConnection>(1);
    socket->onOpen(socketRequest(openSession()), connection);

    socket->onText(connection, R"({"type":"ping"})");
    socket->onText(connection, "not json");
    socket->onText(connection, R"({"type":"message","text":"hi"})");
    socket->onText(connection, R"([])");
    ASSERT_EQ(connection->sent.size(), 4u);
    EXPECT_EQ(connection->sent[0], R"({"type":"pong"})");
    for (std::size_t i = 1; i < 4; ++i) {
        EXPECT_EQ(connection->sent[i].rfind(R"({"type":"error","error":{"code":"bad_request","message":)", 0), 0u)
            << connection->sent[i];
    }
    EXPECT_NE(connection->sent[2].find("unknown frame type 'message'"), std::string::npos);
    EXPECT_TRUE(connection->alive);
}

TEST_F(WebchatPluginTest, SocketWhoseTokenExpiredBeforeOpeningIsClosed) {
    VisitorToken stale = VisitorToken::issue("demo", VisitorToken::currentTime() - 120, 60);
    auto connection = std::make_shared<FakeConnection>(1);
    host.sockets.at(socketPath)->onOpen(socketRequest(stale.sign(secret)), connection);
    EXPECT_EQ(connection->closedWith, 1008);
    EXPECT_NE(connection->closeReason.find("expired"), std::string::npos);
}

TEST_F(WebchatPluginTest, AVisitorsSocketsAreCapped) {
    // The default cap is 8 tabs: the ninth socket of one visitor is refused, another visitor is not affected.
    const std::shared_ptr<WebSocketHandler> socket = host.sockets.at(socketPath);
    const std::string token = openSession();
    std::vector<std::shared_ptr<FakeConnection>> tabs;
    for (std::uint64_t id = 1; id <= 9; ++id) {
        tabs.push_back(std::make_shared<FakeConnection>(id));
        socket->onOpen(socketRequest(token), tabs.back());
    }
    for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(tabs[i]->closedWith, 0) << "tab " << i + 1;
    EXPECT_EQ(tabs[8]->closedWith, 1008);
    EXPECT_NE(tabs[8]->closeReason.find("8 open connections"), std::string::npos) << tabs[8]->closeReason;
    auto other = std::make_shared<FakeConnection>(10);
    socket->onOpen(socketRequest(openSession()), other);
    EXPECT_EQ(other->closedWith, 0);
    // Closing a tab frees its place.
    socket->onClose(tabs[0]);
    auto again = std::make_shared<FakeConnection>(11);
    socket->onOpen(socketRequest(token), again);
    EXPECT_EQ(again->closedWith, 0);
}

TEST_F(WebchatPluginTest, SendPushesToEveryTabOfTheVisitor) {
    const std::shared_ptr<WebSocketHandler> socket = host.sockets.at(socketPath);
    const std::string token = openSession();
    const std::string visitor = visitorIdOf(token);
    auto tab1 = std::make_shared<FakeConnection>(1);
    auto tab2 = std::make_shared<FakeConnection>(2);
    auto someoneElse = std::make_shared<FakeConnection>(3);
    socket->onOpen(socketRequest(token), tab1);
    socket->onOpen(socketRequest(token), tab2);
    socket->onOpen(socketRequest(openSession()), someoneElse);

    OutboundMessage out;
    out.messageId = 42;
    out.interactionId = 7;
    out.account = "demo";
    out.to = {"webchat", visitor};
    out.text = "Hello, how can I help?";
    out.createdAt = "2024-05-01T10:01:00.000Z";
    SendResult result = plugin.send(out);
    EXPECT_EQ(result.status, DeliveryStatus::Delivered);
    EXPECT_EQ(result.externalId, "webchat:42");
    const std::string expected =
        R"({"type":"message","message":{"id":42,"interaction_id":7,"direction":"out","author":"operator",)"
        R"("text":"Hello, how can I help?","status":"delivered","created_at":"2024-05-01T10:01:00.000Z"}})";
    ASSERT_EQ(tab1->sent.size(), 1u);
    EXPECT_EQ(tab1->sent[0], expected);
    ASSERT_EQ(tab2->sent.size(), 1u);
    EXPECT_TRUE(someoneElse->sent.empty());

    // One tab's peer vanished: the other still takes it.
    tab1->alive = false;
    EXPECT_EQ(plugin.send(out).status, DeliveryStatus::Delivered);

    socket->onClose(tab1);
    socket->onClose(tab2);
    result = plugin.send(out);
    EXPECT_EQ(result.status, DeliveryStatus::Sent);
    EXPECT_EQ(result.externalId, "webchat:42");

    // The same visitor id on another account is another visitor.
    socket->onOpen(socketRequest(token), tab2);
    out.account = "other";
    EXPECT_EQ(plugin.send(out).status, DeliveryStatus::Sent);
}

TEST_F(WebchatPluginTest, APushedMessageCarriesItsFiles) {
    const std::shared_ptr<WebSocketHandler> socket = host.sockets.at(socketPath);
    const std::string token = openSession();
    auto tab = std::make_shared<FakeConnection>(1);
    socket->onOpen(socketRequest(token), tab);

    OutboundMessage out;
    out.messageId = 43;
    out.interactionId = 7;
    out.account = "demo";
    out.to = {"webchat", visitorIdOf(token)};
    out.attachments = {{"0123456789abcdef0123456789abcdef", "receipt.png", "image/png", 68}};
    out.createdAt = "2024-05-01T10:02:00.000Z";
    ASSERT_EQ(plugin.send(out).status, DeliveryStatus::Delivered);
    ASSERT_EQ(tab->sent.size(), 1u);
    EXPECT_NE(tab->sent[0].find(R"("attachments":[{"file_id":"0123456789abcdef0123456789abcdef","name":"receipt.png",)"
                                R"("mime_type":"image/png","size":68}])"),
              std::string::npos)
        << tab->sent[0];
    socket->onClose(tab);
}

TEST_F(WebchatPluginTest, PushedMessagesNameTheirAuthor) {
    const std::string token = openSession();
    auto tab = std::make_shared<FakeConnection>(1);
    host.sockets.at(socketPath)->onOpen(socketRequest(token), tab);
    OutboundMessage out;
    out.messageId = 8;
    out.interactionId = 7;
    out.account = "demo";
    out.to = {"webchat", visitorIdOf(token)};
    out.text = "Please rate us";
    for (const auto& [author, name] : {std::pair<AuthorKind, std::string>{AuthorKind::System, "system"},
                                       {AuthorKind::Bot, "bot"},
                                       {AuthorKind::Operator, "operator"}}) {
        out.author = author;
        ASSERT_EQ(plugin.send(out).status, DeliveryStatus::Delivered);
        const Poco::JSON::Object::Ptr frame =
            Poco::JSON::Parser().parse(tab->sent.back()).extract<Poco::JSON::Object::Ptr>();
        EXPECT_EQ(frame->getObject("message")->getValue<std::string>("author"), name) << tab->sent.back();
    }
    EXPECT_EQ(tab->sent.size(), 3u);
}

TEST_F(WebchatPluginTest, InteractionUpdateReachesEveryTabOfThatVisitorOnly) {
    const std::shared_ptr<WebSocketHandler> socket = host.sockets.at(socketPath);
    const std::string token = openSession();
    const std::string visitor = visitorIdOf(token);
    auto tab1 = std::make_shared<FakeConnection>(1);
    auto tab2 = std::make_shared<FakeConnection>(2);
    auto closedTab = std::make_shared<FakeConnection>(3);
    auto someoneElse = std::make_shared<FakeConnection>(4);
    socket->onOpen(socketRequest(token), tab1);
    socket->onOpen(socketRequest(token), tab2);
    socket->onOpen(socketRequest(token), closedTab);
    socket->onClose(closedTab);
    socket->onOpen(socketRequest(openSession()), someoneElse);

    InteractionUpdate update;
    update.interactionId = 7;
    update.account = "demo";
    update.client = {"webchat", visitor};
    update.status = "closed";
    update.resolution = "answered";
    update.ratingRequested = true;
    plugin.onInteractionUpdate(update);
    const std::string expected =
        R"({"type":"interaction","interaction":{"id":7,"status":"closed","resolution":"answered",)"
        R"("rating_requested":true}})";
    ASSERT_EQ(tab1->sent.size(), 1u);
    EXPECT_EQ(tab1->sent[0], expected);
    ASSERT_EQ(tab2->sent.size(), 1u);
    EXPECT_EQ(tab2->sent[0], expected);
    EXPECT_TRUE(closedTab->sent.empty());
    EXPECT_TRUE(someoneElse->sent.empty());

    // No resolution yet: the field is left out rather than sent empty.
    update.status = "assigned";
    update.resolution.clear();
    update.ratingRequested = false;
    plugin.onInteractionUpdate(update);
    ASSERT_EQ(tab1->sent.size(), 2u);
    EXPECT_EQ(tab1->sent[1], R"({"type":"interaction","interaction":{"id":7,"status":"assigned","rating_requested":false}})");

    // The same visitor id on another account, another kind of address, an unknown account: nobody here.
    for (const auto& [account, client] : {std::pair<std::string, Address>{"other", {"webchat", visitor}},
                                          {"demo", {"email", visitor}},
                                          {"nope", {"webchat", visitor}}}) {
        update.account = account;
        update.client = client;
        EXPECT_NO_THROW(plugin.onInteractionUpdate(update));
    }
    EXPECT_EQ(tab1->sent.size(), 2u);
    EXPECT_EQ(tab2->sent.size(), 2u);
    EXPECT_TRUE(someoneElse->sent.empty());
}

TEST_F(WebchatPluginTest, SendRefusesWhatIsNotAWebchatVisitor) {
    OutboundMessage out;
    out.messageId = 5;
    out.account = "demo";
    out.to = {"email", "ann@example.com"};
    SendResult result = plugin.send(out);
    EXPECT_EQ(result.status, DeliveryStatus::Failed);
    EXPECT_EQ(result.errorCode, "bad_address");
    EXPECT_FALSE(result.errorText.empty());

    out.to = {"webchat", "some-visitor"};
    out.account = "nope";
    result = plugin.send(out);
    EXPECT_EQ(result.status, DeliveryStatus::Failed);
    EXPECT_EQ(result.errorCode, "unknown_account");
}

TEST_F(WebchatPluginTest, SocketsOpenAndCloseWhileOperatorsSend) {
    // The core's poller thread opens and closes sockets while HTTP threads send and status changes are pushed:
    // run this under TSan too.
    const std::shared_ptr<WebSocketHandler> socket = host.sockets.at(socketPath);
    const std::string token = openSession();
    OutboundMessage out;
    out.messageId = 1;
    out.account = "demo";
    out.to = {"webchat", visitorIdOf(token)};
    out.text = "hi";
    const HttpRequest request = socketRequest(token);
    std::thread poller([&] {
        for (std::uint64_t id = 1; id <= 300; ++id) {
            auto connection = std::make_shared<FakeConnection>(id);
            socket->onOpen(request, connection);
            socket->onText(connection, R"({"type":"ping"})");
            socket->onClose(connection);
        }
    });
    InteractionUpdate update;
    update.interactionId = 1;
    update.account = "demo";
    update.client = out.to;
    update.status = "closed";
    std::vector<std::thread> senders;
    for (int i = 0; i < 2; ++i) {
        senders.emplace_back([&] {
            for (int n = 0; n < 300; ++n) plugin.send(out);
        });
    }
    senders.emplace_back([&] {
        for (int n = 0; n < 300; ++n) plugin.onInteractionUpdate(update);
    });
    poller.join();
    for (std::thread& sender : senders) sender.join();
    EXPECT_EQ(plugin.send(out).status, DeliveryStatus::Sent);
}

TEST_F(WebchatPluginTest, StopClosesOpenSocketsAsGoingAway) {
    auto connection = std::make_shared<FakeConnection>(1);
    host.sockets.at(socketPath)->onOpen(socketRequest(openSession()), connection);
    plugin.stop();
    EXPECT_EQ(connection->closedWith, 1001);
}

}  // namespace
}  // namespace omnigate::webchat
