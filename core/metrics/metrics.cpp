#include "metrics/metrics.h"

#include <charconv>
#include <sstream>

namespace omnigate {

namespace {

// The shortest fixed-notation text that reads back as the same double (le="0.0005", not 5e-04): iostream's default 6 digits would round a counter
// past a million (1.23457e+06).
std::string number(double value) {
    char buffer[400];  // fixed notation of the largest double
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    return std::string(buffer, result.ptr);
}

}  // namespace

void Metrics::countMessage(const std::string& direction, const std::string& channel) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++messages_[{direction, channel}];
}

void Metrics::countHttpError(int status) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++httpErrors_[status];
}

void Metrics::observeRequest(double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requestCount_;
    requestSeconds_ += seconds;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++bucketCounts_[i];
    }
}

void Metrics::addGauge(const std::string& name, const std::string& help, std::function<double()> read) {
    std::lock_guard<std::mutex> lock(mutex_);
    gauges_.push_back({name, help, std::move(read)});
}

std::string Metrics::render() const {
    std::unique_lock<std::mutex> lock(mutex_);
    std::ostringstream out;
    out << "# HELP omnigate_messages_total Messages stored, by direction (in, out) and channel.\n"
        << "# TYPE omnigate_messages_total counter\n";
    for (const auto& [key, count] : messages_) {
        out << "omnigate_messages_total{direction=\"" << key.first << "\",channel=\"" << key.second << "\"} " << count
            << "\n";
    }
    out << "# HELP omnigate_http_errors_total HTTP answers with a 4xx or 5xx status, by status.\n"
        << "# TYPE omnigate_http_errors_total counter\n";
    for (const auto& [status, count] : httpErrors_) {
        out << "omnigate_http_errors_total{status=\"" << status << "\"} " << count << "\n";
    }
    out << "# HELP omnigate_http_request_duration_seconds Time from a request's arrival to its answer.\n"
        << "# TYPE omnigate_http_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out << "omnigate_http_request_duration_seconds_bucket{le=\"" << number(kBuckets[i]) << "\"} " << bucketCounts_[i]
            << "\n";
    }
    out << "omnigate_http_request_duration_seconds_bucket{le=\"+Inf\"} " << requestCount_ << "\n"
        << "omnigate_http_request_duration_seconds_sum " << number(requestSeconds_) << "\n"
        << "omnigate_http_request_duration_seconds_count " << requestCount_ << "\n";
    const std::vector<Gauge> gauges = gauges_;
    lock.unlock();
    // Gauges are read without the lock, so a slow one never holds up the requests that record latencies.
    for (const Gauge& g : gauges) {
        out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " gauge\n"
            << g.name << " " << number(g.read()) << "\n";
    }
    return out.str();
}

}  // namespace omnigate
