#include "api/operators_api.h"

#include "api/api_support.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"
#include "store/operator_store.h"

namespace omnigate {

namespace {

std::string pathOperator(const HttpRequest& request) {
    const std::string id = request.param("id");
    routing_fields::checkId(id, "id");
    return id;
}

}  // namespace

OperatorsApi::OperatorsApi(WriteBatcher& writer, ConnectionPool& pool,
                           std::function<void()> changed)
    : writer_(writer), pool_(pool), changed_(std::move(changed)) {}

void OperatorsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/operators", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest&, const Actor&) { return list(); });
    router.add("POST", "/api/v1/operators", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("GET", "/api/v1/operators/{id}", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/operators/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("DELETE", "/api/v1/operators/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse OperatorsApi::list() {
    const auto operators = api::readWith<std::vector<Operator>>(
        pool_, "the operators", [](DbSession& session) { return OperatorStore(session).all(); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Operator& op : operators) items->add(op.toJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("operators", items);
    return api::jsonResponse(200, body);
}

HttpResponse OperatorsApi::get(const HttpRequest& request) {
    const std::string id = pathOperator(request);
    const auto op = api::readWith<std::optional<Operator>>(
        pool_, "the operator", [&](DbSession& session) { return OperatorStore(session).find(id); });
    if (!op) throw ApiError::notFound("no operator '" + id + "'");
    return api::jsonResponse(200, op->toJson());
}

HttpResponse OperatorsApi::create(const HttpRequest& request) {
    const Operator draft = Operator::parse(api::parseBody(request));
    Operator created;
    writer_.run([&](DbSession& session) { created = OperatorStore(session).create(draft); });
    changed_();
    return api::jsonResponse(201, created.toJson());
}

HttpResponse OperatorsApi::update(const HttpRequest& request) {
    const std::string id = pathOperator(request);
    auto patch = routing_fields::copy(api::parseBody(request));
    const auto version = routing_fields::optionalInt(patch, "version", "version", 1, INT32_MAX);
    patch->remove("version");
    if (patch->size() == 0) {
        throw ApiError::badRequest("the body changes nothing: give name, capacities, branch, workplace or groups");
    }
    Operator probe;
    probe.apply(patch);  // a bad field is answered before the writer is bothered
    Operator updated;
    writer_.run([&](DbSession& session) {
        updated = OperatorStore(session).update(
            id, patch, version ? std::optional<int>(static_cast<int>(*version)) : std::nullopt);
    });
    changed_();
    return api::jsonResponse(200, updated.toJson());
}

HttpResponse OperatorsApi::remove(const HttpRequest& request) {
    const std::string id = pathOperator(request);
    writer_.run([&](DbSession& session) { OperatorStore(session).remove(id); });
    changed_();
    return api::noContent();
}

}  // namespace omnigate
