#include "daemon/admin_api.h"

#include <Poco/JSON/Parser.h>

#include <sstream>

#include "omnigate/sdk/api_error.h"
#include "store/interaction_store.h"

namespace omnigate {

namespace {

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

// Compares in time independent of where the strings differ, so a token cannot be guessed byte by byte.
bool constantTimeEquals(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::int64_t interactionId(const HttpRequest& request) {
    const std::string text = request.param("id");
    try {
        std::size_t used = 0;
        const long long id = std::stoll(text, &used);
        if (used == text.size() && id > 0) return id;
    } catch (const std::exception&) {
    }
    throw ApiError::badRequest("'" + text + "' is not an interaction id");
}

}  // namespace

AdminApi::AdminApi(const DaemonConfig& config, ConnectionPool& pool, MqttBus& bus, Metrics& metrics,
                   MessageService& messages)
    : config_(config), pool_(pool), bus_(bus), metrics_(metrics), messages_(messages) {}

void AdminApi::requireAdmin(const HttpRequest& request) const {
    const std::string token = request.bearerToken();
    if (token.empty()) throw ApiError::unauthorized("this endpoint needs 'Authorization: Bearer <admin token>'");
    if (!constantTimeEquals(token, config_.adminToken)) throw ApiError::unauthorized("the API token is not valid");
}

void AdminApi::registerRoutes(Router& router) {
    router.add("GET", "/healthz", [](const HttpRequest&) { return HttpResponse::json(200, R"({"status":"ok"})"); });
    router.add("GET", "/readyz", [this](const HttpRequest&) { return readiness(); });
    router.add("GET", "/metrics", [this](const HttpRequest&) {
        HttpResponse response;
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = metrics_.render();
        return response;
    });
    router.add("POST", "/api/v1/interactions/{id}/messages", [this](const HttpRequest& r) { return reply(r); });
    router.add("GET", "/api/v1/interactions/{id}/messages", [this](const HttpRequest& r) { return listMessages(r); });
}

HttpResponse AdminApi::readiness() {
    Poco::JSON::Object::Ptr checks = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    std::string problems;
    std::string reason;
    if (pool_.ping(reason)) {
        checks->set("database", "ok");
    } else {
        checks->set("database", reason);
        problems += "database: " + reason;
    }
    if (bus_.connected()) {
        checks->set("mqtt", "ok");
    } else {
        const std::string why = "not connected to " + bus_.serverUri();
        checks->set("mqtt", why);
        problems += (problems.empty() ? "" : "; ") + std::string("mqtt: ") + why;
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (problems.empty()) {
        body->set("status", "ready");
        body->set("checks", checks);
        return HttpResponse::json(200, stringify(body));
    }
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    error->set("code", "not_ready");
    error->set("message", problems);
    body->set("error", error);
    body->set("checks", checks);
    return HttpResponse::json(503, stringify(body));
}

HttpResponse AdminApi::reply(const HttpRequest& request) {
    requireAdmin(request);
    const std::int64_t id = interactionId(request);
    std::string text;
    try {
        const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(request.body);
        const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
        if (!object->has("text") || !object->get("text").isString()) {
            throw ApiError::badRequest("the body needs a string field 'text'");
        }
        text = object->getValue<std::string>("text");
    } catch (const Poco::Exception& e) {
        throw ApiError::badRequest("the body is not a JSON object: " + e.displayText());
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw ApiError::badRequest("'text' is empty");
    return HttpResponse::json(201, stringify(toJson(messages_.reply(id, text))));
}

HttpResponse AdminApi::listMessages(const HttpRequest& request) {
    requireAdmin(request);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const StoredMessage& m : messages_.messagesOf(interactionId(request), 1000)) list->add(toJson(m));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("messages", list);
    return HttpResponse::json(200, stringify(body));
}

}  // namespace omnigate
