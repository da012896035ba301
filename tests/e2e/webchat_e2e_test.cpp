// The walking skeleton end to end: a visitor's message through the web chat plugin into MariaDB and out on MQTT,
// idempotent resends, the history, and an operator's reply reaching the visitor's WebSocket.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/UUIDGenerator.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

class WebchatEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        daemon_ = new DaemonProcess();
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    // A new visitor session; returns the token.
    std::string openSession(const std::string& name = "Anna") {
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":")" + name + R"("})");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()->getValue<std::string>("token");
    }

    HttpResult post(const std::string& token, const std::string& text, const std::string& clientMessageId = "") {
        std::string body = R"({"text":")" + text + "\"";
        if (!clientMessageId.empty()) body += R"(,"client_message_id":")" + clientMessageId + "\"";
        return daemon_->http().postJson("/api/v1/webchat/demo/messages", body + "}", token);
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
};

DaemonProcess* WebchatEndToEnd::daemon_ = nullptr;

TEST_F(WebchatEndToEnd, HealthReadinessAndMetricsAnswer) {
    EXPECT_EQ(daemon_->http().get("/healthz").status, 200);
    const HttpResult ready = daemon_->http().get("/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(ready.json()->getObject("checks")->getValue<std::string>("database"), "ok");
    const HttpResult metrics = daemon_->http().get("/metrics");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.headers.at("Content-Type").find("text/plain"), std::string::npos);
    for (const char* name : {"omnigate_http_request_duration_seconds_bucket", "omnigate_outbox_backlog"}) {
        EXPECT_NE(metrics.body.find(name), std::string::npos) << name;
    }
}

TEST_F(WebchatEndToEnd, MessageIsStoredThenPublished) {
    MqttProbe probe("omnigate/v1/#");
    const std::string token = openSession("Boris");
    const std::string text = "Where is my order " + uniqueId();
    const HttpResult r = post(token, text);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto message = r.json();
    const std::int64_t id = message->getValue<std::int64_t>("id");
    const std::int64_t interaction = message->getValue<std::int64_t>("interaction_id");
    EXPECT_EQ(message->getValue<std::string>("text"), text);
    EXPECT_EQ(message->getValue<std::string>("direction"), "in");

    // Durable before the answer: the rows are there the moment we look.
    EXPECT_EQ(db_.text("SELECT body FROM messages WHERE id = " + std::to_string(id)), text);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE id = " + std::to_string(interaction)), 1);
    EXPECT_EQ(db_.text("SELECT c.name FROM clients c JOIN messages m ON m.client_id = c.id WHERE m.id = " +
                       std::to_string(id)),
              "Boris");

    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) {
            return m.topic == topic && parse(m.payload)->getValue<std::string>("type") == "message.created";
        },
        1, 10s);
    ASSERT_EQ(events.size(), 1u);
    const auto event = parse(events[0].payload);
    EXPECT_EQ(event->getValue<int>("schema_version"), 1);
    EXPECT_EQ(event->getValue<std::string>("id").size(), 36u);
    EXPECT_FALSE(event->getValue<std::string>("time").empty());
    EXPECT_EQ(event->getObject("data")->getValue<std::int64_t>("id"), id);
    EXPECT_EQ(event->getObject("data")->getValue<std::string>("text"), text);

    // The same interaction's creation was announced too, and the outbox is drained once the broker acknowledged.
    EXPECT_EQ(probe.waitFor([&](const ReceivedMessage& m) {
                       return m.topic == topic && parse(m.payload)->getValue<std::string>("type") == "interaction.created";
                   }, 1, 5s).size(), 1u);
    // This interaction's rows only: the database is shared with whatever else the suite's daemons publish meanwhile.
    const std::string pending = "SELECT COUNT(*) FROM outbox WHERE topic = '" + topic + "'";
    for (int i = 0; i < 50 && db_.scalar(pending) > 0; ++i) std::this_thread::sleep_for(100ms);
    EXPECT_EQ(db_.scalar(pending), 0);
}

