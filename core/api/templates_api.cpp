#include "api/templates_api.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

#include "api/api_support.h"
#include "api/files_api.h"
#include "model/routing_fields.h"
#include "model/template_search.h"
#include "model/template_text.h"
#include "omnigate/sdk/api_error.h"
#include "store/operator_store.h"
#include "store/response_template_store.h"

namespace omnigate {

namespace {

const std::set<std::string> kListQuery{"q", "catalog_id", "queue", "channel", "limit"};

// The operator the caller works as (the admin token naming one with X-Omnigate-Actor too); empty for everyone else.
std::string operatorOf(const Actor& actor) { return actor.kind == "operator" ? actor.id : actor.operatorId; }

void refuseQuery(const HttpRequest& request, const std::set<std::string>& known) {
    for (const auto& [name, value] : request.query) {
        if (!known.count(name)) throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
}

// Personal templates are their operator's alone: a supervisor holds the route's permission for every operator,
// but not this. The admin token may, for the move of old templates and for repairs.
std::string personalOwner(const HttpRequest& request, const Actor& actor) {
    const std::string owner = request.param("id");
    routing_fields::checkId(owner, "id");
    if (actor.kind != "admin" && operatorOf(actor) != owner) {
        throw ApiError(403, "forbidden", "personal templates are seen and changed by their own operator only");
    }
    return owner;
}

bool intersects(const std::vector<std::string>& wanted, const std::vector<std::string>& held) {
    return wanted.empty() ||
           std::any_of(wanted.begin(), wanted.end(),
                       [&](const std::string& w) { return std::find(held.begin(), held.end(), w) != held.end(); });
}

// The queues (through their groups) and channels (with capacity) an operator works in: the shared templates offered
// to them are those of these.
struct Workplace {
    std::vector<std::string> queues, channels;

    bool offers(const ResponseTemplate& t) const {
        return intersects(t.queues, queues) && intersects(t.channels, channels);
    }
};

Workplace workplaceOf(DbSession& session, const std::string& operatorId) {
    Workplace out;
    out.queues = ResponseTemplateStore(session).queuesOf(operatorId);
    if (const auto op = OperatorStore(session).find(operatorId)) {
        for (const auto& [type, capacity] : op->capacities) {
            if (capacity > 0) out.channels.push_back(type);
        }
    }
    return out;
}

Poco::JSON::Object::Ptr listBody(const std::vector<TemplateSearch::Hit>& hits) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const TemplateSearch::Hit& hit : hits) {
        Poco::JSON::Object::Ptr item = hit.templ->toJson();
        item->set("uses", hit.uses);
        items->add(item);
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("templates", items);
    return body;
}

}  // namespace

void TemplatesApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/templates", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest& r, const Actor& a) { return list(r, a); });
    router.add("POST", "/api/v1/templates", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r, ""); });
    router.add("GET", "/api/v1/templates/{id}", Access::needs(Permission::CatalogsRead),
               [this](const HttpRequest& r, const Actor& a) { return get(r, a); });
    router.add("PATCH", "/api/v1/templates/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return update(r, "", "id"); });
    router.add("DELETE", "/api/v1/templates/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r, "", "id"); });
    const Access own = Access::needs(Permission::OperatorsStatus, Ownership::Operator);
    router.add("GET", "/api/v1/operators/{id}/templates", own, [this](const HttpRequest& r, const Actor& a) {
        personalOwner(r, a);
        return personal(r);
    });
    router.add("POST", "/api/v1/operators/{id}/templates", own,
               [this](const HttpRequest& r, const Actor& a) { return create(r, personalOwner(r, a)); });
    router.add("PATCH", "/api/v1/operators/{id}/templates/{template}", own,
               [this](const HttpRequest& r, const Actor& a) { return update(r, personalOwner(r, a), "template"); });
    router.add("DELETE", "/api/v1/operators/{id}/templates/{template}", own,
               [this](const HttpRequest& r, const Actor& a) { return remove(r, personalOwner(r, a), "template"); });
    router.add("GET", "/api/v1/interactions/{id}/templates/{template}/rendered",
               Access::needs(Permission::InteractionsRead, Ownership::Interaction),
               [this](const HttpRequest& r, const Actor& a) { return rendered(r, a); });
    router.add("POST", "/api/v1/interactions/{id}/templates/{template}/uses",
               Access::needs(Permission::InteractionsHandle, Ownership::Interaction),
               [this](const HttpRequest& r, const Actor& a) { return used(r, a); });
}

HttpResponse TemplatesApi::list(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, kListQuery);
    const std::string query = request.queryParam("q");
    if (query.size() > 1000) throw ApiError::badRequest("'q' is longer than 1000 bytes");
    const std::int64_t catalogId = api::queryInt(request, "catalog_id").value_or(0);
    const std::string queue = request.queryParam("queue");
    if (!queue.empty()) routing_fields::checkId(queue, "queue");
    const std::string channel = request.queryParam("channel");
    const std::size_t limit = api::queryLimit(request, 50, 500);
    const std::string self = operatorOf(actor);

    const std::shared_ptr<const TemplateSearch> shared = sharedIndex();
    std::vector<ResponseTemplate> personal;
    Workplace workplace;
    TemplateUseCounts uses;
    api::readWith<bool>(pool_, "the templates", [&](DbSession& session) {
        ResponseTemplateStore store(session);
        if (!self.empty()) {
            TemplateScope scope;
            scope.onlyPersonal = true;
            scope.personalOf = self;
            personal = store.list(scope);
            workplace = workplaceOf(session, self);
        }
        uses = store.useCounts(self, queue);
        return true;
    });
    const TemplateSearch::Admit admit = [&](const ResponseTemplate& t) {
        if (catalogId != 0 && t.catalogId != catalogId) return false;
        if (!queue.empty() && !intersects(t.queues, {queue})) return false;
        if (!channel.empty() && !intersects(t.channels, {channel})) return false;
        // An operator is offered the shared templates of the queues and channels they work in.
        return self.empty() || !t.owner.empty() || workplace.offers(t);
    };
    std::vector<TemplateSearch::Hit> hits = shared->find(query, uses, limit, admit);
    const TemplateSearch own(std::move(personal));
    for (const TemplateSearch::Hit& hit : own.find(query, uses, limit, admit)) hits.push_back(hit);
    std::sort(hits.begin(), hits.end(), TemplateSearch::ranksBefore);
    if (hits.size() > limit) hits.resize(limit);
    return api::jsonResponse(200, listBody(hits));
}

