// Which integration sinks want which event types. The outbox consults it for every event it writes, so that the
// sinks' deliveries are queued in the same transaction as the event (core/store/delivery_store.h). It is
// process-wide because events are written through appendEvent from every module, with only a session at hand.
#pragma once

#include <atomic>
#include <map>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

namespace omnigate {

class EventSinks {
public:
    static EventSinks& global();

    // `sink` wants these types from now on; an empty list removes it.
    void set(const std::string& sink, const std::vector<std::string>& types);
    std::vector<std::string> sinksFor(const std::string& type) const;
    bool empty() const { return count_.load() == 0; }

private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::set<std::string>> sinks_;
    std::atomic<std::size_t> count_{0};
};

}  // namespace omnigate
