#include "routing/routing_catalog.h"

#include <Poco/Logger.h>
#include <cppconn/exception.h>

#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"
#include "store/queue_store.h"
#include "store/routing_rule_store.h"

namespace omnigate {

const Queue* RoutingSnapshot::queue(const std::string& id) const {
    const auto found = queues.find(id);
    return found == queues.end() ? nullptr : &found->second;
}

const Queue* RoutingSnapshot::defaultQueue(const std::string& channel, const std::string& account,
                                           const std::vector<std::int64_t>& topics) const {
    for (const Queue& q : queueOrder) {
        if (q.accepts(channel, account, topics)) return &queues.at(q.id);
    }
    return nullptr;
}

RoutingCatalog::RoutingCatalog(ConnectionPool& pool, std::chrono::milliseconds maxAge) : pool_(pool), maxAge_(maxAge) {}

void RoutingCatalog::invalidate() {
    std::lock_guard<std::mutex> lock(mutex_);
    stale_ = true;
}

std::shared_ptr<const RoutingSnapshot> RoutingCatalog::current() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (snapshot_ && !stale_ && std::chrono::steady_clock::now() - loadedAt_ < maxAge_) return snapshot_;
    try {
        auto fresh = load();
        const auto same = [&] {
            if (!snapshot_ || snapshot_->queueOrder.size() != fresh->queueOrder.size() ||
                snapshot_->rules.size() != fresh->rules.size()) {
                return false;
            }
            for (std::size_t i = 0; i < fresh->queueOrder.size(); ++i) {
                const Queue &a = snapshot_->queueOrder[i], &b = fresh->queueOrder[i];
                if (a.id != b.id || a.version != b.version) return false;
            }
            for (std::size_t i = 0; i < fresh->rules.size(); ++i) {
                const RoutingRule &a = snapshot_->rules[i], &b = fresh->rules[i];
                if (a.id != b.id || a.version != b.version || a.position != b.position) return false;
            }
            return true;
        };
        fresh->generation = !snapshot_ ? 1 : same() ? snapshot_->generation : snapshot_->generation + 1;
        snapshot_ = std::move(fresh);
        loadedAt_ = std::chrono::steady_clock::now();
        stale_ = false;
    } catch (const std::exception& e) {
        if (!snapshot_) throw InternalError::unavailable("cannot read the queues and routing rules", withCause(e));
        Poco::Logger::get("omnigate.routing").warning("keeping the previous queues and rules: %s", withCause(e));
    }
    return snapshot_;
}

std::shared_ptr<RoutingSnapshot> RoutingCatalog::load() {
    auto snapshot = std::make_shared<RoutingSnapshot>();
    PooledSession session = pool_.acquire();
    try {
        snapshot->queueOrder = QueueStore(*session).all();
        for (const Queue& q : snapshot->queueOrder) snapshot->queues.emplace(q.id, q);
        snapshot->rules = RoutingRuleStore(*session).all();
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw;
    }
    return snapshot;
}

}  // namespace omnigate
