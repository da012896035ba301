// The broker closed to strangers, against the real Mosquitto with its dynamic-security plugin (scripts/services.sh):
// no anonymous client, over MQTT or WebSockets; an operator's account reads only its own subtree and publishes
// nothing; a supervisor reads everything; a revoked account stops working and its open session ends; the daemon
// reaches the broker over TLS.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bus/dynamic_security.h"
#include "bus/mqtt_bus.h"
#include "support/mqtt_probe.h"
#include "support/raw_websocket.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

std::string plainUrl() { return "tcp://127.0.0.1:" + test::requireEnv("OMNIGATE_MQTT_PORT"); }
std::string tlsDir() { return test::requireEnv("OMNIGATE_VAR_DIR") + "/mosquitto/tls/"; }

MqttConfig daemonConfig() {
    MqttConfig config;
    config.url = plainUrl();
    config.username = test::daemonMqttLogin().username;
    config.password = test::daemonMqttLogin().password;
    return config;
}

// The broker's reason code behind a failed operation: Paho C++ 1.2 puts a refused CONNACK's in the return code,
// other refusals in the reason code.
mqtt::ReasonCode reasonOf(const mqtt::exception& e) {
    return static_cast<mqtt::ReasonCode>(e.get_reason_code() != 0 ? e.get_reason_code() : e.get_return_code());
}

// A person's MQTT 5 client, as a console would be: records what arrives and whether the broker threw it off.
class PersonClient : public virtual mqtt::callback {
public:
    PersonClient() : client_(plainUrl(), "person-" + unique(), mqtt::create_options(MQTTVERSION_5)) {
        client_.set_callback(*this);
    }
    ~PersonClient() override {
        try {
            if (client_.is_connected()) client_.disconnect()->wait_for(2s);
        } catch (const mqtt::exception&) {
            // Already thrown off by the broker: what some tests want.
        }
    }

    // The CONNACK's reason code: SUCCESS, or why the broker refused.
    mqtt::ReasonCode connect(const std::string& username, const std::string& password) {
        mqtt::connect_options options;
        options.set_mqtt_version(MQTTVERSION_5);
        options.set_clean_start(true);
        options.set_connect_timeout(5s);
        if (!username.empty()) {
            options.set_user_name(username);
            options.set_password(password);
        }
        try {
            client_.connect(options)->wait();
            return mqtt::ReasonCode::SUCCESS;
        } catch (const mqtt::exception& e) {
            return reasonOf(e);
        }
    }

    // The SUBACK's reason code for the one filter.
    mqtt::ReasonCode subscribe(const std::string& filter) {
        try {
            const auto token = client_.subscribe(filter, 1);
            token->wait();
            const mqtt::subscribe_response response = token->get_subscribe_response();
            return response.get_reason_codes().at(0);
        } catch (const mqtt::exception& e) {
            return reasonOf(e);
        }
    }

    // The PUBACK's reason code of a QoS 1 publish.
    mqtt::ReasonCode publish(const std::string& topic, const std::string& payload) {
        try {
            client_.publish(topic, payload.data(), payload.size(), 1, false)->wait();
            return mqtt::ReasonCode::SUCCESS;
        } catch (const mqtt::exception& e) {
            return reasonOf(e);
        }
    }

    bool connected() const { return client_.is_connected(); }

    // Waits until a message on `topic` arrived; false on timeout.
    bool waitFor(const std::string& topic, std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lock(mutex_);
        return arrived_.wait_for(lock, timeout, [&] {
            for (const std::string& t : topics_) {
                if (t == topic) return true;
            }
            return false;
        });
    }
    std::vector<std::string> topics() {
        std::lock_guard<std::mutex> lock(mutex_);
        return topics_;
    }
    bool lost() const { return lost_; }
    bool waitLost(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (lost_ || !client_.is_connected()) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

private:
    void message_arrived(mqtt::const_message_ptr message) override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            topics_.push_back(message->get_topic());
        }
        arrived_.notify_all();
    }
    void connection_lost(const std::string&) override { lost_ = true; }

    mqtt::async_client client_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<std::string> topics_;
    std::atomic<bool> lost_{false};
};

