#include "api/break_reasons_api.h"

#include "api/api_support.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"
#include "store/break_reason_store.h"

namespace omnigate {

BreakReasonsApi::BreakReasonsApi(WriteBatcher& writer, ConnectionPool& pool,
                                 std::function<void()> changed)
    : writer_(writer), pool_(pool), changed_(std::move(changed)) {}

void BreakReasonsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/break-reasons", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest&, const Actor&) { return list(); });
    router.add("POST", "/api/v1/break-reasons", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("GET", "/api/v1/break-reasons/{id}", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("DELETE", "/api/v1/break-reasons/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse BreakReasonsApi::list() {
    const auto reasons = api::readWith<std::vector<BreakReason>>(
        pool_, "the break reasons", [](DbSession& session) { return BreakReasonStore(session).all(); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const BreakReason& r : reasons) items->add(r.toJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("break_reasons", items);
    return api::jsonResponse(200, body);
}

HttpResponse BreakReasonsApi::get(const HttpRequest& request) {
    const std::string id = request.param("id");
    routing_fields::checkId(id, "id");
    const auto reason = api::readWith<std::optional<BreakReason>>(
        pool_, "the break reason", [&](DbSession& session) { return BreakReasonStore(session).find(id); });
    if (!reason) throw ApiError::notFound("no break reason '" + id + "'");
    return api::jsonResponse(200, reason->toJson());
}

HttpResponse BreakReasonsApi::create(const HttpRequest& request) {
    const BreakReason draft = BreakReason::parse(api::parseBody(request));
    BreakReason created;
    writer_.run([&](DbSession& session) { created = BreakReasonStore(session).create(draft); });
    changed_();
    return api::jsonResponse(201, created.toJson());
}

HttpResponse BreakReasonsApi::remove(const HttpRequest& request) {
    const std::string id = request.param("id");
    routing_fields::checkId(id, "id");
    writer_.run([&](DbSession& session) { BreakReasonStore(session).remove(id); });
    changed_();
    return api::noContent();
}

}  // namespace omnigate
