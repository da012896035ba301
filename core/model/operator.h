// Operators [операторы] and their groups [группы операторов]: who takes interactions, on which channels how many
// at once, and which queues they serve (through their groups). The status says whether they can take more.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/figure_threshold.h"

namespace omnigate {

enum class OperatorStatus {
    Ready,          // takes offers
    Busy,           // ready, but at capacity on every channel they serve (set and cleared by the distributor)
    WrapUp,         // after closing, as the queue says; no offers
    Break,          // with a reason from the break reasons list; no offers
    NotResponding,  // missed an offer; no offers until they are ready again
    Offline,
};

const char* toString(OperatorStatus status);
std::optional<OperatorStatus> parseOperatorStatus(const std::string& text);
std::vector<OperatorStatus> allOperatorStatuses();

struct Operator {
    std::string id;  // [a-z0-9_.-]{1,64}, e.g. a login
    std::string name;
    std::map<std::string, int> capacities;  // channel type -> interactions at once; absent: 0
    std::string branch;
    std::string workplace;
    std::vector<std::string> groups;  // group ids
    OperatorStatus status = OperatorStatus::Offline;
    std::string statusReason;  // the break reason id while on a break
    std::string statusSince;
    std::string wrapUpUntil;   // while in a fixed wrap-up
    FigureThresholds kpiTargets;  // their own KPI targets; a figure not set here takes their groups'
    int version = 1;
    std::string createdAt;
    std::string updatedAt;

    int capacity(const std::string& channel) const {
        const auto found = capacities.find(channel);
        return found == capacities.end() ? 0 : found->second;
    }
    Poco::JSON::Object::Ptr toJson() const;

    // {id, name, capacities?, branch?, workplace?, groups?, kpi_targets?} from JSON: ApiError 400 naming the field
    // ("capacities.webchat"), unknown fields refused. Whether the groups exist is checked by the store.
    static Operator parse(const Poco::JSON::Object::Ptr& object);
    // Applies the fields a PATCH may change (name, capacities, branch, workplace, groups), with parse's checks;
    // the id and the status are not among them (the status is the operator's own, through the routing API).
    void apply(const Poco::JSON::Object::Ptr& patch);
};

struct OperatorGroup {
    std::string id;
    std::string name;
    std::vector<std::string> queues;  // queue ids: the group's skills
    FigureThresholds kpiTargets;      // KPI targets of its operators' figures (docs/statistics.md)
    int version = 1;
    std::string createdAt;
    std::string updatedAt;

    Poco::JSON::Object::Ptr toJson() const;

    // {id, name, queues?, kpi_targets?} from JSON, 400 naming the field; whether the queues exist is checked by the
    // store.
    static OperatorGroup parse(const Poco::JSON::Object::Ptr& object);
    // Applies a PATCH's name and/or queues.
    void apply(const Poco::JSON::Object::Ptr& patch);
};

// The KPI targets an operator is judged by: their own, else, figure by figure, the first of their groups that
// sets it (docs/statistics.md). `groups` is every group, in any order.
FigureThresholds effectiveKpiTargets(const Operator& op, const std::vector<OperatorGroup>& groups);

struct BreakReason {
    std::string id;
    std::string name;
    std::string createdAt;

    Poco::JSON::Object::Ptr toJson() const;
    // {id, name} from JSON, 400 naming the field.
    static BreakReason parse(const Poco::JSON::Object::Ptr& object);
};

}  // namespace omnigate