std::shared_ptr<const TemplateSearch> TemplatesApi::sharedIndex() {
    std::uint64_t generation = 0;
    {
        std::lock_guard<std::mutex> lock(indexMutex_);
        if (index_ && std::chrono::steady_clock::now() - indexedAt_ < kIndexFresh) return index_;
        generation = generation_;
    }
    auto templates = api::readWith<std::vector<ResponseTemplate>>(
        pool_, "the templates", [](DbSession& session) { return ResponseTemplateStore(session).list({}); });
    auto built = std::make_shared<const TemplateSearch>(std::move(templates));
    std::lock_guard<std::mutex> lock(indexMutex_);
    if (generation == generation_) {
        index_ = built;
        indexedAt_ = std::chrono::steady_clock::now();
    }
    return built;
}

void TemplatesApi::dropIndex() {
    std::lock_guard<std::mutex> lock(indexMutex_);
    index_.reset();
    ++generation_;
}

ResponseTemplate TemplatesApi::visible(std::int64_t id, const Actor& actor) {
    const std::string self = operatorOf(actor);
    // What the list would offer, and nothing more: an operator's own, and the shared ones of their workplace.
    const auto found = api::readWith<std::optional<ResponseTemplate>>(pool_, "the template", [&](DbSession& session) {
        std::optional<ResponseTemplate> t = ResponseTemplateStore(session).find(id);
        if (t && t->owner.empty() && !self.empty() && !workplaceOf(session, self).offers(*t)) t.reset();
        return t;
    });
    if (!found || (!found->owner.empty() && found->owner != self)) {
        throw ApiError::notFound("no template " + std::to_string(id));
    }
    return *found;
}

HttpResponse TemplatesApi::get(const HttpRequest& request, const Actor& actor) {
    return api::jsonResponse(200, visible(api::pathId(request), actor).toJson());
}

HttpResponse TemplatesApi::personal(const HttpRequest& request) {
    TemplateScope scope;
    scope.onlyPersonal = true;
    scope.personalOf = request.param("id");
    const auto templates = api::readWith<std::vector<ResponseTemplate>>(
        pool_, "the templates", [&](DbSession& session) { return ResponseTemplateStore(session).list(scope); });
    const TemplateSearch search(templates);
    return api::jsonResponse(200, listBody(search.find("", {}, templates.size())));
}

