// A web chat visitor rates a closed interaction the way the widget does: the close reaches the open page as an
// "interaction" frame asking for a rating, the widget posts it once, and it lands in MariaDB and on MQTT.
// The status change goes through the admin API, so this also holds the core to calling the channel back.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/UUIDGenerator.h>

#include <optional>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"
#include "support/visitor_page.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

class WebchatRating : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        // Its own MQTT client id, so it never takes over the broker session of another daemon running now.
        options.instance = "rating-" + uniqueId().substr(0, 8);
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    std::string openSession(const std::string& name) {
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":")" + name + R"("})");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()->getValue<std::string>("token");
    }

    // The visitor writes; returns the interaction the message joined.
    std::int64_t write(const std::string& token, const std::string& text) {
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + R"("})", token);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()->getValue<std::int64_t>("interaction_id");
    }

    HttpResult rate(const std::string& token, const std::string& body) {
        return daemon_->http().postJson("/api/v1/webchat/demo/rating", body, token);
    }

    HttpResult close(std::int64_t interaction) {
        return daemon_->http().postJson("/api/v1/interactions/" + std::to_string(interaction) + "/status",
                                        R"({"status":"closed","resolution":"answered"})", daemon_->adminToken());
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
};

DaemonProcess* WebchatRating::daemon_ = nullptr;

TEST_F(WebchatRating, ClosedInteractionAsksTheOpenPageForARatingWhichIsStoredOnceAndPublished) {
    const std::string topic = "omnigate/v1/interactions/+/events";
    MqttProbe probe(topic);
    const std::string token = openSession("Rater " + uniqueId());
    const std::int64_t interaction = write(token, "Where is my parcel? " + uniqueId());
    const std::string where = " WHERE id = " + std::to_string(interaction);
    VisitorPage page(daemon_->port(), token);

    // While it is open there is nothing to rate yet.
    HttpResult early = rate(token, R"({"rating":5,"interaction_id":)" + std::to_string(interaction) + "}");
    EXPECT_EQ(early.status, 409) << early.body;

    const HttpResult closed = close(interaction);
    ASSERT_EQ(closed.status, 200) << closed.body;
    EXPECT_EQ(db_.text("SELECT status FROM interactions" + where), "closed");

    const auto update = page.next("interaction");
    ASSERT_TRUE(update) << "the visitor's page never heard of the close";
    const auto pushed = (*update)->getObject("interaction");
    EXPECT_EQ(pushed->getValue<std::int64_t>("id"), interaction);
    EXPECT_EQ(pushed->getValue<std::string>("status"), "closed");
    EXPECT_EQ(pushed->getValue<std::string>("resolution"), "answered");
    EXPECT_TRUE(pushed->getValue<bool>("rating_requested"));

    // The widget's form: no interaction_id, so the visitor's latest closed interaction.
    const std::string comment = "Fast and friendly " + uniqueId();
    const HttpResult rated = rate(token, R"({"rating":4,"comment":")" + comment + R"("})");
    EXPECT_EQ(rated.status, 204) << rated.body;
    EXPECT_TRUE(rated.body.empty()) << rated.body;

    const HttpResult again = rate(token, R"({"rating":1,"interaction_id":)" + std::to_string(interaction) + "}");
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(again.json()->getObject("error")->getValue<std::string>("code"), "already_rated") << again.body;

    EXPECT_EQ(db_.scalar("SELECT rating FROM interactions" + where), 4);
    EXPECT_EQ(db_.text("SELECT rating_comment FROM interactions" + where), comment);

    const std::string interactionTopic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) {
            return m.topic == interactionTopic && parse(m.payload)->getValue<std::string>("type") == "rating.created";
        },
        1, 10s);
    ASSERT_EQ(events.size(), 1u);
    const auto data = parse(events[0].payload)->getObject("data");
    EXPECT_EQ(data->getValue<std::int64_t>("interaction_id"), interaction);
    EXPECT_EQ(data->getValue<int>("rating"), 4);
    EXPECT_EQ(data->getValue<std::string>("comment"), comment);
    // Only the first rating was published.
    std::this_thread::sleep_for(500ms);
    std::size_t ratingEvents = 0;
    for (const ReceivedMessage& m : probe.all()) {
        ratingEvents += m.topic == interactionTopic && parse(m.payload)->getValue<std::string>("type") == "rating.created";
    }
    EXPECT_EQ(ratingEvents, 1u);
}

TEST_F(WebchatRating, AVisitorCannotRateAnotherVisitorsInteraction) {
    const std::string owner = openSession("Owner " + uniqueId());
    const std::int64_t interaction = write(owner, "mine " + uniqueId());
    ASSERT_EQ(close(interaction).status, 200);

    const std::string stranger = openSession("Stranger " + uniqueId());
    write(stranger, "hello " + uniqueId());  // a client with an open interaction of its own, nothing closed
    HttpResult r = rate(stranger, R"({"rating":1,"interaction_id":)" + std::to_string(interaction) + "}");
    EXPECT_EQ(r.status, 404) << r.body;
    r = rate(stranger, R"({"rating":1})");
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE rating IS NOT NULL AND id = " +
                         std::to_string(interaction)),
              0);

    r = rate(owner, R"({"rating":"5"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("'rating'"), std::string::npos) << r.body;
    EXPECT_EQ(rate("", R"({"rating":5})").status, 401);
}

}  // namespace
}  // namespace omnigate::test
