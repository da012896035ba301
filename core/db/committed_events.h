// In-process observers of events once their transaction has committed: how a channel hears that an interaction of
// its own changed status, whichever module changed it (routing's distributor, an operator's REST call, a client's
// reply). Process-wide for the same reason as EventSinks: events are written with only a session at hand.
// Observers run on the committing writer's thread: they must only hand the event on (to a queue), never write.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <shared_mutex>
#include <string>

namespace omnigate {

class CommittedEvents {
public:
    using Observer = std::function<void(const std::string& payload)>;

    static CommittedEvents& global();

    // Replaces the observer of `type` (an empty function removes it).
    void observe(const std::string& type, Observer observer);
    bool empty() const { return count_.load() == 0; }
    // Called by the outbox after COMMIT, for each event written, in order.
    void announce(const std::string& type, const std::string& payload) const;

private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, Observer> observers_;
    std::atomic<std::size_t> count_{0};
};

}  // namespace omnigate
