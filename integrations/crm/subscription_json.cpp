#include "subscription_json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "omnigate/sdk/api_error.h"
#include "subscription_rules.h"

namespace omnigate::crm {

namespace {

void expectFields(const Poco::JSON::Object& body, const std::set<std::string>& allowed) {
    for (const auto& [name, value] : body) {
        if (allowed.count(name) > 0) continue;
        std::string list;
        for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw ApiError::badRequest("'" + name + "' is not a field of a subscription (expected " + list + ")");
    }
}

void require(const std::optional<std::string>& problem, const std::string& field) {
    if (problem) throw ApiError::badRequest("'" + field + "': " + *problem);
}

std::string stringField(const Poco::JSON::Object& body, const std::string& field) {
    const Poco::Dynamic::Var value = body.get(field);
    if (!value.isString()) throw ApiError::badRequest("'" + field + "' must be a string");
    return value.extract<std::string>();
}

bool boolField(const Poco::JSON::Object& body, const std::string& field) {
    const Poco::Dynamic::Var value = body.get(field);
    if (!value.isBoolean()) throw ApiError::badRequest("'" + field + "' must be true or false");
    return value.extract<bool>();
}

std::vector<std::string> eventsField(const Poco::JSON::Object& body) {
    const Poco::JSON::Array::Ptr array = body.getArray("events");
    if (!array) throw ApiError::badRequest("'events' must be a list of event types");
    std::vector<std::string> events;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string field = "events[" + std::to_string(i) + "]";
        const Poco::Dynamic::Var item = array->get(i);
        if (!item.isString()) throw ApiError::badRequest("'" + field + "' must be a string");
        const std::string type = item.extract<std::string>();
        require(checkEventType(type), field);
        if (std::find(events.begin(), events.end(), type) == events.end()) events.push_back(type);
    }
    if (events.empty()) throw ApiError::badRequest("'events' must name at least one event type");
    return events;
}

bool present(const Poco::JSON::Object& body, const std::string& field) {
    return body.has(field) && !body.isNull(field);
}

}  // namespace

Poco::JSON::Object::Ptr parseRequestObject(const std::string& text) {
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(text);
    } catch (const Poco::Exception& e) {
        throw ApiError::badRequest("the request body is not valid JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw ApiError::badRequest("the request body must be a JSON object ({...})");
    }
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

std::string toJson(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

Poco::JSON::Object::Ptr newObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr apiJson(const Subscription& s) {
    Poco::JSON::Object::Ptr o = newObject();
    o->set("id", s.id);
    o->set("url", s.url);
    Poco::JSON::Array::Ptr events = new Poco::JSON::Array;
    for (const std::string& e : s.events) events->add(e);
    o->set("events", events);
    o->set("active", s.active);
    o->set("secret_set", !s.secret.empty());
    o->set("source", std::string(s.fromConfig ? "config" : "api"));
    if (!s.fromConfig) o->set("version", s.version);
    return o;
}

std::string stateJson(const Subscription& s) {
    Poco::JSON::Object::Ptr o = apiJson(s);
    o->remove("secret_set");
    o->remove("source");
    o->set("secret", s.secret);
    return toJson(o);
}

std::optional<Subscription> fromStateJson(const std::string& text) {
    try {
        const auto o = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        Subscription s;
        s.id = o->getValue<std::string>("id");
        s.url = o->getValue<std::string>("url");
        s.secret = o->getValue<std::string>("secret");
        s.active = o->optValue<bool>("active", true);
        s.version = o->optValue<Poco::Int64>("version", 1);
        const auto events = o->getArray("events");
        for (std::size_t i = 0; events && i < events->size(); ++i)
            s.events.push_back(events->getElement<std::string>(i));
        if (checkSubscriptionId(s.id) || checkUrl(s.url) || s.events.empty()) return std::nullopt;
        return s;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

Subscription subscriptionFromRequest(const Poco::JSON::Object& body, const std::string& generatedId) {
    expectFields(body, {"id", "url", "secret", "events", "active"});
    Subscription s;
    s.id = present(body, "id") ? stringField(body, "id") : generatedId;
    require(checkSubscriptionId(s.id), "id");
    if (!present(body, "url")) throw ApiError::badRequest("'url' is required");
    s.url = stringField(body, "url");
    require(checkUrl(s.url), "url");
    if (!present(body, "secret")) throw ApiError::badRequest("'secret' is required");
    s.secret = stringField(body, "secret");
    require(checkSecret(s.secret), "secret");
    if (!present(body, "events")) throw ApiError::badRequest("'events' is required: a list of event types");
    s.events = eventsField(body);
    s.active = present(body, "active") ? boolField(body, "active") : true;
    return s;
}

std::int64_t applyPatch(Subscription& s, const Poco::JSON::Object& body) {
    expectFields(body, {"url", "secret", "events", "active", "version"});
    std::int64_t version = 0;
    if (present(body, "version")) {
        const Poco::Dynamic::Var value = body.get("version");
        if (value.isBoolean() || !value.isInteger()) throw ApiError::badRequest("'version' must be an integer");
        version = value.convert<Poco::Int64>();
    }
    if (present(body, "url")) {
        s.url = stringField(body, "url");
        require(checkUrl(s.url), "url");
    }
    if (present(body, "secret")) {
        s.secret = stringField(body, "secret");
        require(checkSecret(s.secret), "secret");
    }
    if (present(body, "events")) s.events = eventsField(body);
    if (present(body, "active")) s.active = boolField(body, "active");
    return version;
}

}  // namespace omnigate::crm
