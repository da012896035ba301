#include "daemon/admin_api.h"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace omnigate {

namespace {

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

}  // namespace

AdminApi::AdminApi(ConnectionPool& pool, MqttBus& bus, Metrics& metrics, PluginHealth& plugins, const FileStore& files)
    : pool_(pool), bus_(bus), metrics_(metrics), plugins_(plugins), files_(files) {}

void AdminApi::registerRoutes(Router& router) {
    router.add("GET", "/healthz", Access::open(),
               [](const HttpRequest&, const Actor&) { return HttpResponse::json(200, R"({"status":"ok"})"); });
    router.add("GET", "/readyz", Access::open(),
               [this](const HttpRequest&, const Actor& actor) { return readiness(actor.kind == "monitoring"); });
    router.add("GET", "/metrics", Access::monitoring(), [this](const HttpRequest&, const Actor&) {
        HttpResponse response;
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = metrics_.render();
        return response;
    });
}

HttpResponse AdminApi::readiness(bool details) {
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
    // Plugins report their own components (a paused webhook endpoint, an unreachable mailbox). They make the
    // daemon degraded, not unready: one CRM that is down must not take the daemon out of a load balancer's rotation
    // while it still takes every message.
    Poco::JSON::Array::Ptr degraded = new Poco::JSON::Array;
    for (const auto& [component, why] : plugins_.problems()) {
        checks->set(component, why);
        degraded->add(component + ": " + why);
    }
    // So is a clamd that does not answer: messages still come in, only files wait (refused, which providers retry)
    // or go unscanned, as files.antivirus.on_error says.
    if (files_.scans()) {
        const std::string why = files_.antivirusProblem();
        checks->set("antivirus", why.empty() ? "ok" : why);
        if (!why.empty()) degraded->add("antivirus: " + why);
    }
    // A load balancer needs only the status; which server is down, where, and what the plugins report is for
    // whoever holds the metrics token.
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (problems.empty()) {
        body->set("status", degraded->size() == 0 ? "ready" : "degraded");
        if (details && degraded->size() > 0) body->set("degraded", degraded);
        if (details) body->set("checks", checks);
        return HttpResponse::json(200, stringify(body));
    }
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    error->set("code", "not_ready");
    error->set("message", details ? problems : "not ready; the metrics token (http.metrics_token) shows why");
    body->set("error", error);
    if (details) body->set("checks", checks);
    return HttpResponse::json(503, stringify(body));
}

}  // namespace omnigate