HttpResponse TemplatesApi::create(const HttpRequest& request, const std::string& owner) {
    ResponseTemplate draft = ResponseTemplate::parse(api::parseBody(request));
    draft.owner = owner;
    ResponseTemplate created;
    writer_.run([&](DbSession& session) {
        if (!owner.empty() && !OperatorStore(session).find(owner)) {
            throw ApiError::notFound("no operator '" + owner + "'");
        }
        admitFiles(session, draft);
        created = ResponseTemplateStore(session).create(draft);
    });
    if (owner.empty()) dropIndex();
    return api::jsonResponse(201, created.toJson());
}

void TemplatesApi::admitFiles(DbSession& session, const ResponseTemplate& templ) {
    sql::PreparedStatement& q = session.prepare("SELECT content_type FROM files WHERE id = ?");
    for (std::size_t i = 0; i < templ.files.size(); ++i) {
        q.setString(1, templ.files[i]);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) continue;  // the store's check says it is missing
        const std::string type = mediaTypeOf(rs->getString(1));
        if (!files_.allowedTypes().admits(FileUse::Template, type)) {
            throw ApiError(415, "type_not_allowed",
                           "'files[" + std::to_string(i) + "]': files of type " + type +
                               " are not allowed in templates (files.allowed_types.template)");
        }
    }
}

HttpResponse TemplatesApi::update(const HttpRequest& request, const std::string& owner, const std::string& idParam) {
    const std::int64_t id = api::pathId(request, idParam);
    Poco::JSON::Object::Ptr body = api::parseBody(request);
    std::optional<int> expected;
    if (body->has("version")) {
        expected = static_cast<int>(routing_fields::optionalInt(body, "version", "version", 1, 1 << 30).value_or(0));
        body->remove("version");
    }
    ResponseTemplate updated;
    writer_.run([&](DbSession& session) {
        ResponseTemplateStore store(session);
        auto current = store.find(id, true);
        if (!current || current->owner != owner) throw ApiError::notFound("no template " + std::to_string(id));
        current->apply(body);
        admitFiles(session, *current);
        updated = store.update(*current, expected);
    });
    if (owner.empty()) dropIndex();
    return api::jsonResponse(200, updated.toJson());
}

HttpResponse TemplatesApi::remove(const HttpRequest& request, const std::string& owner, const std::string& idParam) {
    const std::int64_t id = api::pathId(request, idParam);
    writer_.run([&](DbSession& session) {
        ResponseTemplateStore store(session);
        const auto current = store.find(id, true);
        if (!current || current->owner != owner) throw ApiError::notFound("no template " + std::to_string(id));
        store.remove(*current);
    });
    if (owner.empty()) dropIndex();
    return api::noContent();
}

HttpResponse TemplatesApi::rendered(const HttpRequest& request, const Actor& actor) {
    const std::int64_t interactionId = api::pathId(request);
    const ResponseTemplate templ = visible(api::pathId(request, "template"), actor);
    const auto context = api::readWith<std::optional<TemplateContext>>(pool_, "the interaction", [&](DbSession& s) {
        return ResponseTemplateStore(s).context(interactionId, operatorOf(actor));
    });
    if (!context) throw ApiError::notFound("no interaction " + std::to_string(interactionId));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("template_id", templ.id);
    body->set("interaction_id", interactionId);
    body->set("title", templ.title);
    body->set("text", renderTemplate(templ.text, context->values, isResponseTemplateVariable));
    Poco::JSON::Array::Ptr files = new Poco::JSON::Array;
    for (const std::string& file : templ.files) files->add(file);
    body->set("files", files);
    // What the composer shows and sends with the text: each file's name and type (a reply may carry a shared
    // template's files, whoever uploaded them). One the antivirus quarantined is left out.
    Poco::JSON::Array::Ptr attachments = new Poco::JSON::Array;
    for (const Attachment& file : files_.sendable(templ.files)) attachments->add(toJson(file));
    body->set("attachments", attachments);
    return api::jsonResponse(200, body);
}

HttpResponse TemplatesApi::used(const HttpRequest& request, const Actor& actor) {
    const std::int64_t interactionId = api::pathId(request);
    const ResponseTemplate templ = visible(api::pathId(request, "template"), actor);
    writer_.run([&](DbSession& session) {
        ResponseTemplateStore store(session);
        const auto context = store.context(interactionId, operatorOf(actor));
        if (!context) throw ApiError::notFound("no interaction " + std::to_string(interactionId));
        store.recordUse(templ.id, context->operatorId, context->queue, interactionId);
    });
    return api::noContent();
}

}  // namespace omnigate
