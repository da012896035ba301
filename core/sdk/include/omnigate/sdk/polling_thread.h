// A plugin's background loop over its delivery queue: `pass` runs again at once while it finds work (returns more
// than 0), else after `idle`; a pass that throws is handed to `onError` and tried again after `idle` (what it had
// leased stays queued, so nothing is lost). stop() sets stopping() (give it to anything that can be cancelled, such
// as an HTTP call in progress), wakes the loop and joins it. Header-only: it lives in the plugin, not the host.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace omnigate {

class PollingThread {
public:
    explicit PollingThread(std::chrono::milliseconds idle) : idle_(idle) {}
    ~PollingThread() { stop(); }
    PollingThread(const PollingThread&) = delete;
    PollingThread& operator=(const PollingThread&) = delete;

    void start(std::function<std::size_t()> pass, std::function<void(const std::exception&)> onError) {
        stop();
        stopping_ = false;
        thread_ = std::thread([this, pass = std::move(pass), onError = std::move(onError)] {
            while (!stopping_) {
                std::size_t found = 0;
                try {
                    found = pass();
                } catch (const std::exception& e) {
                    onError(e);
                }
                if (found == 0) {
                    std::unique_lock<std::mutex> lock(mutex_);
                    wake_.wait_for(lock, idle_, [this] { return stopping_.load(); });
                }
            }
        });
    }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    const std::atomic<bool>& stopping() const { return stopping_; }

private:
    const std::chrono::milliseconds idle_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread thread_;
};

}  // namespace omnigate
