#include "interactions/task_queue.h"

#include <Poco/Logger.h>

#include "model/internal_error.h"

namespace omnigate {

TaskQueue::TaskQueue() : thread_([this] { loop(); }) {}

TaskQueue::~TaskQueue() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void TaskQueue::post(std::function<void()> task) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
}

void TaskQueue::drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return tasks_.empty() && !running_; });
}

void TaskQueue::loop() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
            if (tasks_.empty()) return;
            task = std::move(tasks_.front());
            tasks_.pop_front();
            running_ = true;
        }
        try {
            task();
        } catch (const std::exception& e) {
            Poco::Logger::get("omnigate.pipeline").error("background task failed: %s", withCause(e));
        } catch (...) {
            Poco::Logger::get("omnigate.pipeline").error("background task failed with a non-standard exception");
        }
        std::lock_guard<std::mutex> lock(mutex_);
        running_ = false;
        idle_.notify_all();
    }
}

}  // namespace omnigate
