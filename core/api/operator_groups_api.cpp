#include "api/operator_groups_api.h"

#include "api/api_support.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"
#include "store/operator_group_store.h"

namespace omnigate {

namespace {

std::string pathGroup(const HttpRequest& request) {
    const std::string id = request.param("id");
    routing_fields::checkId(id, "id");
    return id;
}

}  // namespace

OperatorGroupsApi::OperatorGroupsApi(WriteBatcher& writer, ConnectionPool& pool,
                                     std::function<void()> changed)
    : writer_(writer), pool_(pool), changed_(std::move(changed)) {}

void OperatorGroupsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/operator-groups", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest&, const Actor&) { return list(); });
    router.add("POST", "/api/v1/operator-groups", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("GET", "/api/v1/operator-groups/{id}", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/operator-groups/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("DELETE", "/api/v1/operator-groups/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse OperatorGroupsApi::list() {
    const auto groups = api::readWith<std::vector<OperatorGroup>>(
        pool_, "the operator groups", [](DbSession& session) { return OperatorGroupStore(session).all(); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const OperatorGroup& g : groups) items->add(g.toJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("operator_groups", items);
    return api::jsonResponse(200, body);
}

HttpResponse OperatorGroupsApi::get(const HttpRequest& request) {
    const std::string id = pathGroup(request);
    const auto group = api::readWith<std::optional<OperatorGroup>>(
        pool_, "the operator group", [&](DbSession& session) { return OperatorGroupStore(session).find(id); });
    if (!group) throw ApiError::notFound("no operator group '" + id + "'");
    return api::jsonResponse(200, group->toJson());
}

HttpResponse OperatorGroupsApi::create(const HttpRequest& request) {
    const OperatorGroup draft = OperatorGroup::parse(api::parseBody(request));
    OperatorGroup created;
    writer_.run([&](DbSession& session) { created = OperatorGroupStore(session).create(draft); });
    changed_();
    return api::jsonResponse(201, created.toJson());
}

HttpResponse OperatorGroupsApi::update(const HttpRequest& request) {
    const std::string id = pathGroup(request);
    auto patch = routing_fields::copy(api::parseBody(request));
    const auto version = routing_fields::optionalInt(patch, "version", "version", 1, INT32_MAX);
    patch->remove("version");
    if (patch->size() == 0) throw ApiError::badRequest("the body changes nothing: give 'name' and/or 'queues'");
    OperatorGroup probe;
    probe.apply(patch);  // a bad field is answered before the writer is bothered
    OperatorGroup updated;
    writer_.run([&](DbSession& session) {
        updated = OperatorGroupStore(session).update(
            id, patch, version ? std::optional<int>(static_cast<int>(*version)) : std::nullopt);
    });
    changed_();
    return api::jsonResponse(200, updated.toJson());
}

HttpResponse OperatorGroupsApi::remove(const HttpRequest& request) {
    const std::string id = pathGroup(request);
    writer_.run([&](DbSession& session) { OperatorGroupStore(session).remove(id); });
    changed_();
    return api::noContent();
}

}  // namespace omnigate
