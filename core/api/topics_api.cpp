#include "api/topics_api.h"

#include <cppconn/exception.h>

#include <set>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "store/topic_store.h"

namespace omnigate {

TopicsApi::TopicsApi(WriteBatcher& writer, ConnectionPool& pool,
                     std::function<void()> catalogChanged)
    : writer_(writer), pool_(pool), catalogChanged_(std::move(catalogChanged)) {}

void TopicsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/topics", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest&, const Actor&) { return tree(); });
    router.add("POST", "/api/v1/topics", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("GET", "/api/v1/topics/{id}", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/topics/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("DELETE", "/api/v1/topics/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse TopicsApi::tree() {
    const auto topics =
        api::readWith<std::vector<Topic>>(pool_, "the topics", [](DbSession& session) { return TopicStore(session).all(); });
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("topics", topicTree(topics));
    return api::jsonResponse(200, body);
}

HttpResponse TopicsApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto topic = api::readWith<std::optional<Topic>>(
        pool_, "the topic", [&](DbSession& session) { return TopicStore(session).find(id); });
    if (!topic) throw ApiError::notFound("no topic " + std::to_string(id));
    return api::jsonResponse(200, toJson(*topic));
}

HttpResponse TopicsApi::create(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name", "parent_id"}, "a topic");
    const std::string name = TopicStore::normalizeName(api::requiredString(body, "name"));
    const std::int64_t parentId = api::parentIdField(body, "a topic").value_or(0);
    Topic created;
    writer_.run([&](DbSession& session) { created = TopicStore(session).create(name, parentId); });
    catalogChanged_();
    return api::jsonResponse(201, toJson(created));
}

HttpResponse TopicsApi::update(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name", "parent_id"}, "a topic");
    std::optional<std::string> name = api::optionalString(body, "name");
    if (name) name = TopicStore::normalizeName(*name);
    const auto parentId = api::parentIdField(body, "a topic");
    if (!name && !parentId) throw ApiError::badRequest("the body changes nothing: give 'name' and/or 'parent_id'");
    Topic updated;
    writer_.run([&](DbSession& session) { updated = TopicStore(session).update(id, name, parentId); });
    catalogChanged_();
    return api::jsonResponse(200, toJson(updated));
}

HttpResponse TopicsApi::remove(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    writer_.run([&](DbSession& session) { TopicStore(session).remove(id); });
    catalogChanged_();
    return api::noContent();
}

}  // namespace omnigate