// The daemon's own publisher, for what the people's clients should (not) receive.
class DaemonPublisher {
public:
    DaemonPublisher() : client_(plainUrl(), "dynsec-test-publisher-" + unique(), mqtt::create_options(MQTTVERSION_5)) {
        mqtt::connect_options options;
        options.set_mqtt_version(MQTTVERSION_5);
        options.set_clean_start(true);
        options.set_user_name(test::daemonMqttLogin().username);
        options.set_password(test::daemonMqttLogin().password);
        client_.connect(options)->wait();
    }
    ~DaemonPublisher() {
        try {
            client_.disconnect()->wait_for(2s);
        } catch (const mqtt::exception&) {
        }
    }
    void publish(const std::string& topic) { client_.publish(topic, "{}", 2, 1, false)->wait(); }

private:
    mqtt::async_client client_;
};

class DynamicSecurityTest : public ::testing::Test {
protected:
    DynamicSecurity security_{daemonConfig(), "dynsec-test-" + unique()};
    std::string suffix_ = unique();
};

TEST_F(DynamicSecurityTest, AnAnonymousClientCannotConnect) {
    PersonClient anonymous;
    EXPECT_EQ(anonymous.connect("", ""), mqtt::ReasonCode::NOT_AUTHORIZED);
    EXPECT_FALSE(anonymous.connected());
    PersonClient guesser;
    EXPECT_EQ(guesser.connect(test::daemonMqttLogin().username, "not-the-password"), mqtt::ReasonCode::NOT_AUTHORIZED);
}

TEST_F(DynamicSecurityTest, AnOperatorReadsOnlyTheirOwnSubtree) {
    const std::string a = "op-a-" + suffix_;
    const std::string b = "op-b-" + suffix_;
    security_.grantOperator("user-" + a, "password-" + a, a);
    security_.grantOperator("user-" + b, "password-" + b, b);

    PersonClient operatorA;
    ASSERT_EQ(operatorA.connect("user-" + a, "password-" + a), mqtt::ReasonCode::SUCCESS);
    EXPECT_EQ(operatorA.subscribe("omnigate/v1/operators/" + a + "/#"), mqtt::ReasonCode::GRANTED_QOS_1);
    EXPECT_EQ(operatorA.subscribe("omnigate/v1/operators/" + b + "/#"), mqtt::ReasonCode::NOT_AUTHORIZED);
    EXPECT_EQ(operatorA.subscribe("omnigate/v1/operators/" + b + "/inbox"), mqtt::ReasonCode::NOT_AUTHORIZED);
    EXPECT_EQ(operatorA.subscribe("omnigate/v1/operators/+/inbox"), mqtt::ReasonCode::NOT_AUTHORIZED);
    EXPECT_EQ(operatorA.subscribe("omnigate/v1/#"), mqtt::ReasonCode::NOT_AUTHORIZED);
    EXPECT_EQ(operatorA.subscribe("#"), mqtt::ReasonCode::NOT_AUTHORIZED);

    DaemonPublisher daemon;
    daemon.publish("omnigate/v1/operators/" + b + "/inbox");
    daemon.publish("omnigate/v1/interactions/1/events");
    daemon.publish("omnigate/v1/operators/" + a + "/inbox");  // last: once it is here, the others had their chance
    ASSERT_TRUE(operatorA.waitFor("omnigate/v1/operators/" + a + "/inbox", 10s)) << "A's own inbox never arrived";
    EXPECT_EQ(operatorA.topics(), std::vector<std::string>{"omnigate/v1/operators/" + a + "/inbox"});
}

