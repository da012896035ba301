#include "host_worker.h"

namespace omnigate::voice {

HostWorker::~HostWorker() { stop(); }

void HostWorker::start() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void HostWorker::post(std::function<void()> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

void HostWorker::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    // Jobs posted after the thread left (none expected) still run: each one closes something in the database.
    std::deque<std::function<void()>> rest;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        rest.swap(jobs_);
    }
    for (auto& job : rest) job();
}

std::size_t HostWorker::pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return jobs_.size();
}

void HostWorker::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping, and everything ran
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();  // each job catches its own errors
    }
}

}  // namespace omnigate::voice
