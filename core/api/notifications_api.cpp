#include "api/notifications_api.h"

#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include "api/api_support.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"
#include "store/notification_store.h"

namespace omnigate {

namespace {

// Who a notice is from, as its recipients read it: the signed-in user's login, else the kind of caller.
std::string authorOf(const Actor& actor) {
    if (!actor.user.empty()) return actor.user;
    return actor.kind == "admin" ? "administrator" : actor.kind + (actor.id.empty() ? "" : ":" + actor.id);
}

std::int64_t notificationId(const HttpRequest& request, const std::string& param) {
    const std::string text = request.param(param);
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
        throw ApiError::notFound("no notification '" + text.substr(0, 32) + "'");
    }
    return std::stoll(text);
}

// A positive count from the query, or `fallback` when absent; 400 naming it otherwise.
std::int64_t queryNumber(const HttpRequest& request, const std::string& name, std::int64_t fallback,
                         std::int64_t max) {
    const std::string text = request.queryParam(name);
    if (text.empty()) return fallback;
    if (text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos || std::stoll(text) < 1 ||
        std::stoll(text) > max) {
        throw ApiError::badRequest("'" + name + "' must be a number from 1 to " + std::to_string(max));
    }
    return std::stoll(text);
}

void refuseQuery(const HttpRequest& request, const std::set<std::string>& known) {
    for (const auto& [name, value] : request.query) {
        if (!known.count(name)) throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
}

}  // namespace

NotificationsApi::NotificationsApi(WriteBatcher& writer, ConnectionPool& pool) : writer_(writer), pool_(pool) {}

void NotificationsApi::registerRoutes(Router& router) {
    router.add("POST", "/api/v1/notifications", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor& a) { return send(r, a); });
    router.add("GET", "/api/v1/notifications", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return sent(r); });
    router.add("DELETE", "/api/v1/notifications/{id}", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return withdraw(r); });
    router.add("GET", "/api/v1/operators/{id}/notifications",
               Access::needs(Permission::OperatorsStatus, Ownership::Operator),
               [this](const HttpRequest& r, const Actor&) { return own(r); });
    router.add("POST", "/api/v1/operators/{id}/notifications/{notification}/read",
               Access::needs(Permission::OperatorsStatus, Ownership::Operator),
               [this](const HttpRequest& r, const Actor&) { return markRead(r); });
}

HttpResponse NotificationsApi::send(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {});
    const Notification draft = Notification::parse(api::parseBody(request), Poco::Timestamp().epochMicroseconds());
    Notification sent;
    writer_.run([&](DbSession& session) { sent = NotificationStore(session).send(draft, authorOf(actor)); });
    return api::jsonResponse(201, sent.toJson());
}

HttpResponse NotificationsApi::sent(const HttpRequest& request) {
    refuseQuery(request, {"limit", "before"});
    const int limit = static_cast<int>(queryNumber(request, "limit", 50, 500));
    const std::int64_t before = queryNumber(request, "before", 0, 999999999999999999LL);
    const auto list = api::readWith<std::vector<Notification>>(
        pool_, "the notifications", [&](DbSession& s) { return NotificationStore(s).sent(limit, before); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Notification& n : list) items->add(n.toJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("notifications", items);
    return api::jsonResponse(200, body);
}

HttpResponse NotificationsApi::withdraw(const HttpRequest& request) {
    const std::int64_t id = notificationId(request, "id");
    bool found = false;
    writer_.run([&](DbSession& session) { found = NotificationStore(session).withdraw(id); });
    if (!found) throw ApiError::notFound("no notification " + std::to_string(id));
    return api::noContent();
}

HttpResponse NotificationsApi::own(const HttpRequest& request) {
    refuseQuery(request, {"unread"});
    const std::string operatorId = request.param("id");
    routing_fields::checkId(operatorId, "id");
    const std::string unread = request.queryParam("unread");
    if (!unread.empty() && unread != "true" && unread != "false") {
        throw ApiError::badRequest("'unread' must be true or false");
    }
    const auto list = api::readWith<std::vector<Notification>>(pool_, "the notifications", [&](DbSession& s) {
        return NotificationStore(s).forOperator(operatorId, unread == "true");
    });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Notification& n : list) items->add(n.toRecipientJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("notifications", items);
    return api::jsonResponse(200, body);
}

HttpResponse NotificationsApi::markRead(const HttpRequest& request) {
    const std::string operatorId = request.param("id");
    routing_fields::checkId(operatorId, "id");
    const std::int64_t id = notificationId(request, "notification");
    std::optional<Notification> marked;
    writer_.run([&](DbSession& session) { marked = NotificationStore(session).markRead(operatorId, id); });
    if (!marked) throw ApiError::notFound("operator " + operatorId + " has no notification " + std::to_string(id));
    return api::jsonResponse(200, marked->toRecipientJson());
}

}  // namespace omnigate
