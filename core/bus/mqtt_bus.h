// The daemon's one MQTT connection (Paho async, MQTT 5, QoS 1, persistent session). A supervisor thread owns
// (re)connecting, because Paho's own automatic reconnect never starts when the very first connect fails.
// Paho calls back on a single thread, so callbacks here only flip flags and queue work; they never wait.
#pragma once

#include <mqtt/async_client.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/daemon_config.h"

namespace omnigate {

// Paho's TLS settings for a TLS broker URL (config.tls()): the CA file and an optional client certificate; shared
// by every MQTT client of the daemon.
mqtt::ssl_options tlsOptions(const MqttConfig& config);
// The url as Paho takes it: mqtt:// is tcp://, mqtts:// is ssl://.
std::string pahoServerUri(const MqttConfig& config);

class MqttBus {
public:
    using MessageHandler = std::function<void(const std::string& topic, const std::string& payload)>;

    MqttBus(const MqttConfig& config, const std::string& instance);
    ~MqttBus();

    void start();  // returns at once; connects in the background and keeps connecting
    void stop();   // publishes the retained `offline` state, then disconnects

    bool connected() const;
    std::string serverUri() const { return serverUri_; }

    // QoS 1. The token completes on the broker's PUBACK; throws mqtt::exception when not connected.
    mqtt::delivery_token_ptr publish(const std::string& topic, const std::string& payload, bool retained = false);

    // Remembered and re-subscribed on every reconnect; handlers run on the bus's dispatcher thread.
    void subscribe(const std::string& topicFilter, MessageHandler handler);

    // Called (from the dispatcher thread) after every successful connect.
    void onConnected(std::function<void()> callback) { onConnected_ = std::move(callback); }
    // Called on Paho's callback thread when a publish is acknowledged: must only wake someone, never wait.
    void onDelivered(std::function<void()> callback) { onDelivered_ = std::move(callback); }

private:
    class Callback;
    void supervise();
    void dispatch();
    void resubscribe();
    void queue(std::function<void()> work);

    MqttConfig config_;
    std::string serverUri_;
    std::string stateTopic_;
    // Declared before the client, so it is destroyed after it: Paho may call back until the client is gone.
    std::unique_ptr<Callback> callback_;
    mqtt::async_client client_;
    mqtt::connect_options connectOptions_;

    std::atomic<bool> running_{false};
    std::atomic<bool> forwarding_{true};  // cleared by stop(): callbacks then stop reaching onDelivered_
    std::atomic<bool> connecting_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<std::pair<std::string, MessageHandler>> subscriptions_;
    std::deque<std::function<void()>> work_;  // queued from Paho's callback thread
    std::function<void()> onConnected_;
    std::function<void()> onDelivered_;
    std::thread supervisor_;
    std::thread dispatcher_;
};

}  // namespace omnigate