// A QoS 1 publish by `username` on a connection of its own (the broker may close a connection after a refusal);
// the PUBACK's reason code.
mqtt::ReasonCode publishAs(const std::string& username, const std::string& password, const std::string& topic,
                           const std::string& payload) {
    PersonClient client;
    const mqtt::ReasonCode connected = client.connect(username, password);
    if (connected != mqtt::ReasonCode::SUCCESS) return connected;
    return client.publish(topic, payload);
}

TEST_F(DynamicSecurityTest, NobodyButTheDaemonPublishesUnderOmnigate) {
    const std::string a = "op-a-" + suffix_;
    security_.grantOperator("user-" + a, "password-" + a, a);
    security_.grantSupervisor("supervisor-" + suffix_, "password-s-" + suffix_);
    test::MqttProbe observer("omnigate/v1/#");

    EXPECT_EQ(publishAs("user-" + a, "password-" + a, "omnigate/v1/operators/" + a + "/inbox", "{\"fake\":\"offer\"}"),
              mqtt::ReasonCode::NOT_AUTHORIZED);
    EXPECT_EQ(publishAs("user-" + a, "password-" + a, "omnigate/v1/interactions/1/events", "{\"fake\":1}"),
              mqtt::ReasonCode::NOT_AUTHORIZED);
    EXPECT_EQ(publishAs("supervisor-" + suffix_, "password-s-" + suffix_, "omnigate/v1/supervisors/events",
                        "{\"fake\":2}"),
              mqtt::ReasonCode::NOT_AUTHORIZED);
    EXPECT_EQ(publishAs(test::observerMqttLogin().username, test::observerMqttLogin().password,
                        "omnigate/v1/gateway/x/state", "fake"),
              mqtt::ReasonCode::NOT_AUTHORIZED);

    // Nothing of theirs reached a reader; the daemon's own publish, made after theirs, does.
    DaemonPublisher daemon;
    daemon.publish("omnigate/v1/test/dynsec-" + suffix_);
    const auto received = observer.waitFor(
        [&](const test::ReceivedMessage& m) { return m.topic == "omnigate/v1/test/dynsec-" + suffix_; }, 1, 10s);
    ASSERT_EQ(received.size(), 1u);
    for (const test::ReceivedMessage& m : observer.all()) {
        EXPECT_EQ(m.payload.find("fake"), std::string::npos) << m.topic << " " << m.payload;
    }
}

TEST_F(DynamicSecurityTest, ASupervisorReadsEverything) {
    const std::string user = "supervisor-" + suffix_;
    security_.grantSupervisor(user, "password-" + suffix_);
    PersonClient supervisor;
    ASSERT_EQ(supervisor.connect(user, "password-" + suffix_), mqtt::ReasonCode::SUCCESS);
    EXPECT_EQ(supervisor.subscribe("omnigate/v1/#"), mqtt::ReasonCode::GRANTED_QOS_1);
    EXPECT_EQ(supervisor.subscribe("$CONTROL/dynamic-security/#"), mqtt::ReasonCode::NOT_AUTHORIZED);

    DaemonPublisher daemon;
    for (const std::string& topic : std::vector<std::string>{"omnigate/v1/operators/op-x-" + suffix_ + "/inbox",
                                    "omnigate/v1/interactions/42/events", "omnigate/v1/supervisors/events"}) {
        daemon.publish(topic);
        EXPECT_TRUE(supervisor.waitFor(topic, 10s)) << topic;
    }
}

TEST_F(DynamicSecurityTest, ARevokedAccountStopsWorkingAndItsSessionEnds) {
    const std::string a = "op-a-" + suffix_;
    security_.grantOperator("user-" + a, "password-" + a, a);
    PersonClient signedIn;
    ASSERT_EQ(signedIn.connect("user-" + a, "password-" + a), mqtt::ReasonCode::SUCCESS);

    security_.revoke("user-" + a);
    EXPECT_TRUE(signedIn.waitLost(10s)) << "the open session outlived the revocation";
    PersonClient again;
    EXPECT_EQ(again.connect("user-" + a, "password-" + a), mqtt::ReasonCode::NOT_AUTHORIZED);
    // A second sign-out is no error.
    EXPECT_NO_THROW(security_.revoke("user-" + a));
}

