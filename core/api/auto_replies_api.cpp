#include "api/auto_replies_api.h"

#include <Poco/String.h>
#include <cppconn/exception.h>

#include <set>
#include <sstream>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "store/auto_reply_store.h"

namespace omnigate {

namespace {

const std::set<std::string> kFields{"name", "channel", "account", "queue", "trigger", "body", "working_hours", "active"};

// queue: absent (nullopt), null (empty: any queue) or a queue name.
std::optional<std::string> queueField(const Poco::JSON::Object::Ptr& body) {
    if (!body->has("queue")) return std::nullopt;
    if (body->isNull("queue")) return std::string();
    const std::string queue = Poco::trim(api::requiredString(body, "queue"));
    if (queue.empty()) throw ApiError::badRequest("'queue' is empty: leave it out or send null for any queue");
    return queue;
}

// working_hours: absent (nullopt), null (none) or the object WorkingHours::parse checks.
std::optional<std::optional<WorkingHours>> workingHoursField(const Poco::JSON::Object::Ptr& body) {
    if (!body->has("working_hours")) return std::nullopt;
    if (body->isNull("working_hours")) return std::optional<WorkingHours>();
    const Poco::Dynamic::Var value = body->get("working_hours");
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw ApiError::badRequest("'working_hours' must be an object or null");
    }
    return std::optional<WorkingHours>(WorkingHours::parse(value.extract<Poco::JSON::Object::Ptr>()));
}

std::string hoursText(const std::optional<WorkingHours>& hours) {
    if (!hours) return "";
    std::ostringstream out;
    hours->toJson()->stringify(out);
    return out.str();
}

std::vector<std::string> changedFields(const AutoReply& before, const AutoReply& after) {
    std::vector<std::string> changes;
    if (before.name != after.name) changes.push_back("name");
    if (before.channel != after.channel) changes.push_back("channel");
    if (before.account != after.account) changes.push_back("account");
    if (before.queue != after.queue) changes.push_back("queue");
    if (before.trigger != after.trigger) changes.push_back("trigger");
    if (before.body != after.body) changes.push_back("body");
    if (hoursText(before.workingHours) != hoursText(after.workingHours)) changes.push_back("working_hours");
    if (before.active != after.active) changes.push_back("active");
    return changes;
}

}  // namespace

AutoRepliesApi::AutoRepliesApi(WriteBatcher& writer, ConnectionPool& pool,
                               std::function<void()> catalogChanged)
    : writer_(writer), pool_(pool), catalogChanged_(std::move(catalogChanged)) {}

void AutoRepliesApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/auto-replies", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return list(r); });
    router.add("POST", "/api/v1/auto-replies", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("GET", "/api/v1/auto-replies/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/auto-replies/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("DELETE", "/api/v1/auto-replies/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse AutoRepliesApi::list(const HttpRequest& request) {
    const std::string channel = request.queryParam("channel");
    const std::string account = request.queryParam("account");
    const auto replies = api::readWith<std::vector<AutoReply>>(pool_, "the auto-reply templates", [&](DbSession& session) {
        return AutoReplyStore(session).list(channel, account);
    });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const AutoReply& r : replies) items->add(toJson(r));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("auto_replies", items);
    return api::jsonResponse(200, body);
}

HttpResponse AutoRepliesApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto reply = api::readWith<std::optional<AutoReply>>(pool_, "the auto-reply template", [&](DbSession& session) {
        return AutoReplyStore(session).find(id);
    });
    if (!reply) throw ApiError::notFound("no auto-reply template " + std::to_string(id));
    return api::jsonResponse(200, toJson(*reply));
}

HttpResponse AutoRepliesApi::create(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, kFields, "an auto-reply template");
    AutoReply draft;
    draft.name = api::requiredString(body, "name");
    draft.channel = api::requiredString(body, "channel");
    draft.account = api::requiredString(body, "account");
    draft.queue = queueField(body).value_or("");
    draft.trigger = api::requiredString(body, "trigger");
    draft.body = api::requiredString(body, "body");
    draft.workingHours = workingHoursField(body).value_or(std::nullopt);
    draft.active = api::optionalBool(body, "active").value_or(true);
    AutoReplyStore::normalize(draft);
    AutoReply created;
    writer_.run([&](DbSession& session) { created = AutoReplyStore(session).create(draft); });
    catalogChanged_();
    return api::jsonResponse(201, toJson(created));
}

HttpResponse AutoRepliesApi::update(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, kFields, "an auto-reply template");
    if (body->size() == 0) throw ApiError::badRequest("the body changes nothing: give at least one field to change");
    const auto name = api::optionalString(body, "name");
    const auto channel = api::optionalString(body, "channel");
    const auto account = api::optionalString(body, "account");
    const auto queue = queueField(body);
    const auto trigger = api::optionalString(body, "trigger");
    const auto text = api::optionalString(body, "body");
    const auto workingHours = workingHoursField(body);
    const auto active = api::optionalBool(body, "active");

    AutoReply updated;
    writer_.run([&](DbSession& session) {
        AutoReplyStore store(session);
        // Locked until the batch commits: a concurrent PATCH of another field waits and then builds on this one.
        const auto current = store.find(id, true);
        if (!current) throw ApiError::notFound("no auto-reply template " + std::to_string(id));
        AutoReply next = *current;
        if (name) next.name = *name;
        if (channel) next.channel = *channel;
        if (account) next.account = *account;
        if (queue) next.queue = *queue;
        if (trigger) next.trigger = *trigger;
        if (text) next.body = *text;
        if (workingHours) next.workingHours = *workingHours;
        if (active) next.active = *active;
        AutoReplyStore::normalize(next);
        const auto changes = changedFields(*current, next);
        updated = changes.empty() ? *current : store.update(next, changes);
    });
    catalogChanged_();
    return api::jsonResponse(200, toJson(updated));
}

HttpResponse AutoRepliesApi::remove(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    writer_.run([&](DbSession& session) { AutoReplyStore(session).remove(id); });
    catalogChanged_();
    return api::noContent();
}

}  // namespace omnigate
