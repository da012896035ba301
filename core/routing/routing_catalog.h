// The queues and prioritisation rules the router consults for every decision, held in memory: reading them per
// interaction would cost round trips the distributor cannot spare. Changes through this daemon's API invalidate
// the snapshot at once; a periodic reload covers changes made through another daemon.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/connection_pool.h"
#include "model/queue.h"
#include "model/routing_rule.h"

namespace omnigate {

struct RoutingSnapshot {
    std::map<std::string, Queue> queues;
    std::vector<Queue> queueOrder;   // by id: the first that accepts an interaction takes it by default
    std::vector<RoutingRule> rules;  // in position order, inactive ones included (evaluateRules skips them)
    std::uint64_t generation = 0;    // grows with every reload that changed something

    const Queue* queue(const std::string& id) const;
    // The queue an interaction goes to when no rule picks one: the first whose sources accept it.
    const Queue* defaultQueue(const std::string& channel, const std::string& account,
                              const std::vector<std::int64_t>& topics) const;
};

class RoutingCatalog {
public:
    RoutingCatalog(ConnectionPool& pool, std::chrono::milliseconds maxAge);

    // The current snapshot, reloaded first when invalidated or too old. A failed reload keeps the previous one;
    // with none at all it throws ApiError 503.
    std::shared_ptr<const RoutingSnapshot> current();
    void invalidate();

private:
    std::shared_ptr<RoutingSnapshot> load();

    ConnectionPool& pool_;
    const std::chrono::milliseconds maxAge_;
    std::mutex mutex_;
    std::shared_ptr<const RoutingSnapshot> snapshot_;
    std::chrono::steady_clock::time_point loadedAt_;
    bool stale_ = true;
};

}  // namespace omnigate
