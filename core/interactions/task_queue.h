// Runs tasks one after another on a thread of its own. Auto-replies are handed to the channel from here, after
// the inbound request has been answered: a provider's webhook must not wait on our call to another provider.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace omnigate {

class TaskQueue {
public:
    TaskQueue();
    ~TaskQueue();  // runs what is queued, then stops

    void post(std::function<void()> task);
    // Returns once every task posted so far has run.
    void drain();

private:
    void loop();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<std::function<void()>> tasks_;
    bool running_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace omnigate
