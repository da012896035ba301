// The outbox relay on its own, with no daemon around it (so no routing commits wake it): what writers offer goes
// out from memory, each event once, and an event no writer offered (written by another process, say) is still
// read from the outbox while a steady stream of offers keeps the relay busy.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>
#include <cppconn/resultset.h>

#include <atomic>
#include <set>
#include <thread>

#include "bus/mqtt_bus.h"
#include "bus/outbox_relay.h"
#include "db/migrator.h"
#include "db/outbox.h"
#include "db/write_batcher.h"
#include "omnigate/sdk/api_error.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

TEST(OutboxRelay, AnEventNobodyOfferedGoesOutWhileOffersKeepTheRelayBusy) {
    DatabaseConfig database;
    database.port = test::requireEnvInt("OMNIGATE_DB_PORT");
    database.name = test::requireEnv("OMNIGATE_DB_NAME");
    database.user = test::requireEnv("OMNIGATE_DB_USER");
    database.password = test::requireEnv("OMNIGATE_DB_PASSWORD");
    ConnectionPool pool(database);
    {
        auto session = pool.connect();
        Migrator(*session, [](const std::string&) {}).apply(builtInMigrations());
    }
    MqttConfig mqtt;
    mqtt.url = "tcp://127.0.0.1:" + test::requireEnv("OMNIGATE_MQTT_PORT");
    mqtt.username = test::daemonMqttLogin().username;
    mqtt.password = test::daemonMqttLogin().password;
    const std::string tag = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
    MqttBus bus(mqtt, "relay-test-" + tag);
    OutboxRelay relay(pool, bus);
    bus.onConnected([&] { relay.wake(); });
    bus.onDelivered([&] { relay.acknowledged(); });
    WriteBatcher writer(pool, 1, 100, 1000, [&](const std::vector<CommittedEvent>& committed) {
        std::vector<OutboxRelay::Event> events;
        for (const CommittedEvent& event : committed) {
            events.push_back({event.outboxId, event.topic, event.payload, trafficOf(event)});
        }
        relay.offer(std::move(events));
    });
    test::MqttProbe probe("omnigate/v1/test/" + tag + "/#");
    bus.start();
    relay.start();
    writer.start();

    const std::string offeredTopic = "omnigate/v1/test/" + tag + "/offered";
    std::atomic<bool> writing{true};
    std::atomic<int> written{0};
    std::thread load([&] {
        while (writing) {
            try {
                writer.run([&](DbSession& session) {
                    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
                    data->set("n", written.load());
                    appendEvent(session, offeredTopic, "test.offered", data);
                });
                ++written;
            } catch (const ApiError&) {
                // Not written (the database refused): nothing to expect on the broker.
            }
            // Paced: the window stays nearly empty (a full one is read from the outbox anyway), while offers and
            // acknowledgements still come far more often than the relay's quiet timeout.
            std::this_thread::sleep_for(5ms);
        }
    });
    // Whatever way this test ends, the load stops first.
    struct StopLoad {
        std::atomic<bool>& writing;
        std::thread& load;
        ~StopLoad() {
            writing = false;
            if (load.joinable()) load.join();
        }
    } stopLoad{writing, load};
    // The steady state: past the start-up read, with whatever earlier tests left in the shared outbox published,
    // only the load's few events in flight.
    auto session = pool.connect();
    const auto outboxRows = [&] {
        std::unique_ptr<sql::ResultSet> rs(session->prepare("SELECT COUNT(*) FROM outbox").executeQuery());
        rs->next();
        return rs->getInt64(1);
    };
    for (int i = 0; i < 600 && outboxRows() > 10; ++i) std::this_thread::sleep_for(50ms);
    ASSERT_LE(outboxRows(), 10) << "the relay did not catch up with the outbox";
    ASSERT_GE(probe.waitFor([&](const test::ReceivedMessage& m) { return m.topic == offeredTopic; }, 50, 10s).size(),
              50u);

    const std::string elsewhereTopic = "omnigate/v1/test/" + tag + "/elsewhere";
    sql::PreparedStatement& insert =
        session->prepare("INSERT INTO outbox (event_id, topic, payload, created_at) VALUES (UUID(), ?, '{}', NOW(3))");
    insert.setString(1, elsewhereTopic);
    insert.executeUpdate();
    const int writtenBefore = written;
    const auto elsewhere =
        probe.waitFor([&](const test::ReceivedMessage& m) { return m.topic == elsewhereTopic; }, 1, 5s);
    // The load was still writing when the event went out: it commits again. Waited for, not read at once: on a
    // loaded machine (or under ThreadSanitizer) one paced write can take longer than the relay's next read.
    for (int i = 0; i < 200 && written == writtenBefore; ++i) std::this_thread::sleep_for(50ms);
    const int writtenMeanwhile = written - writtenBefore;
    writing = false;
    load.join();
    writer.stop();  // every offer made
    EXPECT_EQ(elsewhere.size(), 1u) << "an event no writer offered waited for the load to end";
    EXPECT_GT(writtenMeanwhile, 0) << "the load had stopped: the relay was not busy";

    // Every offered event arrives, and only once.
    const auto offered = probe.waitFor([&](const test::ReceivedMessage& m) { return m.topic == offeredTopic; },
                                       static_cast<std::size_t>(written.load()), 10s);
    std::set<std::string> distinct;
    for (const auto& m : offered) distinct.insert(m.payload);
    EXPECT_EQ(offered.size(), static_cast<std::size_t>(written.load()));
    EXPECT_EQ(distinct.size(), offered.size()) << "an event went out twice";
    std::this_thread::sleep_for(300ms);
    const auto late = probe.waitFor([&](const test::ReceivedMessage& m) { return m.topic == offeredTopic; },
                                    static_cast<std::size_t>(written.load()) + 1, 0s);
    EXPECT_EQ(late.size(), static_cast<std::size_t>(written.load())) << "an event went out twice";

    relay.stop();
    bus.stop();
}

}  // namespace
}  // namespace omnigate
