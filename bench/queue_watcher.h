// Watches the daemon's own queue gauges on /metrics while the load runs: the write queue and the outbox backlog
// must stay bounded whatever the offered load (back-pressure is a 503, never an ever-growing queue). Polled on a
// thread of its own, because /metrics of a saturated daemon may answer late and progress must not wait for it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "bench_options.h"

namespace omnigate::bench {

class QueueWatcher {
public:
    explicit QueueWatcher(const BenchOptions& options);
    ~QueueWatcher();

    void start();
    void stop();

    // -1 until /metrics answered once.
    double writeQueue() const { return writeQueue_; }
    double outboxBacklog() const { return outboxBacklog_; }
    double maxWriteQueue() const { return maxWriteQueue_; }
    double maxOutboxBacklog() const { return maxOutboxBacklog_; }

    // "write_queue 12  outbox 340" with the latest values, '?' where unknown.
    std::string describe() const;

private:
    void loop();
    void sample();

    const BenchOptions& options_;
    std::atomic<double> writeQueue_{-1};
    std::atomic<double> outboxBacklog_{-1};
    std::atomic<double> maxWriteQueue_{-1};
    std::atomic<double> maxOutboxBacklog_{-1};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace omnigate::bench
