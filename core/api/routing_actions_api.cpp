#include "api/routing_actions_api.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>

#include <set>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "store/routing_store.h"

namespace omnigate {

namespace {

constexpr std::size_t kTextMax = 255;     // comments and reasons land in VARCHAR(255) history rows
constexpr std::size_t kBulkMax = 1000;
constexpr std::size_t kHistoryMax = 1000;

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string boundedText(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    const std::string value = api::optionalString(body, field).value_or("");
    if (value.size() > kTextMax) {
        throw ApiError::badRequest("'" + field + "' is longer than " + std::to_string(kTextMax) + " bytes");
    }
    return value;
}

std::string requiredName(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    const std::string value = api::requiredString(body, field);
    if (value.empty() || value.size() > 64) throw ApiError::badRequest("'" + field + "' must be 1 to 64 characters");
    return value;
}

// Who the action is for: `operator_id` in the body, or the acting operator (X-Omnigate-Actor); both must agree.
std::string operatorFor(const Poco::JSON::Object::Ptr& body, const Actor& actor) {
    const auto given = api::optionalString(body, "operator_id");
    if (given && actor.kind == "operator" && *given != actor.id) {
        throw ApiError::badRequest("'operator_id' (" + *given + ") is not the acting operator (" + actor.id + ")");
    }
    if (given) return requiredName(body, "operator_id");
    if (actor.kind == "operator") return actor.id;
    throw ApiError::badRequest("'operator_id' is required (or act as the operator with X-Omnigate-Actor)");
}

std::string isoTime(const std::string& text, const std::string& field) {
    return Poco::DateTimeFormatter::format(api::parseTime(text, field), "%Y-%m-%dT%H:%M:%S.%iZ");
}

HttpResponse interactionResponse(const Interaction& interaction) {
    return api::jsonResponse(200, toJson(interaction));
}

}  // namespace

RoutingActionsApi::RoutingActionsApi(RoutingService& routing, ConnectionPool& pool)
    : routing_(routing), pool_(pool) {}

void RoutingActionsApi::registerRoutes(Router& router) {
    const auto route = [&](const char* method, const char* pattern, Access access,
                           HttpResponse (RoutingActionsApi::*handler)(const HttpRequest&, const Actor&)) {
        router.add(method, pattern, access,
                   [this, handler](const HttpRequest& r, const Actor& actor) { return (this->*handler)(r, actor); });
    };
    // An operator acts on what is offered to or held by them, and takes what nobody holds (the routing service
    // refuses the rest); assigning and mass operations are the supervisors'.
    using P = Permission;
    const Access handleOwn = Access::needs(P::InteractionsHandle, Ownership::Interaction);
    route("POST", "/api/v1/interactions/{id}/accept", handleOwn, &RoutingActionsApi::accept);
    route("POST", "/api/v1/interactions/{id}/decline", handleOwn, &RoutingActionsApi::decline);
    route("POST", "/api/v1/interactions/{id}/wait", handleOwn, &RoutingActionsApi::wait);
    route("POST", "/api/v1/interactions/{id}/transfer", handleOwn, &RoutingActionsApi::transfer);
    route("POST", "/api/v1/interactions/{id}/postpone", handleOwn, &RoutingActionsApi::postpone);
    route("POST", "/api/v1/interactions/{id}/close", handleOwn, &RoutingActionsApi::close);
    route("POST", "/api/v1/interactions/{id}/take", Access::needs(P::InteractionsHandle, Ownership::Caller),
          &RoutingActionsApi::take);
    route("POST", "/api/v1/interactions/{id}/assign", Access::needs(P::InteractionsSupervise),
          &RoutingActionsApi::assign);
    route("POST", "/api/v1/interactions/bulk", Access::needs(P::InteractionsSupervise), &RoutingActionsApi::bulk);
    route("PUT", "/api/v1/operators/{id}/status", Access::needs(P::OperatorsStatus, Ownership::Operator),
          &RoutingActionsApi::setStatus);
    route("GET", "/api/v1/operators/{id}/status-history", Access::needs(P::OperatorsStatus, Ownership::Operator),
          &RoutingActionsApi::statusHistory);
}

HttpResponse RoutingActionsApi::accept(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"operator_id"}, "an accept");
    return interactionResponse(routing_.accept(id, operatorFor(body, actor), actor));
}

HttpResponse RoutingActionsApi::decline(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"operator_id", "reason"}, "a decline");
    return interactionResponse(routing_.decline(id, operatorFor(body, actor), boundedText(body, "reason"), actor));
}

HttpResponse RoutingActionsApi::wait(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {}, "a wait");
    return interactionResponse(routing_.waitForClient(id, actor));
}

HttpResponse RoutingActionsApi::transfer(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"queue_id", "operator_id", "comment"}, "a transfer");
    const bool toQueue = body->has("queue_id"), toOperator = body->has("operator_id");
    if (toQueue == toOperator) throw ApiError::badRequest("give exactly one of 'queue_id' and 'operator_id'");
    const std::string comment = boundedText(body, "comment");
    if (toQueue) return interactionResponse(routing_.transferToQueue(id, requiredName(body, "queue_id"), comment, actor));
    return interactionResponse(routing_.transferToOperator(id, requiredName(body, "operator_id"), comment, actor));
}

HttpResponse RoutingActionsApi::postpone(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"until", "comment"}, "a postponement");
    const std::string until = isoTime(api::requiredString(body, "until"), "until");
    return interactionResponse(routing_.postpone(id, until, boundedText(body, "comment"), actor));
}

HttpResponse RoutingActionsApi::close(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"resolution"}, "a close");
    return interactionResponse(routing_.close(id, boundedText(body, "resolution"), actor));
}

