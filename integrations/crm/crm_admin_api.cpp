#include "crm_admin_api.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <charconv>

#include "omnigate/sdk/api_error.h"
#include "subscription_json.h"

namespace omnigate::crm {

namespace {

const std::string kBase = "/api/v1/integrations/crm";
constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 1000;

std::optional<std::int64_t> parseInteger(const std::string& text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::string iso(Clock::time_point at) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%dT%H:%M:%S.%iZ");
}

HttpResponse noContent() {
    HttpResponse r;
    r.status = 204;
    r.contentType.clear();
    return r;
}

}  // namespace

void CrmAdminApi::registerRoutes() {
    // A subscription carries the secret its webhooks are signed with: it is managed like an integration's API
    // token, by whoever holds tokens:manage (business administrators), and every change is in the audit log.
    const auto add = [this](const std::string& method, const std::string& path,
                            HttpResponse (CrmAdminApi::*handler)(const HttpRequest&)) {
        host_.addGuardedRoute(method, kBase + path, RouteAccess{Permission::TokensManage},
                              [this, handler](const HttpRequest& request) { return (this->*handler)(request); });
    };
    add("GET", "/subscriptions", &CrmAdminApi::listSubscriptions);
    add("POST", "/subscriptions", &CrmAdminApi::createSubscription);
    add("GET", "/subscriptions/{id}", &CrmAdminApi::getSubscription);
    add("PATCH", "/subscriptions/{id}", &CrmAdminApi::patchSubscription);
    add("DELETE", "/subscriptions/{id}", &CrmAdminApi::deleteSubscription);
    add("POST", "/subscriptions/{id}/redeliver", &CrmAdminApi::redeliverSubscription);
    add("GET", "/deliveries/failed", &CrmAdminApi::listFailed);
    add("POST", "/deliveries/{id}/redeliver", &CrmAdminApi::redeliverOne);
}

Poco::JSON::Object::Ptr CrmAdminApi::describe(const Subscription& s) {
    Poco::JSON::Object::Ptr o = apiJson(s);
    o->set("pending", static_cast<Poco::UInt64>(host_.backlog(sinkOf(s.id))));
    const auto until = pauses_.pausedUntil(s.id);
    o->set("paused", until.has_value());
    if (until) o->set("paused_until", iso(*until));
    return o;
}

void CrmAdminApi::clearPause(const std::string& id) {
    if (pauses_.forget(id)) host_.setReadiness("subscription " + id, true, "");
}

HttpResponse CrmAdminApi::listSubscriptions(const HttpRequest&) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Subscription& s : registry_.all()) list->add(describe(s));
    Poco::JSON::Object::Ptr body = newObject();
    body->set("subscriptions", list);
    return HttpResponse::json(200, toJson(body));
}

HttpResponse CrmAdminApi::createSubscription(const HttpRequest& request) {
    const auto body = parseRequestObject(request.body);
    const std::string generated = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    const Subscription created = registry_.create(subscriptionFromRequest(*body, generated));
    host_.log(LogLevel::Info, "crm: subscription '" + created.id + "' created for " + created.url);
    HttpResponse r = HttpResponse::json(201, toJson(describe(created)));
    r.headers.emplace_back("Location", kBase + "/subscriptions/" + created.id);
    return r;
}

HttpResponse CrmAdminApi::getSubscription(const HttpRequest& request) {
    const auto s = registry_.find(request.param("id"));
    if (!s) throw ApiError::notFound("no subscription '" + request.param("id") + "'");
    return HttpResponse::json(200, toJson(describe(*s)));
}

