#include "queue_watcher.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <sstream>

namespace omnigate::bench {

namespace {

constexpr auto kInterval = std::chrono::milliseconds(250);

void raise(std::atomic<double>& max, double value) {
    double seen = max;
    while (value > seen && !max.compare_exchange_weak(seen, value)) {
    }
}

}  // namespace

QueueWatcher::QueueWatcher(const BenchOptions& options) : options_(options) {}

QueueWatcher::~QueueWatcher() { stop(); }

void QueueWatcher::start() {
    thread_ = std::thread([this] { loop(); });
}

void QueueWatcher::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void QueueWatcher::loop() {
    for (;;) {
        sample();
        std::unique_lock<std::mutex> lock(mutex_);
        if (wake_.wait_for(lock, kInterval, [this] { return stopping_; })) return;
    }
}

void QueueWatcher::sample() {
    // A fresh connection each time: a keep-alive one would hold one of the daemon's HTTP threads for the whole run.
    try {
        Poco::Net::HTTPClientSession session(options_.httpHost, static_cast<Poco::UInt16>(options_.httpPort));
        session.setTimeout(Poco::Timespan(2, 0));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/metrics", Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(false);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        std::istringstream lines(body);
        std::string line;
        while (std::getline(lines, line)) {
            const auto take = [&](const std::string& name, std::atomic<double>& latest, std::atomic<double>& max) {
                if (line.rfind(name + " ", 0) != 0) return;
                const double value = std::stod(line.substr(name.size() + 1));
                latest = value;
                raise(max, value);
            };
            take("omnigate_write_queue", writeQueue_, maxWriteQueue_);
            take("omnigate_outbox_backlog", outboxBacklog_, maxOutboxBacklog_);
        }
    } catch (const Poco::Exception&) {
        // A saturated daemon may not answer in time; the next sample tries again.
    } catch (const std::exception&) {
    }
}

std::string QueueWatcher::describe() const {
    const auto show = [](double v) { return v < 0 ? std::string("?") : std::to_string(static_cast<long long>(v)); };
    return "write_queue " + show(writeQueue_) + "  outbox " + show(outboxBacklog_);
}

}  // namespace omnigate::bench
