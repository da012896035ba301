#include "api/blacklist_api.h"

#include <Poco/String.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <set>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "store/blacklist_store.h"

namespace omnigate {

namespace {

constexpr std::size_t kDefaultPage = 50;
constexpr std::size_t kMaxPage = 200;
constexpr std::size_t kMaxQueryChars = 255;
constexpr std::size_t kMaxReasonChars = 255;

}  // namespace

BlacklistApi::BlacklistApi(WriteBatcher& writer, ConnectionPool& pool,
                           std::function<void()> catalogChanged)
    : writer_(writer), pool_(pool), catalogChanged_(std::move(catalogChanged)) {}

void BlacklistApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/blacklist", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return list(r); });
    router.add("POST", "/api/v1/blacklist", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return add(r); });
    router.add("GET", "/api/v1/blacklist/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("DELETE", "/api/v1/blacklist/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse BlacklistApi::list(const HttpRequest& request) {
    BlacklistFilter filter;
    filter.kind = request.queryParam("kind");
    if (!filter.kind.empty()) BlacklistStore::validateKind(filter.kind);
    filter.text = Poco::trim(request.queryParam("q"));
    if (utf8Length(filter.text) > kMaxQueryChars) throw ApiError::badRequest("'q' is longer than 255 characters");
    const std::size_t limit = api::queryLimit(request, kDefaultPage, kMaxPage);
    const std::string cursor = request.queryParam("cursor");
    const std::int64_t after = cursor.empty() ? 0 : api::decodeCursor(cursor);

    // One row more than asked tells whether another page follows.
    auto entries = api::readWith<std::vector<BlacklistEntry>>(pool_, "the black list", [&](DbSession& session) {
        return BlacklistStore(session).list(filter, after, limit + 1);
    });
    Poco::Dynamic::Var next;
    if (entries.size() > limit) {
        entries.resize(limit);
        next = api::encodeCursor(entries.back().id);
    }
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const BlacklistEntry& e : entries) items->add(toJson(e));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("entries", items);
    body->set("next_cursor", next);
    return api::jsonResponse(200, body);
}

HttpResponse BlacklistApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto entry = api::readWith<std::optional<BlacklistEntry>>(
        pool_, "the blacklist entry", [&](DbSession& session) { return BlacklistStore(session).find(id); });
    if (!entry) throw ApiError::notFound("no blacklist entry " + std::to_string(id));
    return api::jsonResponse(200, toJson(*entry));
}

HttpResponse BlacklistApi::add(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"kind", "value", "reason"}, "a black list entry");
    const std::string kind = api::requiredString(body, "kind");
    BlacklistStore::validateKind(kind);
    const std::string value = BlacklistStore::normalizeValue(kind, api::requiredString(body, "value"));
    const std::string reason = Poco::trim(api::optionalString(body, "reason").value_or(""));
    if (utf8Length(reason) > kMaxReasonChars) throw ApiError::badRequest("'reason' is longer than 255 characters");
    BlacklistEntry added;
    writer_.run([&](DbSession& session) { added = BlacklistStore(session).add(kind, value, reason); });
    catalogChanged_();
    return api::jsonResponse(201, toJson(added));
}

HttpResponse BlacklistApi::remove(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    writer_.run([&](DbSession& session) { BlacklistStore(session).remove(id); });
    catalogChanged_();
    return api::noContent();
}

}  // namespace omnigate
