// A real MQTT subscriber for tests: collects every message on a topic filter and waits for the ones it expects.
#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "support/test_env.h"

namespace omnigate::test {

struct ReceivedMessage {
    std::string topic;
    std::string payload;
    bool retained = false;
};

class MqttProbe : public virtual mqtt::callback {
public:
    // Connects to 127.0.0.1:$OMNIGATE_MQTT_PORT as `login` (the read-only observer by default) and subscribes at
    // QoS 1; throws when the broker is not there, refuses the login or refuses the subscription.
    // With a persistentId the session survives a broker restart (the broker queues for it while it is away)
    // and the probe reconnects by itself: what a fault test's subscriber needs.
    explicit MqttProbe(const std::string& topicFilter, const std::string& persistentId = "",
                       const MqttLogin& login = observerMqttLogin());
    ~MqttProbe() override;

    // Waits until `count` collected messages satisfy `match`; returns them (fewer on timeout).
    std::vector<ReceivedMessage> waitFor(const std::function<bool(const ReceivedMessage&)>& match, std::size_t count,
                                         std::chrono::milliseconds timeout);
    std::vector<ReceivedMessage> all();

private:
    void message_arrived(mqtt::const_message_ptr message) override;

    std::string topicFilter_;
    bool persistent_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<ReceivedMessage> messages_;
    // Last, so it goes first: Paho's callback thread must never find the messages it appends to already freed.
    mqtt::async_client client_;
};

}  // namespace omnigate::test
