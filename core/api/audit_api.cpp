#include "api/audit_api.h"

#include <Poco/JSON/Array.h>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "store/audit_store.h"
#include "store/session_store.h"

namespace omnigate {

namespace {

constexpr int kPurgeBatch = 5000;

}  // namespace

AuditApi::AuditApi(int retentionDays, WriteBatcher& writer, ConnectionPool& pool)
    : retentionDays_(retentionDays), writer_(writer), pool_(pool) {}

void AuditApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/audit", Access::needs(Permission::AuditRead),
               [this](const HttpRequest& r, const Actor&) { return list(r); });
}

HttpResponse AuditApi::list(const HttpRequest& request) {
    static const std::set<std::string> known{"from", "to", "actor_kind", "actor_id", "action", "target", "limit",
                                             "cursor"};
    for (const auto& [name, value] : request.query) {
        if (known.count(name) == 0) throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
    AuditFilter filter;
    filter.from = api::queryDbTime(request, "from");
    filter.to = api::queryDbTime(request, "to", true);
    filter.actorKind = request.queryParam("actor_kind");
    filter.actorId = request.queryParam("actor_id");
    filter.actionPrefix = request.queryParam("action");
    filter.target = request.queryParam("target");
    filter.limit = api::queryLimit(request, 100, 1000);
    const std::string cursor = request.queryParam("cursor");
    if (!cursor.empty()) filter.beforeId = api::decodeCursor(cursor);
    auto entries = api::readWith<std::vector<AuditEntry>>(pool_, "the audit log",
                                                          [&](DbSession& db) { return AuditStore(db).list(filter); });
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::Dynamic::Var next;
    if (entries.size() > filter.limit) {
        entries.resize(filter.limit);
        next = api::encodeCursor(entries.back().id);
    }
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const AuditEntry& entry : entries) items->add(toJson(entry));
    body->set("entries", items);
    body->set("next_cursor", next);
    return api::jsonResponse(200, body);
}

int AuditApi::purge() {
    int total = 0;
    for (;;) {
        int deleted = 0;
        writer_.run([&](DbSession& db) { deleted = AuditStore(db).purgeOlderThan(retentionDays_, kPurgeBatch); });
        total += deleted;
        if (deleted < kPurgeBatch) break;
    }
    // Expired sign-in sessions go with the same sweep: they are of no use once a day past their expiry.
    writer_.run([&](DbSession& db) { total += SessionStore(db).purgeExpired(); });
    return total;
}

}  // namespace omnigate
