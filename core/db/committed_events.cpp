#include "db/committed_events.h"

#include <Poco/Logger.h>

#include <mutex>

namespace omnigate {

CommittedEvents& CommittedEvents::global() {
    static CommittedEvents instance;
    return instance;
}

void CommittedEvents::observe(const std::string& type, Observer observer) {
    std::unique_lock lock(mutex_);
    if (observer) {
        observers_[type] = std::move(observer);
    } else {
        observers_.erase(type);
    }
    count_ = observers_.size();
}

void CommittedEvents::announce(const std::string& type, const std::string& payload) const {
    std::shared_lock lock(mutex_);
    const auto found = observers_.find(type);
    if (found == observers_.end()) return;
    // The data is committed whatever an observer does: its failure is logged, never handed to the writer.
    try {
        found->second(payload);
    } catch (const std::exception& e) {
        Poco::Logger::get("omnigate.store").error("an observer of %s failed: %s", type, std::string(e.what()));
    }
}

}  // namespace omnigate
