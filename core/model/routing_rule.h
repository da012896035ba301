// Prioritisation rules [правила приоритизации]: an ordered list the router walks for every interaction it queues;
// the first active rule whose conditions all hold picks the queue and the priority. Evaluation is pure (facts
// in, decision and reasons out), so the dry-run endpoint and the distributor give the same answer.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace omnigate {

// All given conditions must hold; an empty one holds always.
struct RuleConditions {
    std::vector<std::string> channels;           // any of
    std::vector<std::string> accounts;           // any of
    std::vector<std::string> clientFlags;        // the client has all of them
    std::map<std::string, std::string> cardFields;  // the client card's field equals the value
    std::vector<std::int64_t> topics;            // the interaction has any of them
    std::vector<std::string> words;              // the text contains any of them (case-insensitive, whole words)
    std::optional<int> waitedSecondsAtLeast;     // the interaction has waited at least this long
};

struct RuleActions {
    std::string queue;                // target queue id (required)
    std::optional<int> priority;      // 0–100; absent: 0
    double priorityPerMinute = 0;     // added per minute of waiting (effective priority capped at 100)
};

struct RoutingRule {
    std::int64_t id = 0;
    int position = 0;
    std::string name;
    bool active = true;
    RuleConditions conditions;
    RuleActions actions;
    int version = 1;
    std::string createdAt;
    std::string updatedAt;

    // {name, active, conditions{…}, actions{…}} from JSON: ApiError 400 naming the field
    // ("conditions.waited_seconds_at_least", "actions.priority", …); unknown fields refused. Whether
    // actions.queue and conditions.topics exist is checked by the store, which knows them.
    static RoutingRule parse(const Poco::JSON::Object::Ptr& object);
    Poco::JSON::Object::Ptr toJson() const;
};

// What the rules look at, gathered by whoever asks.
struct RoutingFacts {
    std::string channel;
    std::string account;
    std::vector<std::string> clientFlags;
    std::map<std::string, std::string> card;
    std::vector<std::int64_t> topics;
    std::string text;          // the latest inbound text
    int waitedSeconds = 0;
};

// One rule's verdict, for the dry run: why it matched or which condition failed.
struct RuleTrace {
    std::int64_t ruleId = 0;
    std::string name;
    bool matched = false;
    std::vector<std::string> reasons;  // "channel webchat is one of [webchat]", "client lacks flag vip", …
};

struct RuleEvaluation {
    std::optional<RoutingRule> matched;  // the first active rule that holds, if any
    std::vector<RuleTrace> trace;        // every rule looked at, in order, up to and including the match
};

// Walks `rules` (in the given order, inactive ones skipped) against `facts`.
RuleEvaluation evaluateRules(const std::vector<RoutingRule>& rules, const RoutingFacts& facts);

}  // namespace omnigate
