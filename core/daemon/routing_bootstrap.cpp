#include "daemon/routing_bootstrap.h"

#include <set>

#include "daemon/daemon.h"
#include "model/queue.h"
#include "model/routing_fields.h"
#include "model/routing_rule.h"
#include "omnigate/sdk/api_error.h"
#include "store/break_reason_store.h"
#include "store/operator_group_store.h"
#include "store/operator_store.h"
#include "store/queue_store.h"
#include "store/routing_rule_store.h"

namespace omnigate {

namespace {

struct Counts {
    int created = 0;
    int kept = 0;
};

std::string idOf(const RoutingItem& item) {
    return item.object->has("id") && item.object->get("id").isString() ? item.object->getValue<std::string>("id") : "";
}

// A queue item's settings alone (what Queue::parseSettings checks), without id, name and sample.
Poco::JSON::Object::Ptr queueSettings(const RoutingItem& item) {
    Poco::JSON::Object::Ptr settings = routing_fields::copy(item.object);
    settings->remove("id");
    settings->remove("name");
    settings->remove("sample");
    return settings;
}

// The queues a queue item needs to exist first: its sample and its overflow queue.
std::set<std::string> queueDependencies(const RoutingItem& item) {
    std::set<std::string> out;
    for (const char* key : {"sample", "overflow_queue"}) {
        if (item.object->has(key) && item.object->get(key).isString()) {
            out.insert(item.object->getValue<std::string>(key));
        }
    }
    return out;
}

// Runs `step` for one item and turns its 400 into a StartupError placed at the offending YAML value. A 409
// already_exists means another daemon created the same item a moment ago: it exists, which is all we wanted.
template <typename Step>
void attempt(const RoutingItem& item, Counts& counts, Step&& step) {
    try {
        step();
    } catch (const ApiError& e) {
        if (e.status() == 409 && e.code() == "already_exists") {
            --counts.created;
            ++counts.kept;
            return;
        }
        throw StartupError(item.locate(e.what()));
    }
}

void createQueues(DbSession& session, const std::vector<RoutingItem>& items, Counts& counts) {
    QueueStore store(session);
    std::vector<const RoutingItem*> pending;
    for (const RoutingItem& item : items) {
        // Validated whether or not it exists, so a config that cannot start a fresh database never passes.
        attempt(item, counts, [&] {
            routing_fields::requiredId(item.object, "id");
            const auto name = routing_fields::optionalString(item.object, "name", "name");
            if (!name) throw ApiError::badRequest("'name' is required");
            routing_fields::checkName(*name, "name");
            if (item.object->has("sample")) routing_fields::requiredId(item.object, "sample");
            Queue::parseSettings(queueSettings(item));
        });
        if (store.find(idOf(item))) {
            ++counts.kept;
        } else {
            pending.push_back(&item);
        }
    }
    // A queue may name a sample or an overflow queue further down the list: create those first.
    while (!pending.empty()) {
        std::set<std::string> waiting;
        for (const RoutingItem* item : pending) waiting.insert(idOf(*item));
        auto ready = pending.begin();
        for (; ready != pending.end(); ++ready) {
            bool blocked = false;
            for (const std::string& dependency : queueDependencies(**ready)) {
                blocked = blocked || (dependency != idOf(**ready) && waiting.count(dependency) != 0);
            }
            if (!blocked) break;
        }
        // Nothing is free of pending dependencies: they form a circle, which create() refuses with the field named.
        if (ready == pending.end()) ready = pending.begin();
        const RoutingItem& item = **ready;
        ++counts.created;
        attempt(item, counts, [&] { store.createFromJson(item.object); });
        pending.erase(ready);
    }
}

template <typename Parsed, typename Parse, typename Exists, typename Create>
void createEach(const std::vector<RoutingItem>& items, Counts& counts, Parse&& parse, Exists&& exists,
                Create&& create) {
    for (const RoutingItem& item : items) {
        Parsed parsed;
        attempt(item, counts, [&] { parsed = parse(item.object); });
        if (exists(parsed.id)) {
            ++counts.kept;
            continue;
        }
        ++counts.created;
        attempt(item, counts, [&] { create(parsed); });
    }
}

std::string summary(const char* what, const Counts& counts) {
    return std::string(what) + " " + std::to_string(counts.created) + " created, " + std::to_string(counts.kept) +
           " kept";
}

}  // namespace

std::string RoutingBootstrap::run() {
    if (config_.queues.empty() && config_.operatorGroups.empty() && config_.operators.empty() &&
        config_.breakReasons.empty() && config_.rules.empty()) {
        return "routing configuration: none in the config file (the REST API manages it)";
    }
    Counts queues, groups, operators, reasons, rules;
    bool rulesKept = false;
    writer_.run([&](DbSession& session) {
        queues = groups = operators = reasons = rules = Counts();
        createQueues(session, config_.queues, queues);

        OperatorGroupStore groupStore(session);
        createEach<OperatorGroup>(
            config_.operatorGroups, groups, [](const auto& o) { return OperatorGroup::parse(o); },
            [&](const std::string& id) { return groupStore.find(id).has_value(); },
            [&](const OperatorGroup& g) { groupStore.create(g); });

        OperatorStore operatorStore(session);
        createEach<Operator>(
            config_.operators, operators, [](const auto& o) { return Operator::parse(o); },
            [&](const std::string& id) { return operatorStore.find(id).has_value(); },
            [&](const Operator& op) { operatorStore.create(op); });

        BreakReasonStore reasonStore(session);
        createEach<BreakReason>(
            config_.breakReasons, reasons, [](const auto& o) { return BreakReason::parse(o); },
            [&](const std::string& id) { return reasonStore.find(id).has_value(); },
            [&](const BreakReason& r) { reasonStore.create(r); });

        std::vector<RoutingRule> parsed;
        for (const RoutingItem& item : config_.rules) {
            attempt(item, rules, [&] { parsed.push_back(RoutingRule::parse(item.object)); });
        }
        if (parsed.empty()) return;
        RoutingRuleStore ruleStore(session);
        // Locks the (possibly empty) list, so two daemons starting together do not both fill it.
        rulesKept = !ruleStore.all(true).empty();
        if (!rulesKept) {
            for (std::size_t i = 0; i < parsed.size(); ++i) {
                parsed[i].position = 0;
                attempt(config_.rules[i], rules, [&] { ruleStore.create(parsed[i]); });
                ++rules.created;
            }
        }
    });
    return "routing configuration: " + summary("queues", queues) + "; " + summary("operator groups", groups) + "; " +
           summary("operators", operators) + "; " + summary("break reasons", reasons) + "; rules " +
           (rulesKept ? "kept as they are (the database has some)" : std::to_string(rules.created) + " created");
}

}  // namespace omnigate
