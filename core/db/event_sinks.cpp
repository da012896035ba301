#include "db/event_sinks.h"

#include <mutex>

namespace omnigate {

EventSinks& EventSinks::global() {
    static EventSinks sinks;
    return sinks;
}

void EventSinks::set(const std::string& sink, const std::vector<std::string>& types) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    if (types.empty()) {
        sinks_.erase(sink);
    } else {
        sinks_[sink] = std::set<std::string>(types.begin(), types.end());
    }
    count_ = sinks_.size();
}

std::vector<std::string> EventSinks::sinksFor(const std::string& type) const {
    std::vector<std::string> out;
    std::shared_lock<std::shared_mutex> lock(mutex_);
    for (const auto& [sink, types] : sinks_) {
        if (types.count(type) > 0) out.push_back(sink);
    }
    return out;
}

}  // namespace omnigate
