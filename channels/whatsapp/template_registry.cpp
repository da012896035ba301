#include "template_registry.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <sstream>

#include "omnigate/sdk/api_error.h"

namespace omnigate::whatsapp {

namespace {

constexpr const char* prefix = "template/";

std::string key(const std::string& name, const std::string& language) { return prefix + name + "/" + language; }

std::string toText(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string now() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%iZ");
}

Poco::JSON::Object::Ptr bodyOf(const HttpRequest& request) {
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(request.body);
    } catch (const Poco::Exception& e) {
        throw ApiError::badRequest("the request body is not valid JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw ApiError::badRequest("the request body must be a JSON object ({...})");
    }
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

HttpResponse jsonOf(int status, const WhatsappTemplate& t) {
    return HttpResponse::json(status, toText(*templateToJson(t)));
}

}  // namespace

void TemplateRegistry::registerRoutes() {
    // Operators read them (the picker when the 24-hour window is closed); business administrators keep them.
    const RouteAccess read{Permission::CatalogsRead};
    const RouteAccess write{Permission::CatalogsWrite};
    const std::string one = "/api/v1/whatsapp/templates/{name}/{language}";
    host_.addGuardedRoute("GET", "/api/v1/whatsapp/templates", read, route(&TemplateRegistry::list));
    host_.addGuardedRoute("POST", "/api/v1/whatsapp/templates", write, route(&TemplateRegistry::create));
    host_.addGuardedRoute("GET", one, read, route(&TemplateRegistry::get));
    host_.addGuardedRoute("PUT", one, write, route(&TemplateRegistry::replace));
    host_.addGuardedRoute("DELETE", one, write, route(&TemplateRegistry::remove));
}

HttpHandler TemplateRegistry::route(HttpResponse (TemplateRegistry::*handler)(const HttpRequest&)) {
    return [this, handler](const HttpRequest& request) { return (this->*handler)(request); };
}

std::optional<WhatsappTemplate> TemplateRegistry::find(const std::string& name, const std::string& language) {
    if (!isTemplateName(name) || !isLanguageCode(language)) return std::nullopt;
    const std::optional<std::string> stored = host_.loadState(key(name, language));
    if (!stored) return std::nullopt;
    std::optional<WhatsappTemplate> t = templateFromStored(*stored);
    if (!t) host_.log(LogLevel::Error, "whatsapp: the stored template " + name + "/" + language + " is damaged");
    return t;
}

void TemplateRegistry::save(const WhatsappTemplate& t) {
    Poco::JSON::Object::Ptr o = templateToJson(t);
    o->remove("parameter_count");  // derived from the body
    host_.saveState(key(t.name, t.language), toText(*o));
}

WhatsappTemplate TemplateRegistry::existing(const HttpRequest& request) {
    const std::string name = request.param("name");
    const std::string language = request.param("language");
    std::optional<WhatsappTemplate> t = find(name, language);
    if (!t) throw ApiError::notFound("no WhatsApp template '" + name + "' in language '" + language + "'");
    return *t;
}

ReviewOutcome TemplateRegistry::applyReview(const std::string& name, const std::string& language,
                                            const std::string& status, const std::set<std::string>& signers) {
    std::lock_guard<std::mutex> lock(writeMutex_);
    std::optional<WhatsappTemplate> t = find(name, language);
    if (!t) return ReviewOutcome::NotRegistered;
    if (std::none_of(signers.begin(), signers.end(), [&](const std::string& a) { return t->usableBy(a); })) {
        return ReviewOutcome::NotTheSigners;
    }
    if (t->status == status) return ReviewOutcome::Applied;
    t->status = status;
    ++t->version;
    t->updatedAt = now();
    save(*t);
    return ReviewOutcome::Applied;
}

HttpResponse TemplateRegistry::list(const HttpRequest& request) {
    const std::string status = request.queryParam("status");
    const std::string account = request.queryParam("account");
    Poco::JSON::Array::Ptr templates = new Poco::JSON::Array;
    for (const auto& [stateKey, value] : host_.listState(prefix)) {
        const std::optional<WhatsappTemplate> t = templateFromStored(value);
        if (!t) {
            host_.log(LogLevel::Error, "whatsapp: the stored template " + stateKey + " is damaged: left out");
            continue;
        }
        if (!status.empty() && t->status != status) continue;
        if (!account.empty() && !t->usableBy(account)) continue;
        templates->add(templateToJson(*t));
    }
    Poco::JSON::Object reply(Poco::JSON_PRESERVE_KEY_ORDER);
    reply.set("templates", templates);
    return HttpResponse::json(200, toText(reply));
}

HttpResponse TemplateRegistry::create(const HttpRequest& request) {
    WhatsappTemplate t = templateFromRequest(*bodyOf(request), std::nullopt, std::nullopt);
    std::lock_guard<std::mutex> lock(writeMutex_);
    if (host_.loadState(key(t.name, t.language))) {
        throw ApiError(409, "template_exists", "the WhatsApp template '" + t.name + "' in language '" + t.language +
                                                   "' exists already: change it with PUT");
    }
    t.version = 1;
    t.createdAt = t.updatedAt = now();
    save(t);
    HttpResponse response = jsonOf(201, t);
    response.headers.emplace_back("Location", "/api/v1/whatsapp/templates/" + t.name + "/" + t.language);
    return response;
}

HttpResponse TemplateRegistry::get(const HttpRequest& request) { return jsonOf(200, existing(request)); }

HttpResponse TemplateRegistry::replace(const HttpRequest& request) {
    WhatsappTemplate t = templateFromRequest(*bodyOf(request), request.param("name"), request.param("language"));
    std::lock_guard<std::mutex> lock(writeMutex_);
    const WhatsappTemplate current = existing(request);
    if (t.version != 0 && t.version != current.version) {
        throw ApiError(409, "version_conflict", "the template is at version " + std::to_string(current.version) +
                                                    ", not " + std::to_string(t.version) +
                                                    ": someone changed it meanwhile; read it again");
    }
    t.version = current.version + 1;
    t.createdAt = current.createdAt;
    t.updatedAt = now();
    save(t);
    return jsonOf(200, t);
}

HttpResponse TemplateRegistry::remove(const HttpRequest& request) {
    std::lock_guard<std::mutex> lock(writeMutex_);
    const WhatsappTemplate current = existing(request);
    host_.eraseState(key(current.name, current.language));
    HttpResponse response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

}  // namespace omnigate::whatsapp
