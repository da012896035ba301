#include "model/operator.h"

#include <Poco/JSON/Array.h>

#include "model/online_figures.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace fields = routing_fields;

namespace {

constexpr int kMaxCapacity = 100;

const std::set<std::string> kOperatorFields{"id",        "name",   "capacities", "branch",
                                            "workplace", "groups", "kpi_targets"};
const std::set<std::string> kGroupFields{"id", "name", "queues", "kpi_targets"};

FigureThresholds parseKpiTargets(const Poco::JSON::Object::Ptr& object) {
    const auto targets = fields::optionalObject(object, "kpi_targets", "kpi_targets");
    if (!targets) return {};
    const std::vector<std::string>& names = operatorFigureNames();
    return parseFigureThresholds(targets, "kpi_targets", {names.begin(), names.end()});
}

std::map<std::string, int> parseCapacities(const Poco::JSON::Object::Ptr& object) {
    std::map<std::string, int> capacities;
    const auto map = fields::optionalObject(object, "capacities", "capacities");
    if (!map) return capacities;
    for (const std::string& channel : map->getNames()) {
        const std::string field = "capacities." + channel;
        if (channel.empty() || channel.size() > 64) {
            throw ApiError::badRequest("'" + field + "': the key must be a channel type such as webchat");
        }
        if (map->isNull(channel)) throw ApiError::badRequest("'" + field + "' must be an integer from 0 to 100");
        capacities[channel] = static_cast<int>(fields::integer(map->get(channel), field, 0, kMaxCapacity));
    }
    return capacities;
}

std::string optionalText(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    const std::string text = fields::optionalString(object, field, field).value_or("");
    if (text.size() > 255) throw ApiError::badRequest("'" + field + "' is longer than 255 bytes");
    return text;
}

std::string requiredName(const Poco::JSON::Object::Ptr& object) {
    const auto name = fields::optionalString(object, "name", "name");
    if (!name) throw ApiError::badRequest("'name' is required");
    return fields::checkName(*name, "name");
}

void refuseId(const Poco::JSON::Object::Ptr& patch, const std::string& what) {
    if (patch->has("id")) throw ApiError::badRequest("'id' cannot change: create a new " + what + " instead");
}

}  // namespace

const char* toString(OperatorStatus status) {
    switch (status) {
        case OperatorStatus::Ready: return "ready";
        case OperatorStatus::Busy: return "busy";
        case OperatorStatus::WrapUp: return "wrap_up";
        case OperatorStatus::Break: return "break";
        case OperatorStatus::NotResponding: return "not_responding";
        case OperatorStatus::Offline: return "offline";
    }
    return "offline";
}

std::vector<OperatorStatus> allOperatorStatuses() {
    return {OperatorStatus::Ready,         OperatorStatus::Busy,    OperatorStatus::WrapUp, OperatorStatus::Break,
            OperatorStatus::NotResponding, OperatorStatus::Offline};
}

std::optional<OperatorStatus> parseOperatorStatus(const std::string& text) {
    for (OperatorStatus status : allOperatorStatuses()) {
        if (text == toString(status)) return status;
    }
    return std::nullopt;
}

Operator Operator::parse(const Poco::JSON::Object::Ptr& object) {
    if (object.isNull()) throw ApiError::badRequest("an operator must be an object");
    fields::refuseUnknown(object, kOperatorFields, "an operator");
    Operator op;
    op.id = fields::requiredId(object, "id");
    op.name = requiredName(object);
    op.capacities = parseCapacities(object);
    op.branch = optionalText(object, "branch");
    op.workplace = optionalText(object, "workplace");
    op.groups = fields::idList(object, "groups", "groups");
    op.kpiTargets = parseKpiTargets(object);
    return op;
}

void Operator::apply(const Poco::JSON::Object::Ptr& patch) {
    fields::refuseUnknown(patch, kOperatorFields, "an operator");
    refuseId(patch, "operator");
    if (patch->has("name")) name = requiredName(patch);
    if (patch->has("capacities")) capacities = parseCapacities(patch);
    if (patch->has("branch")) branch = optionalText(patch, "branch");
    if (patch->has("workplace")) workplace = optionalText(patch, "workplace");
    if (patch->has("groups")) groups = fields::idList(patch, "groups", "groups");
    if (patch->has("kpi_targets")) kpiTargets = parseKpiTargets(patch);
}

Poco::JSON::Object::Ptr Operator::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("name", name);
    Poco::JSON::Object::Ptr caps = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [channel, count] : capacities) caps->set(channel, count);
    o->set("capacities", caps);
    o->set("branch", branch);
    o->set("workplace", workplace);
    Poco::JSON::Array::Ptr groupList = new Poco::JSON::Array;
    for (const std::string& g : groups) groupList->add(g);
    o->set("groups", groupList);
    o->set("kpi_targets", figureThresholdsJson(kpiTargets));
    o->set("status", std::string(omnigate::toString(status)));
    o->set("status_reason", statusReason);
    o->set("status_since", statusSince);
    o->set("wrap_up_until", wrapUpUntil.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(wrapUpUntil));
    o->set("version", version);
    o->set("created_at", createdAt);
    o->set("updated_at", updatedAt);
    return o;
}

OperatorGroup OperatorGroup::parse(const Poco::JSON::Object::Ptr& object) {
    if (object.isNull()) throw ApiError::badRequest("an operator group must be an object");
    fields::refuseUnknown(object, kGroupFields, "an operator group");
    OperatorGroup group;
    group.id = fields::requiredId(object, "id");
    group.name = requiredName(object);
    group.queues = fields::idList(object, "queues", "queues");
    group.kpiTargets = parseKpiTargets(object);
    return group;
}

void OperatorGroup::apply(const Poco::JSON::Object::Ptr& patch) {
    fields::refuseUnknown(patch, kGroupFields, "an operator group");
    refuseId(patch, "group");
    if (patch->has("name")) name = requiredName(patch);
    if (patch->has("queues")) queues = fields::idList(patch, "queues", "queues");
    if (patch->has("kpi_targets")) kpiTargets = parseKpiTargets(patch);
}

Poco::JSON::Object::Ptr OperatorGroup::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("name", name);
    Poco::JSON::Array::Ptr queueList = new Poco::JSON::Array;
    for (const std::string& q : queues) queueList->add(q);
    o->set("queues", queueList);
    o->set("kpi_targets", figureThresholdsJson(kpiTargets));
    o->set("version", version);
    o->set("created_at", createdAt);
    o->set("updated_at", updatedAt);
    return o;
}

FigureThresholds effectiveKpiTargets(const Operator& op, const std::vector<OperatorGroup>& groups) {
    FigureThresholds kpi = op.kpiTargets;
    for (const std::string& id : op.groups) {
        for (const OperatorGroup& g : groups) {
            if (g.id == id) kpi.insert(g.kpiTargets.begin(), g.kpiTargets.end());  // insert keeps what is set
        }
    }
    return kpi;
}

BreakReason BreakReason::parse(const Poco::JSON::Object::Ptr& object) {
    if (object.isNull()) throw ApiError::badRequest("a break reason must be an object");
    fields::refuseUnknown(object, {"id", "name"}, "a break reason");
    BreakReason reason;
    reason.id = fields::requiredId(object, "id");
    reason.name = requiredName(object);
    return reason;
}

Poco::JSON::Object::Ptr BreakReason::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("name", name);
    o->set("created_at", createdAt);
    return o;
}

}  // namespace omnigate