TEST_F(WebchatEndToEnd, FollowUpMessagesJoinTheOpenInteraction) {
    const std::string token = openSession();
    const HttpResult first = post(token, "first");
    const HttpResult second = post(token, "second");
    ASSERT_EQ(first.status, 201);
    ASSERT_EQ(second.status, 201);
    EXPECT_EQ(first.json()->getValue<std::int64_t>("interaction_id"), second.json()->getValue<std::int64_t>("interaction_id"));
    // Another visitor is another client with another interaction.
    const HttpResult other = post(openSession("Vera"), "hello");
    EXPECT_NE(other.json()->getValue<std::int64_t>("interaction_id"), first.json()->getValue<std::int64_t>("interaction_id"));
    EXPECT_NE(other.json()->getValue<std::int64_t>("client_id"), first.json()->getValue<std::int64_t>("client_id"));
}

TEST_F(WebchatEndToEnd, ResendWithTheSameClientMessageIdIsStoredOnce) {
    const std::string token = openSession();
    const std::string cmid = uniqueId();
    const HttpResult first = post(token, "only once", cmid);
    const HttpResult again = post(token, "only once", cmid);
    ASSERT_EQ(first.status, 201) << first.body;
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(first.json()->getValue<std::int64_t>("id"), again.json()->getValue<std::int64_t>("id"));
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE external_id LIKE '%:" + cmid + "'"), 1);
}

