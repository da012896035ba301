#include "template_store.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <sstream>

#include "omnigate/sdk/api_error.h"

namespace omnigate::knowledge_base {

namespace {

const std::string templatePrefix = "template/";
const std::string allUses = "uses/all/";

std::string operatorPrefix(const std::string& operatorId) { return "uses/operator/" + operatorId + "/"; }
std::string queuePrefix(const std::string& queue) { return "uses/queue/" + queue + "/"; }

std::string now() { return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%iZ"); }

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::int64_t parseCount(const std::string& text) {
    try {
        return std::max<std::int64_t>(0, std::stoll(text));
    } catch (const std::exception&) {
        return 0;  // a damaged count restarts rather than failing every suggestion
    }
}

// A stored template; nothing when the state row is damaged (it is then skipped, not fatal).
std::optional<ResponseTemplate> parseStored(const std::string& json) {
    try {
        const auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
        ResponseTemplate t;
        t.id = o->getValue<std::string>("id");
        t.title = o->getValue<std::string>("title");
        t.text = o->getValue<std::string>("text");
        if (const auto queues = o->getArray("queues")) {
            for (std::size_t i = 0; i < queues->size(); ++i) t.queues.push_back(queues->getElement<std::string>(i));
        }
        t.version = o->getValue<std::int64_t>("version");
        t.createdAt = o->optValue<std::string>("created_at", "");
        t.updatedAt = o->optValue<std::string>("updated_at", "");
        return t;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

TemplateStore::TemplateStore(IntegrationHost& host, std::vector<ResponseTemplate> configured)
    : host_(host), configured_(std::move(configured)) {}

Poco::JSON::Object::Ptr TemplateStore::toJson(const ResponseTemplate& t) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", t.id);
    o->set("title", t.title);
    o->set("text", t.text);
    Poco::JSON::Array::Ptr queues = new Poco::JSON::Array;
    for (const std::string& q : t.queues) queues->add(q);
    o->set("queues", queues);
    o->set("origin", t.fromConfig ? "config" : "api");
    o->set("version", t.version);
    o->set("created_at", t.createdAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(t.createdAt));
    o->set("updated_at", t.updatedAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(t.updatedAt));
    return o;
}

const ResponseTemplate* TemplateStore::configured(const std::string& id) const {
    for (const ResponseTemplate& t : configured_) {
        if (t.id == id) return &t;
    }
    return nullptr;
}

std::optional<ResponseTemplate> TemplateStore::stored(const std::string& id) {
    const auto json = host_.loadState(templatePrefix + id);
    if (!json) return std::nullopt;
    return parseStored(*json);
}

std::vector<ResponseTemplate> TemplateStore::all() {
    std::vector<ResponseTemplate> templates = configured_;
    for (const auto& [key, json] : host_.listState(templatePrefix)) {
        auto t = parseStored(json);
        if (t && !configured(t->id)) templates.push_back(std::move(*t));
    }
    return templates;
}

std::optional<ResponseTemplate> TemplateStore::find(const std::string& id) {
    if (const ResponseTemplate* t = configured(id)) return *t;
    return stored(id);
}

ResponseTemplate TemplateStore::create(ResponseTemplate templ) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (configured(templ.id) || stored(templ.id)) {
        throw ApiError(409, "template_exists", "a template with the id '" + templ.id + "' exists already");
    }
    templ.fromConfig = false;
    templ.version = 1;
    templ.createdAt = templ.updatedAt = now();
    host_.saveState(templatePrefix + templ.id, stringify(toJson(templ)));
    return templ;
}

ResponseTemplate TemplateStore::editable(const std::string& id) {
    if (configured(id)) {
        throw ApiError(409, "template_read_only",
                       "the template '" + id + "' is defined in the configuration file; change it there");
    }
    auto current = stored(id);
    if (!current) throw ApiError::notFound("no template '" + id + "'");
    return *current;
}

ResponseTemplate TemplateStore::update(const std::string& id, const TemplateChanges& changes,
                                       std::optional<std::int64_t> expectedVersion) {
    std::lock_guard<std::mutex> lock(mutex_);
    ResponseTemplate t = editable(id);
    if (expectedVersion && *expectedVersion != t.version) {
        throw ApiError(409, "version_conflict",
                       "the template '" + id + "' is at version " + std::to_string(t.version) + ", not " +
                           std::to_string(*expectedVersion) + ": read it again and reapply the change");
    }
    if (changes.title) t.title = *changes.title;
    if (changes.text) t.text = *changes.text;
    if (changes.queues) t.queues = *changes.queues;
    ++t.version;
    t.updatedAt = now();
    host_.saveState(templatePrefix + id, stringify(toJson(t)));
    return t;
}

void TemplateStore::remove(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    editable(id);
    host_.eraseState(templatePrefix + id);
    const std::string suffix = "/" + id;
    for (const auto& [key, value] : host_.listState("uses/")) {
        if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
            host_.eraseState(key);
        }
    }
}

std::int64_t TemplateStore::increment(const std::string& key) {
    const auto current = host_.loadState(key);
    const std::int64_t next = (current ? parseCount(*current) : 0) + 1;
    host_.saveState(key, std::to_string(next));
    return next;
}

TemplateUses TemplateStore::recordUse(const std::string& id, const std::string& operatorId, const std::string& queue) {
    if (!find(id)) throw ApiError::notFound("no template '" + id + "'");
    std::lock_guard<std::mutex> lock(mutex_);
    TemplateUses uses;
    uses.total = increment(allUses + id);
    if (!operatorId.empty()) uses.byOperator = increment(operatorPrefix(operatorId) + id);
    if (!queue.empty()) uses.byQueue = increment(queuePrefix(queue) + id);
    return uses;
}

UseCounts TemplateStore::countsUnder(const std::string& prefix) {
    UseCounts counts;
    for (const auto& [key, value] : host_.listState(prefix)) counts[key.substr(prefix.size())] = parseCount(value);
    return counts;
}

UseCounts TemplateStore::usesByOperator(const std::string& operatorId) {
    return operatorId.empty() ? UseCounts{} : countsUnder(operatorPrefix(operatorId));
}

UseCounts TemplateStore::usesByQueue(const std::string& queue) {
    return queue.empty() ? UseCounts{} : countsUnder(queuePrefix(queue));
}

std::vector<PopularTemplate> TemplateStore::popular(const std::string& operatorId, const std::string& queue,
                                                    std::size_t limit) {
    UseCounts counts;
    if (operatorId.empty() && queue.empty()) {
        counts = countsUnder(allUses);
    } else {
        counts = usesByOperator(operatorId);
        for (const auto& [id, n] : usesByQueue(queue)) counts[id] += n;
    }
    std::vector<PopularTemplate> list;
    for (ResponseTemplate& t : all()) {
        // A template meant for other queues is no use to this queue's operators.
        if (!queue.empty() && !t.queues.empty() && std::find(t.queues.begin(), t.queues.end(), queue) == t.queues.end()) {
            continue;
        }
        const auto it = counts.find(t.id);
        list.push_back({std::move(t), it == counts.end() ? 0 : it->second});
    }
    std::stable_sort(list.begin(), list.end(), [](const PopularTemplate& a, const PopularTemplate& b) {
        return a.uses != b.uses ? a.uses > b.uses : a.templ.id < b.templ.id;
    });
    if (list.size() > limit) list.resize(limit);
    return list;
}

}  // namespace omnigate::knowledge_base