TEST_F(DynamicSecurityTest, ASecondSignInReusesTheRoleAndLeavesOthersConnected) {
    const std::string a = "op-a-" + suffix_;
    security_.grantOperator("first-" + a, "password-1-" + a, a);
    PersonClient first;
    ASSERT_EQ(first.connect("first-" + a, "password-1-" + a), mqtt::ReasonCode::SUCCESS);
    ASSERT_EQ(first.subscribe("omnigate/v1/operators/" + a + "/#"), mqtt::ReasonCode::GRANTED_QOS_1);

    // Another account of the same operator (a second device): the existing role is reused untouched, so the first
    // session is not thrown off (a role change would disconnect every holder).
    security_.grantOperator("second-" + a, "password-2-" + a, a);
    PersonClient second;
    ASSERT_EQ(second.connect("second-" + a, "password-2-" + a), mqtt::ReasonCode::SUCCESS);
    DaemonPublisher daemon;
    daemon.publish("omnigate/v1/operators/" + a + "/inbox");
    EXPECT_TRUE(first.waitFor("omnigate/v1/operators/" + a + "/inbox", 10s));
    EXPECT_FALSE(first.lost());

    // The same account granted again (a sign-in that was never signed out) takes the new password.
    security_.grantOperator("second-" + a, "password-3-" + a, a);
    PersonClient stale;
    EXPECT_EQ(stale.connect("second-" + a, "password-2-" + a), mqtt::ReasonCode::NOT_AUTHORIZED);
    PersonClient fresh;
    EXPECT_EQ(fresh.connect("second-" + a, "password-3-" + a), mqtt::ReasonCode::SUCCESS);
    security_.revoke("first-" + a);
    security_.revoke("second-" + a);
}

TEST_F(DynamicSecurityTest, RefusesIdsThatAreNoTopicLevelAndEmptyCredentials) {
    for (const std::string bad : {"", "a/b", "+", "#", "x#"}) {
        EXPECT_THROW(security_.grantOperator("user-" + suffix_, "password", bad), std::invalid_argument) << bad;
    }
    EXPECT_THROW(security_.grantOperator("", "password", "op"), std::invalid_argument);
    EXPECT_THROW(security_.grantSupervisor("user-" + suffix_, ""), std::invalid_argument);
    EXPECT_THROW(security_.revoke(""), std::invalid_argument);
}

