// The web chat channel through the whole inbound pipeline, configured the way an administrator does it: spam
// words, the black list and an auto-reply template through the admin API, then visitors writing.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/visitor_page.h"

namespace omnigate::test {
namespace {

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

class PipelineEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        // A web chat account of its own, so the auto-reply template created here greets nobody else's visitors.
        options.channelsYaml +=
            "  - type: webchat\n"
            "    id: greeter\n"
            "    settings:\n"
            "      token_secret: test-webchat-secret-0123456789\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        for (const std::string& path : created_) daemon_->http().request("DELETE", path, "", admin());
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static std::map<std::string, std::string> admin() {
        return {{"Authorization", "Bearer " + daemon_->adminToken()}, {"Content-Type", "application/json"}};
    }
    // Creates through the admin API and remembers what to delete afterwards.
    void create(const std::string& collection, const std::string& body) {
        const HttpResult r = daemon_->http().request("POST", collection, body, admin());
        ASSERT_EQ(r.status, 201) << collection << ": " << r.body;
        created_.push_back(collection + "/" + std::to_string(r.json()->getValue<std::int64_t>("id")));
    }

    struct Visitor {
        std::string token;
        std::string id;
    };
    Visitor visitor(const std::string& account = "demo") {
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/" + account + "/sessions", R"({"name":"Olga"})");
        EXPECT_EQ(r.status, 201) << r.body;
        return {r.json()->getValue<std::string>("token"), r.json()->getValue<std::string>("visitor_id")};
    }
    Poco::JSON::Object::Ptr post(const Visitor& v, const std::string& text, const std::string& account = "demo") {
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/" + account + "/messages",
                                                      R"({"text":")" + text + R"("})", v.token);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }
    std::string statusOf(const Poco::JSON::Object::Ptr& message) {
        return db_.text("SELECT status FROM interactions WHERE id = " +
                        std::to_string(message->getValue<std::int64_t>("interaction_id")));
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
    std::vector<std::string> created_;
};

DaemonProcess* PipelineEndToEnd::daemon_ = nullptr;

TEST_F(PipelineEndToEnd, ASpamWordMarksTheInteractionSpam) {
    const std::string word = "jackpot" + unique();
    create("/api/v1/spam-words", R"({"word":")" + word + R"("})");
    const auto message = post(visitor(), "Win the " + word + " now");
    EXPECT_EQ(statusOf(message), "spam");
    EXPECT_EQ(statusOf(post(visitor(), "A normal question")), "new") << "other visitors are unaffected";
}

TEST_F(PipelineEndToEnd, ABlackListedVisitorIsStoredAsBlocked) {
    const Visitor v = visitor();
    create("/api/v1/blacklist", R"({"kind":"webchat","value":")" + v.id + R"("})");
    const auto message = post(v, "hello again");
    EXPECT_EQ(statusOf(message), "blocked");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE id = " + std::to_string(message->getValue<std::int64_t>("id"))), 1);
}

TEST_F(PipelineEndToEnd, ANewInteractionIsGreetedOnTheVisitorsWebSocket) {
    create("/api/v1/auto-replies", R"({"name":"greeting","channel":"webchat","account":"greeter",)"
                                   R"("trigger":"new_interaction","body":"Hello {client.name}, request {interaction.id} is with us."})");
    const Visitor v = visitor("greeter");
    VisitorPage page(daemon_->port(), v.token, "greeter");

    const auto message = post(v, "hi", "greeter");
    const std::string expected =
        "Hello Olga, request " + std::to_string(message->getValue<std::int64_t>("interaction_id")) + " is with us.";
    const auto frame = page.next("message");
    ASSERT_TRUE(frame);
    EXPECT_EQ((*frame)->getObject("message")->getValue<std::string>("text"), expected);
    EXPECT_EQ((*frame)->getObject("message")->getValue<std::string>("author"), "system");

    post(v, "and one more thing", "greeter");
    const auto history = daemon_->http().get("/api/v1/webchat/greeter/messages", v.token).json()->getArray("messages");
    ASSERT_EQ(history->size(), 3u) << "message, greeting, follow-up: a follow-up is not greeted again";
    EXPECT_EQ(history->getObject(1)->getValue<std::string>("text"), expected);
}

}  // namespace
}  // namespace omnigate::test
