#include "bus/mqtt_bus.h"

#include <Poco/Logger.h>

#include <chrono>

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.mqtt"); }

constexpr int kSessionExpirySeconds = 7 * 24 * 3600;
constexpr int kMaxBufferedMessages = 10000;

// MQTT filter matching ('+' one level, '#' the rest); Paho C++ 1.2 has no helper for it.
bool topicMatches(const std::string& filter, const std::string& topic) {
    std::size_t f = 0;
    std::size_t t = 0;
    for (;;) {
        const std::size_t fEnd = std::min(filter.find('/', f), filter.size());
        const std::size_t tEnd = std::min(topic.find('/', t), topic.size());
        const std::string level = filter.substr(f, fEnd - f);
        if (level == "#") return true;
        if (t > topic.size()) return false;
        if (level != "+" && level != topic.substr(t, tEnd - t)) return false;
        const bool filterDone = fEnd == filter.size();
        const bool topicDone = tEnd == topic.size();
        if (filterDone || topicDone) return filterDone && topicDone;
        f = fEnd + 1;
        t = tEnd + 1;
    }
}

}  // namespace

std::string pahoServerUri(const MqttConfig& config) {
    if (config.url.rfind("mqtt://", 0) == 0) return "tcp://" + config.url.substr(7);
    if (config.url.rfind("mqtts://", 0) == 0) return "ssl://" + config.url.substr(8);
    return config.url;
}

mqtt::ssl_options tlsOptions(const MqttConfig& config) {
    mqtt::ssl_options ssl;
    // Paho verifies the broker's certificate and host name by default; both stay on. No CA file: the system's.
    if (!config.caFile.empty()) ssl.set_trust_store(config.caFile);
    if (!config.certFile.empty()) {
        ssl.set_key_store(config.certFile);
        if (!config.keyFile.empty()) ssl.set_private_key(config.keyFile);
    }
    ssl.set_verify(true);
    ssl.set_enable_server_cert_auth(true);
    // Paho's own TLS errors (a wrong CA, an unreadable key) are otherwise only a bare connect failure code.
    ssl.set_error_handler([](const std::string& message) {
        Poco::Logger::get("omnigate.mqtt").warning("MQTT TLS: %s", message);
    });
    return ssl;
}

// Paho's callbacks: record, queue, return.
class MqttBus::Callback : public virtual mqtt::callback, public virtual mqtt::iaction_listener {
public:
    explicit Callback(MqttBus& bus) : bus_(bus) {}

    void connected(const std::string&) override {
        bus_.connecting_ = false;
        logger().information("connected to the MQTT broker at %s", bus_.serverUri_);
        bus_.queue([this] {
            bus_.client_.publish(bus_.stateTopic_, "online", 1, true);
            bus_.resubscribe();
            if (bus_.onConnected_) bus_.onConnected_();
        });
    }

    void connection_lost(const std::string& cause) override {
        logger().warning("lost the MQTT broker at %s (%s); reconnecting", bus_.serverUri_,
                         cause.empty() ? std::string("no reason given") : cause);
    }

    void message_arrived(mqtt::const_message_ptr message) override {
        bus_.queue([this, message] {
            std::vector<MessageHandler> handlers;
            {
                std::lock_guard<std::mutex> lock(bus_.mutex_);
                for (const auto& [filter, handler] : bus_.subscriptions_) {
                    if (topicMatches(filter, message->get_topic())) handlers.push_back(handler);
                }
            }
            for (const auto& handler : handlers) handler(message->get_topic(), message->to_string());
        });
    }

    void delivery_complete(mqtt::delivery_token_ptr) override {
        if (bus_.forwarding_ && bus_.onDelivered_) bus_.onDelivered_();
    }

    // The connect attempt's outcome.
    void on_failure(const mqtt::token& token) override {
        bus_.connecting_ = false;
        logger().warning("cannot connect to the MQTT broker at %s (code %d); retrying", bus_.serverUri_,
                         token.get_return_code());
    }
    void on_success(const mqtt::token&) override {}

private:
    MqttBus& bus_;
};

