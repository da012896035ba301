// A broker outage delays events and loses none: messages are accepted while Mosquitto is down, and every event
// arrives once it is back (the outbox holds them; the relay deletes an event only after the broker's PUBACK).
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <set>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

TEST(BrokerOutage, MessagesAcceptedWhileDownArePublishedAfterwards) {
    DaemonOptions options;
    options.instance = "broker-outage";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const std::string token =
        daemon.http().postJson("/api/v1/webchat/demo/sessions", "{}").json()->getValue<std::string>("token");
    const std::string run = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();

    // A subscriber with a persistent session: the broker keeps its subscription across the restart.
    auto probe = std::make_unique<MqttProbe>("omnigate/v1/interactions/+/events", "fault-probe-" + run.substr(0, 8));

    services("stop", "mosquitto");
    // The daemon notices the loss (readiness) and still takes messages: they are durable in MariaDB.
    bool notReady = false;
    for (int i = 0; i < 100 && !notReady; ++i) {
        notReady = daemon.http().get("/readyz").status == 503;
        if (!notReady) std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(notReady) << "/readyz kept answering 200 without a broker";

    constexpr int kMessages = 25;
    std::set<std::int64_t> ids;
    for (int i = 0; i < kMessages; ++i) {
        const HttpResult r = daemon.http().postJson("/api/v1/webchat/demo/messages",
                                                    R"({"text":"during outage )" + std::to_string(i) + R"(",)"
                                                    R"("client_message_id":")" + run + "-" + std::to_string(i) + R"("})",
                                                    token);
        ASSERT_EQ(r.status, 201) << r.body;
        ids.insert(r.json()->getValue<std::int64_t>("id"));
    }
    DbProbe db;
    EXPECT_GE(db.scalar("SELECT COUNT(*) FROM outbox"), kMessages) << "events must wait in the outbox";

    services("start", "mosquitto");
    ASSERT_TRUE(daemon.waitReady(30s)) << daemon.log();

    const auto created = probe->waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = Poco::JSON::Parser().parse(m.payload).extract<Poco::JSON::Object::Ptr>();
            return event->getValue<std::string>("type") == "message.created" &&
                   ids.count(event->getObject("data")->getValue<std::int64_t>("id")) == 1;
        },
        kMessages, 30s);
    std::set<std::int64_t> seen;
    for (const ReceivedMessage& m : created) {
        seen.insert(Poco::JSON::Parser().parse(m.payload).extract<Poco::JSON::Object::Ptr>()->getObject("data")->getValue<std::int64_t>("id"));
    }
    EXPECT_EQ(seen, ids) << daemon.log();
    for (int i = 0; i < 50 && db.scalar("SELECT COUNT(*) FROM outbox") > 0; ++i) std::this_thread::sleep_for(100ms);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM outbox"), 0);
}

}  // namespace
}  // namespace omnigate::test
