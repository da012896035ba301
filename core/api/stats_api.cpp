#include "api/stats_api.h"

#include <Poco/Timestamp.h>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "stats/online_snapshot.h"

namespace omnigate {

namespace {

void refuseQuery(const HttpRequest& request) {
    for (const auto& [name, value] : request.query) {
        throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
}

std::string idOf(const HttpRequest& request, const char* what) {
    const std::string id = request.param("id");
    if (id.empty() || id.size() > 64) {
        throw ApiError::badRequest(std::string("'id' must be ") + what + " of 1 to 64 characters");
    }
    return id;
}

}  // namespace

StatsApi::StatsApi(ConnectionPool& pool, TodayAggregates& today, int utcOffsetMinutes)
    : pool_(pool), today_(today), utcOffsetMinutes_(utcOffsetMinutes) {}

void StatsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/stats/online", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return board(r); });
    router.add("GET", "/api/v1/stats/online/queues/{id}", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return queue(r); });
    router.add("GET", "/api/v1/stats/online/operators/{id}",
               Access::needs(Permission::OperatorsStatus, Ownership::Operator),
               [this](const HttpRequest& r, const Actor&) { return operatorFigures(r); });
}

OnlineSnapshot StatsApi::current() {
    return api::readWith<OnlineSnapshot>(pool_, "the online statistics", [&](DbSession& s) {
        return OnlineSnapshot::read(s, today_, utcOffsetMinutes_, Poco::Timestamp().epochMicroseconds());
    });
}

HttpResponse StatsApi::board(const HttpRequest& request) {
    refuseQuery(request);
    const OnlineSnapshot snapshot = current();
    return HttpResponse::json(200, snapshot.board());
}

HttpResponse StatsApi::queue(const HttpRequest& request) {
    refuseQuery(request);
    const std::string id = idOf(request, "a queue id");
    const OnlineSnapshot snapshot = current();
    const auto entry = snapshot.queue(id);
    if (!entry) throw ApiError::notFound("no queue '" + id + "'");
    return HttpResponse::json(200, *entry);
}

HttpResponse StatsApi::operatorFigures(const HttpRequest& request) {
    refuseQuery(request);
    const std::string id = idOf(request, "an operator id");
    const OnlineSnapshot snapshot = current();
    const auto entry = snapshot.operatorEntry(id);
    if (!entry) throw ApiError::notFound("no operator '" + id + "'");
    return HttpResponse::json(200, *entry);
}

}  // namespace omnigate
