#include "template_api.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <set>
#include <sstream>

#include "omnigate/sdk/api_error.h"
#include "utf8_text.h"

namespace omnigate::knowledge_base {

namespace {

const std::string base = "/api/v1/integrations/knowledge-base/templates";

Poco::JSON::Object::Ptr parseBody(const std::string& body, bool emptyIsObject) {
    if (emptyIsObject && isBlank(body)) return new Poco::JSON::Object;
    try {
        const Poco::Dynamic::Var v = Poco::JSON::Parser().parse(body);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw ApiError::badRequest("the request body is not JSON: " + e.displayText());
    }
    throw ApiError::badRequest("the request body must be a JSON object");
}

void allowFields(const Poco::JSON::Object& body, std::initializer_list<const char*> allowed) {
    const std::set<std::string> known(allowed.begin(), allowed.end());
    for (const auto& [name, value] : body) {
        if (known.count(name) == 0) throw ApiError::badRequest("unknown field '" + name + "'");
    }
}

std::optional<std::string> optionalString(const Poco::JSON::Object& body, const std::string& field) {
    if (!body.has(field) || body.isNull(field)) return std::nullopt;
    const Poco::Dynamic::Var v = body.get(field);
    if (!v.isString()) throw ApiError::badRequest("'" + field + "' must be a string");
    return v.extract<std::string>();
}

std::string checkedTitle(const std::string& title) {
    if (isBlank(title) || !isValidUtf8(title) || utf8Length(title) > maxTitleCharacters) {
        throw ApiError::badRequest("'title' must be 1 to " + std::to_string(maxTitleCharacters) + " characters");
    }
    return title;
}

std::string checkedText(const std::string& text) {
    if (isBlank(text) || !isValidUtf8(text) || text.size() > maxTextBytes) {
        throw ApiError::badRequest("'text' must be 1 to " + std::to_string(maxTextBytes) + " bytes (UTF-8)");
    }
    return text;
}

std::string checkedId(const std::string& id, const std::string& field) {
    if (!isValidId(id)) {
        throw ApiError::badRequest("'" + field + "' must be 1-64 lower-case letters, digits, '_', '.' or '-', not '" +
                                   id + "'");
    }
    return id;
}

std::optional<std::vector<std::string>> optionalQueues(const Poco::JSON::Object& body) {
    if (!body.has("queues") || body.isNull("queues")) return std::nullopt;
    const Poco::Dynamic::Var v = body.get("queues");
    if (v.type() != typeid(Poco::JSON::Array::Ptr)) throw ApiError::badRequest("'queues' must be an array of queue ids");
    std::vector<std::string> queues;
    const Poco::JSON::Array::Ptr array = v.extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) {
        const Poco::Dynamic::Var q = array->get(static_cast<unsigned>(i));
        if (!q.isString()) throw ApiError::badRequest("'queues' must be an array of queue ids");
        queues.push_back(checkedId(q.extract<std::string>(), "queues[" + std::to_string(i) + "]"));
    }
    return queues;
}

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::string queryValue(const HttpRequest& request, const std::string& name) {
    const std::string value = request.queryParam(name);
    return value.empty() ? value : checkedId(value, name);
}

}  // namespace

void TemplateApi::registerRoutes() {
    // Operators read the templates and count a use when they send one (the count only orders what is suggested
    // first); business administrators write them.
    const RouteAccess read{Permission::CatalogsRead};
    const RouteAccess write{Permission::CatalogsWrite};
    host_.addGuardedRoute("GET", base, read, [this](const HttpRequest& r) { return list(r); });
    host_.addGuardedRoute("POST", base, write, [this](const HttpRequest& r) { return create(r); });
    host_.addGuardedRoute("GET", base + "/popular", read, [this](const HttpRequest& r) { return popular(r); });
    host_.addGuardedRoute("PATCH", base + "/{id}", write, [this](const HttpRequest& r) { return update(r); });
    host_.addGuardedRoute("DELETE", base + "/{id}", write, [this](const HttpRequest& r) { return remove(r); });
    host_.addGuardedRoute("POST", base + "/{id}/used", read, [this](const HttpRequest& r) { return used(r); });
}

HttpResponse TemplateApi::list(const HttpRequest& /*request*/) {
    Poco::JSON::Array::Ptr templates = new Poco::JSON::Array;
    for (const ResponseTemplate& t : store_.all()) templates->add(TemplateStore::toJson(t));
    Poco::JSON::Object::Ptr reply = new Poco::JSON::Object;
    reply->set("templates", templates);
    return HttpResponse::json(200, stringify(reply));
}

