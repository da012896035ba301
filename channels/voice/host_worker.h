// The thread that talks to the host for the SIP thread. ChannelHost calls write to the database and may take tens of
// milliseconds; made on the SIP thread they would stall every call's 20 ms audio, so the SIP thread queues them
// here and gets the results back through its own queue. stop() runs what is queued before it returns, so a
// call that ended during shutdown still gets its recording attached and its interaction closed.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace omnigate::voice {

class HostWorker {
public:
    HostWorker() = default;
    ~HostWorker();
    HostWorker(const HostWorker&) = delete;
    HostWorker& operator=(const HostWorker&) = delete;

    void start();
    void post(std::function<void()> job);
    void stop();  // drains the queue, then joins
    std::size_t pending() const;

private:
    void run();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace omnigate::voice
