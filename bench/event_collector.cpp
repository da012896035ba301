#include "event_collector.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>

namespace omnigate::bench {

namespace {

std::int64_t nowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

EventCollector::EventCollector(const BenchOptions& options, std::string runId)
    : options_(options),
      runId_(std::move(runId)),
      marker_("bench " + runId_ + " "),
      client_("tcp://127.0.0.1:" + std::to_string(options.mqttPort), "omnigate-bench-sub-" + runId_,
              mqtt::create_options(MQTTVERSION_5, 1000)) {
    client_.set_callback(*this);
}

EventCollector::~EventCollector() { stop(); }

void EventCollector::start() {
    parser_ = std::thread([this] { parseLoop(); });
    mqtt::connect_options connect;  // set in place: Paho C++ 1.2 must not assign connect_options (see mqtt_bus.cpp)
    connect.set_mqtt_version(MQTTVERSION_5);
    connect.set_clean_start(true);
    connect.set_connect_timeout(std::chrono::seconds(5));
    connect.set_user_name(options_.observerUser);
    connect.set_password(options_.observerPassword);
    client_.connect(connect)->wait();
    client_.subscribe("omnigate/v1/interactions/+/events", 1)->wait();
}

void EventCollector::stop() {
    try {
        if (client_.is_connected()) client_.disconnect()->wait_for(std::chrono::seconds(5));
    } catch (const mqtt::exception& e) {
        std::cerr << "bench: MQTT disconnect: " << e.what() << "\n";
    }
    {
        std::lock_guard<std::mutex> lock(queueMutex_);
        stopping_ = true;
    }
    queueWake_.notify_all();
    if (parser_.joinable()) parser_.join();
}

void EventCollector::connection_lost(const std::string& cause) {
    // No reconnect: a lost subscriber would show up as missing events, which must not pass as the daemon's fault.
    std::cerr << "bench: the event subscriber lost the broker (" << cause << "); events after this are missing\n";
}

void EventCollector::message_arrived(mqtt::const_message_ptr message) {
    Arrival arrival{message->to_string(), nowUs()};
    {
        std::lock_guard<std::mutex> lock(queueMutex_);
        queue_.push_back(std::move(arrival));
    }
    queueWake_.notify_one();
}

std::int64_t EventCollector::pending() const {
    std::lock_guard<std::mutex> lock(queueMutex_);
    return static_cast<std::int64_t>(queue_.size());
}

void EventCollector::parseLoop() {
    for (;;) {
        std::deque<Arrival> batch;
        {
            std::unique_lock<std::mutex> lock(queueMutex_);
            queueWake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            batch.swap(queue_);
        }
        for (const Arrival& arrival : batch) parse(arrival);
    }
}

void EventCollector::parse(const Arrival& arrival) {
    if (arrival.payload.find(marker_) == std::string::npos) return;
    std::string text;
    try {
        Poco::JSON::Parser parser;
        const auto event = parser.parse(arrival.payload).extract<Poco::JSON::Object::Ptr>();
        if (event->optValue<std::string>("type", "") != "message.created") return;
        const Poco::JSON::Object::Ptr data = event->getObject("data");
        if (!data) return;
        text = data->optValue<std::string>("text", "");
    } catch (const Poco::Exception& e) {
        std::cerr << "bench: unreadable event: " << e.displayText() << "\n";
        return;
    }
    if (text.rfind(marker_, 0) != 0) return;
    std::istringstream fields(text.substr(marker_.size()));
    std::uint64_t sequence = 0;
    std::int64_t startUs = 0;
    if (!(fields >> sequence >> startUs)) return;

    std::lock_guard<std::mutex> lock(resultMutex_);
    if (sequence >= seen_.size()) seen_.resize(std::max<std::size_t>(sequence + 1, seen_.size() * 2), 0);
    if (seen_[sequence]) {
        ++duplicates_;
        return;
    }
    seen_[sequence] = 1;
    latenciesMs_.push_back(static_cast<double>(arrival.arrivedUs - startUs) / 1000.0);
    eventBytes_ += static_cast<std::int64_t>(arrival.payload.size());
    ++unique_;
}

double EventCollector::meanEventBytes() const {
    std::lock_guard<std::mutex> lock(resultMutex_);
    return unique_ > 0 ? static_cast<double>(eventBytes_) / static_cast<double>(unique_) : 0;
}

std::int64_t EventCollector::countMissing(const std::vector<std::uint64_t>& sequences) const {
    std::lock_guard<std::mutex> lock(resultMutex_);
    std::int64_t missing = 0;
    for (const std::uint64_t sequence : sequences) {
        if (sequence >= seen_.size() || !seen_[sequence]) ++missing;
    }
    return missing;
}

std::vector<double> EventCollector::latenciesMs() const {
    std::lock_guard<std::mutex> lock(resultMutex_);
    std::vector<double> sorted = latenciesMs_;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

}  // namespace omnigate::bench
