#include "support/mqtt_probe.h"

#include <Poco/UUIDGenerator.h>

#include <stdexcept>

namespace omnigate::test {

MqttProbe::MqttProbe(const std::string& topicFilter, const std::string& persistentId, const MqttLogin& login)
    : topicFilter_(topicFilter),
      persistent_(!persistentId.empty()),
      client_("tcp://127.0.0.1:" + requireEnv("OMNIGATE_MQTT_PORT"),
              persistentId.empty() ? "probe-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString()
                                   : persistentId) {
    client_.set_callback(*this);
    auto options = mqtt::connect_options_builder()
                       .clean_session(persistentId.empty())
                       .automatic_reconnect(std::chrono::milliseconds(200), std::chrono::seconds(2))
                       .connect_timeout(std::chrono::seconds(5))
                       .user_name(login.username)
                       .password(login.password)
                       .finalize();
    client_.connect(options)->wait();
    // A refused subscription must not look like a quiet topic: the test would wait in vain and blame the daemon.
    const auto token = client_.subscribe(topicFilter, 1);
    token->wait();
    const mqtt::subscribe_response response = token->get_subscribe_response();
    for (const mqtt::ReasonCode code : response.get_reason_codes()) {
        if (code >= mqtt::ReasonCode::UNSPECIFIED_ERROR) {
            throw std::runtime_error("the broker refused " + login.username + "'s subscription to " + topicFilter +
                                     " (reason " + std::to_string(static_cast<int>(code)) + ")");
        }
    }
}

MqttProbe::~MqttProbe() {
    try {
        // A persistent session outlives the probe on the broker: unsubscribing first keeps the broker from
        // queueing every later event, for ever, for a subscriber that never comes back.
        if (persistent_ && client_.is_connected()) client_.unsubscribe(topicFilter_)->wait_for(std::chrono::seconds(2));
        client_.disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const mqtt::exception&) {
        // The broker may be the thing a fault test stopped.
    }
    // A disconnect that timed out, or a reconnect under way, can still deliver: not to this dying object.
    client_.disable_callbacks();
}

void MqttProbe::message_arrived(mqtt::const_message_ptr message) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        messages_.push_back({message->get_topic(), message->to_string(), message->is_retained()});
    }
    arrived_.notify_all();
}

std::vector<ReceivedMessage> MqttProbe::waitFor(const std::function<bool(const ReceivedMessage&)>& match,
                                                std::size_t count, std::chrono::milliseconds timeout) {
    std::vector<ReceivedMessage> found;
    std::unique_lock<std::mutex> lock(mutex_);
    arrived_.wait_for(lock, timeout, [&] {
        found.clear();
        for (const ReceivedMessage& m : messages_) {
            if (match(m)) found.push_back(m);
        }
        return found.size() >= count;
    });
    return found;
}

std::vector<ReceivedMessage> MqttProbe::all() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
}

}  // namespace omnigate::test
