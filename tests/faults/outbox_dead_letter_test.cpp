// An event the broker can never take must not hold up every event behind it: the relay sets it aside in
// outbox_dead_letters, with the reason, and the rest flows on.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

TEST(OutboxDeadLetter, AnUnpublishableEventIsSetAsideAndTheRestFlows) {
    DaemonOptions options;
    options.instance = "dead-letter";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();

    // A wildcard topic: Mosquitto would drop the connection of whoever published it, again and again.
    DbProbe db;
    db.execute("INSERT INTO outbox (event_id, topic, payload, created_at) VALUES "
               "(UUID(), 'omnigate/v1/interactions/+/events', '{}', NOW(3))");
    const std::int64_t poisoned = db.scalar("SELECT MAX(id) FROM outbox WHERE topic LIKE '%+%'");

    MqttProbe probe("omnigate/v1/interactions/+/events");
    const std::string token =
        daemon.http().postJson("/api/v1/webchat/demo/sessions", "{}").json()->getValue<std::string>("token");
    const HttpResult posted = daemon.http().postJson("/api/v1/webchat/demo/messages", R"({"text":"behind the bad one"})", token);
    ASSERT_EQ(posted.status, 201) << posted.body;
    const std::int64_t id = posted.json()->getValue<std::int64_t>("id");

    const auto arrived = probe.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = Poco::JSON::Parser().parse(m.payload).extract<Poco::JSON::Object::Ptr>();
            return event->getValue<std::string>("type") == "message.created" &&
                   event->getObject("data")->getValue<std::int64_t>("id") == id;
        },
        1, 15s);
    EXPECT_EQ(arrived.size(), 1u) << daemon.log();
    // Events that writers hand the relay go out at once; a row it has to read from the outbox, like this one, is
    // found by its next read (within half a second when nothing else happens).
    const std::string setAside = "SELECT COUNT(*) FROM outbox_dead_letters WHERE id = " + std::to_string(poisoned);
    for (int i = 0; i < 100 && db.scalar(setAside) == 0; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM outbox WHERE id = " + std::to_string(poisoned)), 0);
    EXPECT_EQ(db.text("SELECT error FROM outbox_dead_letters WHERE id = " + std::to_string(poisoned)),
              "not a valid MQTT topic name");
    // At least this one: the outbox is shared with every earlier test, whose leftovers this relay also reads.
    const HttpResult metrics = daemon.http().get("/metrics");
    const std::size_t at = metrics.body.find("\nomnigate_outbox_dead_letters ");
    ASSERT_NE(at, std::string::npos) << metrics.body;
    EXPECT_GE(std::stoll(metrics.body.substr(at + 30)), 1) << metrics.body.substr(at, 40);
    EXPECT_EQ(daemon.http().get("/readyz").status, 200) << "the broker connection survived";
}

}  // namespace
}  // namespace omnigate::test