TEST_F(WebchatEndToEnd, ConcurrentDuplicatesAreStoredOnce) {
    const std::string token = openSession();
    const std::string cmid = uniqueId();
    constexpr int kCopies = 8;
    std::vector<HttpResult> results(kCopies);
    std::vector<std::thread> threads;
    for (int i = 0; i < kCopies; ++i) threads.emplace_back([&, i] { results[i] = post(token, "at once", cmid); });
    for (auto& t : threads) t.join();
    int created = 0;
    for (const HttpResult& r : results) {
        ASSERT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
        created += r.status == 201;
        EXPECT_EQ(r.json()->getValue<std::int64_t>("id"), results[0].json()->getValue<std::int64_t>("id"));
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE external_id LIKE '%:" + cmid + "'"), 1);
}

TEST_F(WebchatEndToEnd, ManyVisitorsAtOnceAreAllStored) {
    // Parallel visitors share the writer's batches (savepoints per job): every message must land, in each
    // visitor's order, and nobody else's.
    constexpr int kVisitors = 16;
    constexpr int kMessagesEach = 60;
    std::vector<std::string> tokens;
    for (int v = 0; v < kVisitors; ++v) tokens.push_back(openSession("Load " + std::to_string(v)));
    std::atomic<int> stored{0};
    std::mutex refusedMutex;
    std::string refused;  // the answers that were not 201, for the failure message
    std::vector<std::thread> threads;
    for (int v = 0; v < kVisitors; ++v) {
        threads.emplace_back([&, v] {
            for (int i = 0; i < kMessagesEach; ++i) {
                const HttpResult r = post(tokens[v], "message " + std::to_string(i));
                if (r.status == 201) {
                    ++stored;
                } else {
                    std::lock_guard<std::mutex> lock(refusedMutex);
                    refused += "visitor " + std::to_string(v) + " message " + std::to_string(i) + ": " +
                               std::to_string(r.status) + " " + r.body.substr(0, 300) + "\n";
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(stored.load(), kVisitors * kMessagesEach) << refused;
    EXPECT_EQ(daemon_->http().get("/healthz").status, 200);
    for (const std::string& token : tokens) {
        const auto messages = daemon_->http().get("/api/v1/webchat/demo/messages?limit=100", token).json()->getArray("messages");
        ASSERT_EQ(messages->size(), static_cast<std::size_t>(kMessagesEach));
        EXPECT_EQ(messages->getObject(kMessagesEach - 1)->getValue<std::string>("text"), "message " + std::to_string(kMessagesEach - 1));
    }
}

TEST_F(WebchatEndToEnd, OperatorReplyReachesTheVisitorsWebSocketAndTheHistory) {
    MqttProbe probe("omnigate/v1/#");
    const std::string token = openSession("Galina");
    const HttpResult inbound = post(token, "Hello, anyone there?");
    ASSERT_EQ(inbound.status, 201);
    const std::int64_t interaction = inbound.json()->getValue<std::int64_t>("interaction_id");

    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(daemon_->port()));
    Poco::Net::HTTPRequest upgrade(Poco::Net::HTTPRequest::HTTP_GET, "/api/v1/webchat/demo/ws?token=" + token,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse upgraded;
    Poco::Net::WebSocket socket(session, upgrade, upgraded);
    socket.setReceiveTimeout(Poco::Timespan(10, 0));

    const std::string replyText = "Yes, Galina, how can I help?";
    const HttpResult reply = daemon_->http().postJson("/api/v1/interactions/" + std::to_string(interaction) + "/messages",
                                                      R"({"text":")" + replyText + R"("})", daemon_->adminToken());
    ASSERT_EQ(reply.status, 201) << reply.body;
    EXPECT_EQ(reply.json()->getValue<std::string>("status"), "delivered");
    EXPECT_EQ(reply.json()->getValue<std::string>("direction"), "out");

    char buffer[4096];
    int flags = 0;
    const int n = socket.receiveFrame(buffer, sizeof buffer, flags);
    ASSERT_GT(n, 0);
    const auto frame = parse(std::string(buffer, static_cast<std::size_t>(n)));
    EXPECT_EQ(frame->getValue<std::string>("type"), "message");
    EXPECT_EQ(frame->getObject("message")->getValue<std::string>("text"), replyText);
    socket.close();

    const std::int64_t replyId = reply.json()->getValue<std::int64_t>("id");
    EXPECT_EQ(db_.text("SELECT status FROM messages WHERE id = " + std::to_string(replyId)), "delivered");

    const HttpResult history = daemon_->http().get("/api/v1/webchat/demo/messages", token);
    ASSERT_EQ(history.status, 200) << history.body;
    const auto messages = history.json()->getArray("messages");
    ASSERT_EQ(messages->size(), 2u);
    EXPECT_EQ(messages->getObject(0)->getValue<std::string>("direction"), "in");
    EXPECT_EQ(messages->getObject(1)->getValue<std::string>("text"), replyText);

    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    EXPECT_EQ(probe.waitFor([&](const ReceivedMessage& m) {
                       if (m.topic != topic) return false;
                       const auto event = parse(m.payload);
                       return event->getValue<std::string>("type") == "message.status" &&
                              event->getObject("data")->getValue<std::string>("status") == "delivered";
                   }, 1, 10s).size(), 1u);
}

TEST_F(WebchatEndToEnd, ReplyToAnOfflineVisitorIsKeptForTheHistory) {
    const std::string token = openSession();
    const HttpResult inbound = post(token, "bye for now");
    const std::int64_t interaction = inbound.json()->getValue<std::int64_t>("interaction_id");
    const HttpResult reply = daemon_->http().postJson("/api/v1/interactions/" + std::to_string(interaction) + "/messages",
                                                      R"({"text":"We will answer by mail"})", daemon_->adminToken());
    ASSERT_EQ(reply.status, 201) << reply.body;
    EXPECT_EQ(reply.json()->getValue<std::string>("status"), "sent");
    const auto messages = daemon_->http().get("/api/v1/webchat/demo/messages", token).json()->getArray("messages");
    ASSERT_EQ(messages->size(), 2u);
    EXPECT_EQ(messages->getObject(1)->getValue<std::string>("text"), "We will answer by mail");
}

TEST(GatewayState, RetainedOnlineWhileRunningAndOfflineAfterStop) {
    DaemonOptions options;
    options.instance = "state-" + uniqueId().substr(0, 8);
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const std::string topic = "omnigate/v1/gateway/" + options.instance + "/state";
    {
        MqttProbe probe(topic);
        const auto online = probe.waitFor([](const ReceivedMessage& m) { return m.payload == "online"; }, 1, 10s);
        ASSERT_EQ(online.size(), 1u);
        EXPECT_TRUE(online[0].retained);
    }
    EXPECT_EQ(daemon.stop(), 0) << daemon.log();
    MqttProbe after(topic);
    const auto offline = after.waitFor([](const ReceivedMessage& m) { return m.payload == "offline"; }, 1, 10s);
    ASSERT_EQ(offline.size(), 1u);
    EXPECT_TRUE(offline[0].retained);
}

}  // namespace
}  // namespace omnigate::test
