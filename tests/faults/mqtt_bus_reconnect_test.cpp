// The daemon's MQTT connection comes back by itself after a broker restart, subscriptions included, and keeps
// the retained gateway state current: what routing and other subscribers of the daemon will rely on. The broker
// keeps a persistent session's subscriptions across a restart, so a second test takes the session away (another
// client with the same id and a clean start): only the bus's own re-subscribing can bring the deliveries back.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "bus/mqtt_bus.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return condition();
}

TEST(MqttBusReconnect, SubscriptionsSurviveABrokerRestart) {
    MqttConfig config;
    config.url = "tcp://127.0.0.1:" + test::requireEnv("OMNIGATE_MQTT_PORT");
    config.username = test::daemonMqttLogin().username;
    config.password = test::daemonMqttLogin().password;
    config.keepAliveSeconds = 2;
    MqttBus bus(config, "bus-reconnect-test");
    std::atomic<int> received{0};
    bus.subscribe("omnigate/v1/test/bus-reconnect/+", [&](const std::string&, const std::string& payload) {
        if (payload == "ping") ++received;
    });
    bus.start();
    ASSERT_TRUE(eventually([&] { return bus.connected(); }, 10s)) << "the bus never connected";

    const auto publishUntilReceived = [&](int wanted) {
        return eventually(
            [&] {
                if (received >= wanted) return true;
                try {
                    bus.publish("omnigate/v1/test/bus-reconnect/a", "ping");
                } catch (const mqtt::exception&) {
                    // Not connected yet: the next attempt will tell.
                }
                return false;
            },
            20s);
    };
    ASSERT_TRUE(publishUntilReceived(1)) << "the subscription never delivered";

    test::services("restart", "mosquitto");
    ASSERT_TRUE(eventually([&] { return bus.connected(); }, 20s)) << "the bus did not reconnect";
    const int before = received;
    EXPECT_TRUE(publishUntilReceived(before + 1)) << "no delivery after the reconnect: the subscription was lost";

    // Someone else takes the client id with a clean start: the broker drops our session and its subscriptions.
    // The broker throws the bus off; the bus connects again and, with the same id, throws the intruder off in turn.
    // That the intruder loses its connection is the proof that the takeover happened (a count of the bus's own
    // connects is none: after the broker restart the bus may reconnect once more on its own).
    {
        mqtt::async_client intruder(config.url, "omnigate-bus-reconnect-test");
        std::atomic<bool> thrownOff{false};
        intruder.set_connection_lost_handler([&](const std::string&) { thrownOff = true; });
        auto options = mqtt::connect_options_builder()
                           .clean_session(true)
                           .user_name(config.username)
                           .password(config.password)
                           .finalize();
        intruder.connect(options)->wait();
        ASSERT_TRUE(eventually([&] { return thrownOff.load(); }, 20s))
            << "the bus never took its client id back: the takeover did not disconnect it, so what follows tests nothing";
    }
    ASSERT_TRUE(eventually([&] { return bus.connected(); }, 20s)) << "the bus did not come back after the takeover";
    const int afterTakeover = received;
    EXPECT_TRUE(publishUntilReceived(afterTakeover + 1)) << "no delivery after the session was lost: no re-subscribe";

    // The retained state says online again after the restart (the broker may have kept 'offline' from the will).
    test::MqttProbe state("omnigate/v1/gateway/bus-reconnect-test/state");
    EXPECT_EQ(state.waitFor([](const test::ReceivedMessage& m) { return m.payload == "online"; }, 1, 10s).size(), 1u);
    bus.stop();
}

}  // namespace
}  // namespace omnigate