TEST(DynamicSecurityWithoutBroker, AnUnreachableBrokerIsAClearErrorWithinTheTimeout) {
    MqttConfig config = daemonConfig();
    config.url = "tcp://127.0.0.1:" + std::to_string(test::freePort());
    DynamicSecurity security(config, "dynsec-test-" + unique(), 1s);
    const auto start = std::chrono::steady_clock::now();
    try {
        security.grantSupervisor("someone", "password");
        FAIL() << "granted without a broker";
    } catch (const DynamicSecurityError& e) {
        EXPECT_NE(std::string(e.what()).find(config.url), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(DynamicSecurityWithoutBroker, AnAccountWithoutTheDaemonRoleIsRefusedClearly) {
    MqttConfig config = daemonConfig();
    config.username = test::observerMqttLogin().username;
    config.password = test::observerMqttLogin().password;
    DynamicSecurity security(config, "dynsec-test-" + unique(), 2s);
    try {
        security.grantSupervisor("someone-" + unique(), "password");
        FAIL() << "the observer managed the broker's accounts";
    } catch (const DynamicSecurityError& e) {
        EXPECT_NE(std::string(e.what()).find("omnigate-daemon role"), std::string::npos) << e.what();
    }
}

// --- WebSockets (browsers' consoles) -------------------------------------------------------------------------------

// The CONNACK return code Mosquitto's WebSocket listener gives an MQTT 3.1.1 CONNECT with these credentials.
int webSocketConnack(const std::string& username, const std::string& password) {
    test::RawWebSocket socket(test::requireEnvInt("OMNIGATE_MQTT_WS_PORT"), "/mqtt", 0, "mqtt");
    const auto field = [](const std::string& s) {
        return std::string{static_cast<char>(s.size() >> 8), static_cast<char>(s.size() & 0xff)} + s;
    };
    const char flags = static_cast<char>(0x02 | (username.empty() ? 0 : 0xC0));  // clean session, user, password
    std::string body = field("MQTT") + std::string{4, flags, 0, 30} + field("ws-" + unique());
    if (!username.empty()) body += field(username) + field(password);
    const std::string connect = std::string{0x10, static_cast<char>(body.size())} + body;
    if (!socket.send(test::RawWebSocket::frame(0x2, connect))) return -1;
    const auto answer = socket.next(5s);
    if (!answer || answer->payload.size() < 4 || answer->payload[0] != 0x20) return -1;
    return answer->payload[3];
}

TEST(BrokerOverWebSockets, AnAnonymousClientIsRefusedAndTheObserverLogsIn) {
    EXPECT_EQ(webSocketConnack("", ""), 5) << "not authorised";
    EXPECT_EQ(webSocketConnack(test::observerMqttLogin().username, "wrong-password"), 5);
    EXPECT_EQ(webSocketConnack(test::observerMqttLogin().username, test::observerMqttLogin().password), 0);
}

// --- TLS ----------------------------------------------------------------------------------------------------------

MqttConfig tlsConfig() {
    MqttConfig config = daemonConfig();
    config.url = "mqtts://127.0.0.1:" + test::requireEnv("OMNIGATE_MQTT_TLS_PORT");
    config.caFile = tlsDir() + "ca.crt";
    return config;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return condition();
}

void expectPublishesOverTls(const MqttConfig& config) {
    const std::string instance = "tls-test-" + unique();
    test::MqttProbe state("omnigate/v1/gateway/" + instance + "/state");
    MqttBus bus(config, instance);
    bus.start();
    ASSERT_TRUE(eventually([&] { return bus.connected(); }, 10s)) << "the bus never connected over TLS";
    EXPECT_EQ(state.waitFor([](const test::ReceivedMessage& m) { return m.payload == "online"; }, 1, 10s).size(), 1u);
    bus.stop();
}

TEST(DaemonOverTls, TheBusConnectsWithTheCaFile) { expectPublishesOverTls(tlsConfig()); }

TEST(DaemonOverTls, TheBusConnectsWithAClientCertificate) {
    MqttConfig config = tlsConfig();
    config.url = "ssl://127.0.0.1:" + test::requireEnv("OMNIGATE_MQTT_TLS_PORT");
    config.certFile = tlsDir() + "client.crt";
    config.keyFile = tlsDir() + "client.key";
    expectPublishesOverTls(config);
}

TEST(DaemonOverTls, ABrokerCertificateFromAnotherCaIsRefused) {
    MqttConfig config = tlsConfig();
    // A self-signed certificate that did not sign the broker's (the mail servers').
    config.caFile = test::requireEnv("OMNIGATE_VAR_DIR") + "/dovecot/tls.crt";
    MqttBus bus(config, "tls-test-" + unique());
    bus.start();
    std::this_thread::sleep_for(3s);
    EXPECT_FALSE(bus.connected());
    bus.stop();
}

TEST(DaemonOverTls, DynamicSecurityWorksOverTls) {
    DynamicSecurity security(tlsConfig(), "dynsec-tls-test-" + unique());
    const std::string user = "tls-supervisor-" + unique();
    ASSERT_NO_THROW(security.grantSupervisor(user, "password-" + user));
    PersonClient supervisor;
    EXPECT_EQ(supervisor.connect(user, "password-" + user), mqtt::ReasonCode::SUCCESS);
    security.revoke(user);
}

}  // namespace
}  // namespace omnigate
