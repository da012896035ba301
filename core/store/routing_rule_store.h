// The SQL of the prioritisation rules [правила приоритизации]: an ordered list kept dense (positions 1…n), the
// references a rule makes (its queue, its topics) checked against the database in the same transaction, and a
// catalog event for every change. Writes run inside the caller's WriteBatcher job and lock what they read.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "db/db_session.h"
#include "model/routing_rule.h"

namespace omnigate {

class RoutingRuleStore {
public:
    explicit RoutingRuleStore(DbSession& session) : session_(session) {}

    // Every rule in the order the router walks them (position, then id). `forUpdate` locks them all, and the gap
    // after them, so nobody else renumbers or appends meanwhile.
    std::vector<RoutingRule> all(bool forUpdate = false);
    std::optional<RoutingRule> find(std::int64_t id, bool forUpdate = false);

    // Appends the rule (rule.position 0) or inserts it at that 1-based position, shifting the others down;
    // 400 naming 'position' beyond the end, 'actions.queue' for an unknown queue, 'conditions.topics' for
    // unknown topics. Adds routing_rule.created.
    RoutingRule create(RoutingRule rule);
    // Merges `patch` ({name, active, conditions, actions}; objects merged key by key, null removes a key) into the
    // rule and validates the result as a whole. 404 unknown, 409 version_conflict when `expectedVersion` is stale.
    // Nothing changed: the rule as it is (no new version, no event). Else adds routing_rule.updated.
    RoutingRule update(std::int64_t id, const Poco::JSON::Object::Ptr& patch, int expectedVersion);
    // 404 unknown; the rules after it move up. Adds routing_rule.deleted ({id}).
    void remove(std::int64_t id);
    // The new order, naming every rule exactly once; else 400 listing the missing, unknown and repeated ids.
    // Adds routing_rules.reordered ({ids}). Returns the rules in their new order.
    std::vector<RoutingRule> reorder(const std::vector<std::int64_t>& ids);

private:
    void checkReferences(const RoutingRule& rule);
    // Gives the rules of `order` the positions 1…n, writing only those whose position changes.
    void renumber(const std::vector<std::int64_t>& order, const std::vector<RoutingRule>& current);
    void event(const std::string& type, const Poco::JSON::Object::Ptr& data);

    DbSession& session_;
};

}  // namespace omnigate
