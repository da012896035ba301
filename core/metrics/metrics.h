// Counters, gauges and one latency histogram, rendered in the Prometheus text exposition format (there is no
// prometheus-cpp in Debian, and the format is small).
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace omnigate {

class Metrics {
public:
    void countMessage(const std::string& direction, const std::string& channel);
    void countHttpError(int status);
    void observeRequest(double seconds);
    // A value read when /metrics is scraped (the outbox backlog, say).
    void addGauge(const std::string& name, const std::string& help, std::function<double()> read);

    std::string render() const;

private:
    static constexpr std::array<double, 11> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0};
    struct Gauge {
        std::string name;
        std::string help;
        std::function<double()> read;
    };

    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> messages_;
    std::map<int, std::uint64_t> httpErrors_;
    std::array<std::uint64_t, kBuckets.size()> bucketCounts_{};
    std::uint64_t requestCount_ = 0;
    double requestSeconds_ = 0;
    std::vector<Gauge> gauges_;
};

}  // namespace omnigate