MqttBus::MqttBus(const MqttConfig& config, const std::string& instance)
    : config_(config),
      serverUri_(pahoServerUri(config)),
      stateTopic_("omnigate/v1/gateway/" + instance + "/state"),
      // Paho refuses a publish once this many wait in its queue (default 100); the relay publishes a page at once.
      callback_(std::make_unique<Callback>(*this)),
      client_(serverUri_, "omnigate-" + instance, mqtt::create_options(MQTTVERSION_5, kMaxBufferedMessages)) {
    // Set in place, never assigned: Paho C++ 1.2's connect_options assignment leaves the C struct pointing at the
    // source's properties, which crashed the first connect (paho.mqtt.cpp#444, fixed after 1.2).
    connectOptions_.set_mqtt_version(MQTTVERSION_5);
    // A persistent session: the broker keeps our subscriptions and QoS 1 state across drops.
    connectOptions_.set_clean_start(false);
    connectOptions_.set_properties({{mqtt::property::SESSION_EXPIRY_INTERVAL, kSessionExpirySeconds}});
    connectOptions_.set_keep_alive_interval(std::chrono::seconds(config.keepAliveSeconds));
    connectOptions_.set_connect_timeout(std::chrono::seconds(3));
    connectOptions_.set_will_message(mqtt::message(stateTopic_, "offline", 1, true));
    if (!config.username.empty()) {
        connectOptions_.set_user_name(config.username);
        connectOptions_.set_password(config.password);
    }
    if (config.tls()) connectOptions_.set_ssl(tlsOptions(config));
    client_.set_callback(*callback_);
}

MqttBus::~MqttBus() { stop(); }

void MqttBus::queue(std::function<void()> work) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        work_.push_back(std::move(work));
    }
    wake_.notify_all();
}

void MqttBus::start() {
    running_ = true;
    supervisor_ = std::thread([this] { supervise(); });
    dispatcher_ = std::thread([this] { dispatch(); });
}

void MqttBus::stop() {
    if (!running_.exchange(false)) return;
    // From here on Paho's callbacks reach nothing of the daemon: what they would call may be torn down next.
    forwarding_ = false;
    wake_.notify_all();
    if (supervisor_.joinable()) supervisor_.join();
    if (dispatcher_.joinable()) dispatcher_.join();
    try {
        if (client_.is_connected()) {
            // A clean disconnect does not fire the will, so the offline state is published by hand.
            client_.publish(stateTopic_, "offline", 1, true)->wait_for(std::chrono::seconds(2));
            client_.disconnect()->wait_for(std::chrono::seconds(2));
        }
    } catch (const mqtt::exception& e) {
        logger().warning("MQTT disconnect: %s", std::string(e.what()));
    }
}

bool MqttBus::connected() const { return client_.is_connected(); }

mqtt::delivery_token_ptr MqttBus::publish(const std::string& topic, const std::string& payload, bool retained) {
    return client_.publish(topic, payload.data(), payload.size(), 1, retained);
}

void MqttBus::subscribe(const std::string& topicFilter, MessageHandler handler) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        subscriptions_.emplace_back(topicFilter, std::move(handler));
    }
    if (client_.is_connected()) queue([this, topicFilter] { client_.subscribe(topicFilter, 1); });
}

void MqttBus::resubscribe() {
    std::vector<std::string> filters;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& entry : subscriptions_) filters.push_back(entry.first);
    }
    for (const std::string& filter : filters) client_.subscribe(filter, 1);
}

void MqttBus::supervise() {
    auto backoff = std::chrono::milliseconds(250);
    while (running_) {
        if (!client_.is_connected() && !connecting_) {
            connecting_ = true;
            try {
                client_.connect(connectOptions_, nullptr, *callback_);
            } catch (const mqtt::exception& e) {
                connecting_ = false;
                logger().warning("MQTT connect to %s: %s", serverUri_, std::string(e.what()));
            }
            backoff = std::min(backoff * 2, std::chrono::milliseconds(4000));
        } else if (client_.is_connected()) {
            backoff = std::chrono::milliseconds(250);
        }
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, backoff, [this] { return !running_; });
    }
}

void MqttBus::dispatch() {
    for (;;) {
        std::function<void()> work;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return !running_ || !work_.empty(); });
            if (work_.empty()) return;
            work = std::move(work_.front());
            work_.pop_front();
        }
        try {
            work();
        } catch (const std::exception& e) {
            logger().error("MQTT dispatcher: %s", std::string(e.what()));
        }
    }
}

}  // namespace omnigate
