// The real MQTT subscriber at the end of the measured path: it takes every message.created event of this run
// from omnigate/v1/interactions/+/events and turns the request start written into the message text into an
// end-to-end latency. Arrival is stamped in Paho's callback; parsing happens on a thread of its own, because
// all Paho callbacks share one thread and a slow one would be measured as the daemon's latency.
#pragma once

#include <mqtt/async_client.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_options.h"

namespace omnigate::bench {

class EventCollector : public virtual mqtt::callback {
public:
    EventCollector(const BenchOptions& options, std::string runId);
    ~EventCollector() override;

    void start();  // connected and subscribed when it returns
    void stop();

    std::int64_t received() const { return unique_; }        // distinct bench messages seen
    std::int64_t duplicates() const { return duplicates_; }  // at-least-once redeliveries
    std::int64_t pending() const;                            // arrived, not parsed yet
    double meanEventBytes() const;

    // How many of `sequences` have not been seen (yet).
    std::int64_t countMissing(const std::vector<std::uint64_t>& sequences) const;
    // Sorted end-to-end latencies in milliseconds, one per distinct message.
    std::vector<double> latenciesMs() const;

private:
    struct Arrival {
        std::string payload;
        std::int64_t arrivedUs;
    };

    void message_arrived(mqtt::const_message_ptr message) override;
    void connection_lost(const std::string& cause) override;
    void parseLoop();
    void parse(const Arrival& arrival);

    const BenchOptions& options_;
    const std::string runId_;
    const std::string marker_;  // "bench <run-id> ": cheap filter before the JSON parse
    mqtt::async_client client_;

    mutable std::mutex queueMutex_;
    std::condition_variable queueWake_;
    std::deque<Arrival> queue_;
    bool stopping_ = false;
    std::thread parser_;

    mutable std::mutex resultMutex_;
    std::vector<std::uint8_t> seen_;  // indexed by sequence number
    std::vector<double> latenciesMs_;
    std::atomic<std::int64_t> unique_{0};
    std::atomic<std::int64_t> duplicates_{0};
    std::int64_t eventBytes_ = 0;
};

}  // namespace omnigate::bench