HttpResponse RoutingActionsApi::take(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"operator_id"}, "a take");
    return interactionResponse(routing_.take(id, operatorFor(body, actor), actor));
}

HttpResponse RoutingActionsApi::assign(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"operator_id", "comment"}, "an assignment");
    return interactionResponse(
        routing_.assign(id, requiredName(body, "operator_id"), boundedText(body, "comment"), actor));
}

HttpResponse RoutingActionsApi::bulk(const HttpRequest& request, const Actor& actor) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"action", "ids", "operator_id", "queue_id", "priority", "resolution", "comment"},
                             "a mass operation");
    const std::string action = api::requiredString(body, "action");
    static const std::set<std::string> actions{"assign", "transfer", "set_priority", "close"};
    if (actions.count(action) == 0) {
        throw ApiError::badRequest("'action' must be assign, transfer, set_priority or close; got '" + action + "'");
    }
    const Poco::JSON::Array::Ptr list = body->has("ids") ? body->getArray("ids") : nullptr;
    if (!list || list->size() == 0) throw ApiError::badRequest("'ids' must be a non-empty array of interaction ids");
    if (list->size() > kBulkMax) throw ApiError::badRequest("'ids' may hold at most " + std::to_string(kBulkMax) + " ids");
    std::vector<std::int64_t> ids;
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Poco::Dynamic::Var value = list->get(static_cast<unsigned>(i));
        if (!value.isInteger() || value.convert<std::int64_t>() <= 0) {
            throw ApiError::badRequest("'ids[" + std::to_string(i) + "]' must be a positive integer");
        }
        if (seen.insert(value.convert<std::int64_t>()).second) ids.push_back(value.convert<std::int64_t>());
    }
    // The parameters are checked once, before any id is touched: a typo fails the whole request, not each id.
    std::function<Interaction(std::int64_t)> apply;
    const std::string comment = boundedText(body, "comment");
    if (action == "assign") {
        const std::string op = requiredName(body, "operator_id");
        apply = [&, op](std::int64_t id) { return routing_.assign(id, op, comment, actor); };
    } else if (action == "transfer") {
        const bool toQueue = body->has("queue_id"), toOperator = body->has("operator_id");
        if (toQueue == toOperator) throw ApiError::badRequest("give exactly one of 'queue_id' and 'operator_id'");
        const std::string target = requiredName(body, toQueue ? "queue_id" : "operator_id");
        apply = [&, target, toQueue](std::int64_t id) {
            return toQueue ? routing_.transferToQueue(id, target, comment, actor)
                           : routing_.transferToOperator(id, target, comment, actor);
        };
    } else if (action == "set_priority") {
        const std::int64_t priority = api::requiredInt(body, "priority");
        if (priority < 0 || priority > 100) throw ApiError::badRequest("'priority' must be 0 to 100");
        apply = [&, priority](std::int64_t id) { return routing_.setPriority(id, static_cast<int>(priority), actor); };
    } else {
        const std::string resolution = boundedText(body, "resolution");
        apply = [&, resolution](std::int64_t id) { return routing_.close(id, resolution, actor); };
    }

    Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
    int succeeded = 0;
    for (std::int64_t id : ids) {
        Poco::JSON::Object::Ptr result = object();
        result->set("id", id);
        try {
            const Interaction done = apply(id);
            result->set("ok", true);
            result->set("interaction", toJson(done));
            ++succeeded;
        } catch (const ApiError& e) {
            result->set("ok", false);
            Poco::JSON::Object::Ptr error = object();
            error->set("status", e.status());
            error->set("code", e.code());
            error->set("message", std::string(e.what()));
            result->set("error", error);
        }
        results->add(result);
    }
    Poco::JSON::Object::Ptr out = object();
    out->set("action", action);
    out->set("succeeded", succeeded);
    out->set("failed", static_cast<int>(ids.size()) - succeeded);
    out->set("results", results);
    return api::jsonResponse(200, out);
}

HttpResponse RoutingActionsApi::setStatus(const HttpRequest& request, const Actor& actor) {
    const std::string id = request.pathParams.at("id");
    if (actor.kind == "operator" && actor.id != id) {
        throw ApiError(403, "forbidden", "operator " + actor.id + " cannot set the status of operator " + id);
    }
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"status", "reason"}, "a status change");
    return api::jsonResponse(200, routing_.setOperatorStatus(id, api::requiredString(body, "status"),
                                                             boundedText(body, "reason"), actor));
}

HttpResponse RoutingActionsApi::statusHistory(const HttpRequest& request, const Actor& /*actor*/) {
    const std::string id = request.pathParams.at("id");
    const std::size_t limit = api::queryLimit(request, 100, kHistoryMax);
    const std::string cursor = request.queryParam("cursor");
    const std::int64_t before = cursor.empty() ? 0 : api::decodeCursor(cursor);
    const auto rows = api::readWith<Poco::JSON::Array::Ptr>(pool_, "the operator's status history", [&](DbSession& s) {
        if (!RoutingStore(s).findOperator(id)) throw ApiError::notFound("no operator '" + id + "'");
        return RoutingStore(s).operatorStatusHistory(id, limit + 1, before);
    });
    Poco::JSON::Object::Ptr out = object();
    Poco::JSON::Array::Ptr page = new Poco::JSON::Array;
    for (std::size_t i = 0; i < rows->size() && i < limit; ++i) page->add(rows->get(static_cast<unsigned>(i)));
    out->set("changes", page);
    if (rows->size() > limit) {
        out->set("next_cursor", api::encodeCursor(page->getObject(static_cast<unsigned>(limit - 1))->getValue<std::int64_t>("id")));
    } else {
        out->set("next_cursor", Poco::Dynamic::Var());
    }
    return api::jsonResponse(200, out);
}

}  // namespace omnigate
