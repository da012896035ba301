#include "api/queues_api.h"

#include "api/api_support.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"
#include "store/queue_store.h"

namespace omnigate {

namespace {

std::string pathQueue(const HttpRequest& request) {
    const std::string id = request.param("id");
    routing_fields::checkId(id, "id");
    return id;
}

}  // namespace

QueuesApi::QueuesApi(WriteBatcher& writer, ConnectionPool& pool,
                     std::function<void()> changed)
    : writer_(writer), pool_(pool), changed_(std::move(changed)) {}

void QueuesApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/queues", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest&, const Actor&) { return list(); });
    router.add("POST", "/api/v1/queues", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("GET", "/api/v1/queues/{id}", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/queues/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("DELETE", "/api/v1/queues/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse QueuesApi::list() {
    const auto queues = api::readWith<std::vector<Queue>>(pool_, "the queues",
                                                          [](DbSession& session) { return QueueStore(session).all(); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Queue& q : queues) items->add(q.toJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("queues", items);
    return api::jsonResponse(200, body);
}

HttpResponse QueuesApi::get(const HttpRequest& request) {
    const std::string id = pathQueue(request);
    const auto queue = api::readWith<std::optional<Queue>>(pool_, "the queue", [&](DbSession& session) {
        return QueueStore(session).find(id);
    });
    if (!queue) throw ApiError::notFound("no queue '" + id + "'");
    return api::jsonResponse(200, queue->toJson());
}

HttpResponse QueuesApi::create(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    Queue created;
    writer_.run([&](DbSession& session) { created = QueueStore(session).createFromJson(body); });
    changed_();
    return api::jsonResponse(201, created.toJson());
}

HttpResponse QueuesApi::update(const HttpRequest& request) {
    const std::string id = pathQueue(request);
    auto patch = routing_fields::copy(api::parseBody(request));
    const auto version = routing_fields::optionalInt(patch, "version", "version", 1, INT32_MAX);
    patch->remove("version");
    if (patch->size() == 0) throw ApiError::badRequest("the body changes nothing: give at least one field to change");
    Queue updated;
    writer_.run([&](DbSession& session) {
        updated = QueueStore(session).update(id, patch, version ? std::optional<int>(static_cast<int>(*version))
                                                                : std::nullopt);
    });
    changed_();
    return api::jsonResponse(200, updated.toJson());
}

HttpResponse QueuesApi::remove(const HttpRequest& request) {
    const std::string id = pathQueue(request);
    const std::string moveTo = request.queryParam("move_to");
    if (!moveTo.empty()) routing_fields::checkId(moveTo, "move_to");
    writer_.run([&](DbSession& session) { QueueStore(session).remove(id, moveTo); });
    changed_();
    return api::noContent();
}

}  // namespace omnigate