HttpResponse CrmAdminApi::patchSubscription(const HttpRequest& request) {
    const std::string id = request.param("id");
    const auto body = parseRequestObject(request.body);
    bool retarget = false;
    const Subscription updated = registry_.update(id, [&](Subscription& s) {
        const Subscription before = s;
        const std::int64_t version = applyPatch(s, *body);
        if (version != 0 && version != before.version) {
            throw ApiError(409, "version_conflict",
                           "the subscription is at version " + std::to_string(before.version) + ", not " +
                               std::to_string(version) + ": read it again and repeat the change");
        }
        retarget = s.url != before.url || !s.active;
    });
    if (retarget) clearPause(id);
    return HttpResponse::json(200, toJson(describe(updated)));
}

HttpResponse CrmAdminApi::deleteSubscription(const HttpRequest& request) {
    const std::string id = request.param("id");
    registry_.remove(id);
    clearPause(id);
    host_.log(LogLevel::Info, "crm: subscription '" + id + "' deleted; deliveries already queued for it stay queued");
    return noContent();
}

HttpResponse CrmAdminApi::listFailed(const HttpRequest& request) {
    std::size_t limit = kDefaultLimit;
    if (const std::string text = request.queryParam("limit"); !text.empty()) {
        const auto value = parseInteger(text);
        if (!value || *value < 1 || *value > static_cast<std::int64_t>(kMaxLimit)) {
            throw ApiError::badRequest("'limit' must be a number from 1 to " + std::to_string(kMaxLimit));
        }
        limit = static_cast<std::size_t>(*value);
    }
    const std::string only = request.queryParam("subscription");
    if (!only.empty() && !registry_.find(only)) throw ApiError::notFound("no subscription '" + only + "'");

    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Subscription& s : registry_.all()) {
        if (!only.empty() && s.id != only) continue;
        if (list->size() >= limit) break;
        for (const EventDelivery& d : host_.deadLetters(sinkOf(s.id), limit - list->size())) {
            Poco::JSON::Object::Ptr o = newObject();
            o->set("id", d.id);
            o->set("subscription_id", s.id);
            o->set("event_id", d.eventId);
            o->set("event_type", d.type);
            o->set("topic", d.topic);
            o->set("attempts", d.attempts);
            o->set("error", d.lastError);
            o->set("created_at", d.createdAt);
            try {
                o->set("event", Poco::JSON::Parser().parse(d.payload));
            } catch (const Poco::Exception&) {
                o->set("event", d.payload);
            }
            list->add(o);
        }
    }
    Poco::JSON::Object::Ptr body = newObject();
    body->set("deliveries", list);
    return HttpResponse::json(200, toJson(body));
}

HttpResponse CrmAdminApi::redeliverOne(const HttpRequest& request) {
    const auto id = parseInteger(request.param("id"));
    if (!id || *id < 1) throw ApiError::badRequest("'id' must be a positive integer (a failed delivery's id)");
    for (const Subscription& s : registry_.all()) {
        if (host_.redeliver(sinkOf(s.id), *id) == 0) continue;
        host_.log(LogLevel::Info, "crm: delivery " + std::to_string(*id) + " of subscription '" + s.id +
                                      "' redelivered by an administrator");
        Poco::JSON::Object::Ptr body = newObject();
        body->set("redelivered", 1);
        body->set("subscription_id", s.id);
        return HttpResponse::json(200, toJson(body));
    }
    throw ApiError::notFound("no failed delivery " + std::to_string(*id) + " (GET " + kBase +
                             "/deliveries/failed lists them)");
}

HttpResponse CrmAdminApi::redeliverSubscription(const HttpRequest& request) {
    const std::string id = request.param("id");
    if (!registry_.find(id)) throw ApiError::notFound("no subscription '" + id + "'");
    const std::size_t count = host_.redeliver(sinkOf(id), 0);
    host_.log(LogLevel::Info, "crm: " + std::to_string(count) + " failed deliveries of subscription '" + id +
                                  "' redelivered by an administrator");
    Poco::JSON::Object::Ptr body = newObject();
    body->set("redelivered", static_cast<Poco::UInt64>(count));
    body->set("subscription_id", id);
    return HttpResponse::json(200, toJson(body));
}

}  // namespace omnigate::crm
