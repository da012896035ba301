#include "api/template_catalogs_api.h"

#include "api/api_support.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"
#include "store/template_catalog_store.h"

namespace omnigate {

void TemplateCatalogsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/template-catalogs", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest&, const Actor&) { return tree(); });
    router.add("POST", "/api/v1/template-catalogs", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("PATCH", "/api/v1/template-catalogs/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("DELETE", "/api/v1/template-catalogs/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse TemplateCatalogsApi::tree() {
    const auto catalogs = api::readWith<std::vector<TemplateCatalog>>(
        pool_, "the template catalogs", [](DbSession& session) { return TemplateCatalogStore(session).all(); });
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("catalogs", templateCatalogTree(catalogs));
    return api::jsonResponse(200, body);
}

HttpResponse TemplateCatalogsApi::create(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name", "parent_id"}, "a template catalog");
    const std::string name = routing_fields::checkName(api::requiredString(body, "name"), "name");
    const std::int64_t parentId = api::parentIdField(body, "a template catalog").value_or(0);
    TemplateCatalog created;
    writer_.run([&](DbSession& session) { created = TemplateCatalogStore(session).create(name, parentId); });
    return api::jsonResponse(201, created.toJson());
}

HttpResponse TemplateCatalogsApi::update(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name", "parent_id"}, "a template catalog");
    std::optional<std::string> name = api::optionalString(body, "name");
    if (name) name = routing_fields::checkName(*name, "name");
    const auto parentId = api::parentIdField(body, "a template catalog");
    if (!name && !parentId) throw ApiError::badRequest("the body changes nothing: give 'name' and/or 'parent_id'");
    TemplateCatalog updated;
    writer_.run([&](DbSession& session) { updated = TemplateCatalogStore(session).update(id, name, parentId); });
    return api::jsonResponse(200, updated.toJson());
}

HttpResponse TemplateCatalogsApi::remove(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    writer_.run([&](DbSession& session) { TemplateCatalogStore(session).remove(id); });
    return api::noContent();
}

}  // namespace omnigate