HttpResponse TemplateApi::create(const HttpRequest& request) {
    const Poco::JSON::Object::Ptr body = parseBody(request.body, false);
    allowFields(*body, {"id", "title", "text", "queues"});
    ResponseTemplate t;
    const auto id = optionalString(*body, "id");
    t.id = id ? checkedId(*id, "id")
              : "t-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 13);
    const auto title = optionalString(*body, "title");
    if (!title) throw ApiError::badRequest("'title' is required");
    t.title = checkedTitle(*title);
    const auto text = optionalString(*body, "text");
    if (!text) throw ApiError::badRequest("'text' is required");
    t.text = checkedText(*text);
    t.queues = optionalQueues(*body).value_or(std::vector<std::string>{});
    return HttpResponse::json(201, stringify(TemplateStore::toJson(store_.create(std::move(t)))));
}

HttpResponse TemplateApi::update(const HttpRequest& request) {
    const std::string id = checkedId(request.param("id"), "id");
    const Poco::JSON::Object::Ptr body = parseBody(request.body, false);
    allowFields(*body, {"title", "text", "queues", "version"});
    TemplateChanges changes;
    if (const auto title = optionalString(*body, "title")) changes.title = checkedTitle(*title);
    if (const auto text = optionalString(*body, "text")) changes.text = checkedText(*text);
    changes.queues = optionalQueues(*body);
    std::optional<std::int64_t> version;
    if (body->has("version") && !body->isNull("version")) {
        const Poco::Dynamic::Var v = body->get("version");
        if (!v.isInteger() || v.type() == typeid(bool)) throw ApiError::badRequest("'version' must be an integer");
        version = v.convert<std::int64_t>();
    }
    return HttpResponse::json(200, stringify(TemplateStore::toJson(store_.update(id, changes, version))));
}

HttpResponse TemplateApi::remove(const HttpRequest& request) {
    store_.remove(checkedId(request.param("id"), "id"));
    HttpResponse reply;
    reply.status = 204;
    reply.contentType.clear();
    return reply;
}

HttpResponse TemplateApi::used(const HttpRequest& request) {
    const std::string id = checkedId(request.param("id"), "id");
    const Poco::JSON::Object::Ptr body = parseBody(request.body, true);
    allowFields(*body, {"operator_id", "queue"});
    const auto op = optionalString(*body, "operator_id");
    const auto queue = optionalString(*body, "queue");
    const TemplateUses uses = store_.recordUse(id, op ? checkedId(*op, "operator_id") : "",
                                               queue ? checkedId(*queue, "queue") : "");
    Poco::JSON::Object::Ptr reply = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    reply->set("template_id", id);
    reply->set("uses", uses.total);
    reply->set("operator_uses", op ? Poco::Dynamic::Var(uses.byOperator) : Poco::Dynamic::Var());
    reply->set("queue_uses", queue ? Poco::Dynamic::Var(uses.byQueue) : Poco::Dynamic::Var());
    return HttpResponse::json(200, stringify(reply));
}

HttpResponse TemplateApi::popular(const HttpRequest& request) {
    const std::string op = queryValue(request, "operator_id");
    const std::string queue = queryValue(request, "queue");
    std::size_t limit = 10;
    const std::string limitText = request.queryParam("limit");
    if (!limitText.empty()) {
        const bool digits = limitText.size() <= 3 && limitText.find_first_not_of("0123456789") == std::string::npos;
        const int value = digits ? std::stoi(limitText) : 0;
        if (value < 1 || value > 100) {
            throw ApiError::badRequest("'limit' must be a whole number from 1 to 100, got '" + limitText + "'");
        }
        limit = static_cast<std::size_t>(value);
    }
    Poco::JSON::Array::Ptr templates = new Poco::JSON::Array;
    for (const PopularTemplate& p : store_.popular(op, queue, limit)) {
        Poco::JSON::Object::Ptr item = TemplateStore::toJson(p.templ);
        item->set("uses", p.uses);
        templates->add(item);
    }
    Poco::JSON::Object::Ptr reply = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    reply->set("operator_id", op.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(op));
    reply->set("queue", queue.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(queue));
    reply->set("templates", templates);
    return HttpResponse::json(200, stringify(reply));
}

}  // namespace omnigate::knowledge_base
