#include "api/routing_rules_api.h"

#include <Poco/JSON/Array.h>

#include <limits>
#include <sstream>

#include "api/api_support.h"
#include "model/routing_rule.h"
#include "omnigate/sdk/api_error.h"
#include "store/routing_facts_reader.h"
#include "store/routing_rule_store.h"

namespace omnigate {

namespace {

const char* const kNoMatch = "no active rule matches; the interaction goes to the first queue whose sources accept it";
constexpr std::size_t kMaxFactEntries = 1000;

Poco::JSON::Object::Ptr rulesJson(const std::vector<RoutingRule>& rules) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const RoutingRule& r : rules) array->add(r.toJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("rules", array);
    return body;
}

std::string number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// A list of JSON texts or ids from the dry run's facts; 400 naming `field[i]`.
Poco::JSON::Array::Ptr factList(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    const Poco::JSON::Array::Ptr array = body->getArray(field);
    if (!array) throw ApiError::badRequest("'" + field + "' must be a list");
    if (array->size() > kMaxFactEntries) {
        throw ApiError::badRequest("'" + field + "' has more than " + std::to_string(kMaxFactEntries) + " entries");
    }
    return array;
}

std::int64_t wholeNumber(const Poco::Dynamic::Var& value, const std::string& field, std::int64_t min,
                         std::int64_t max, const std::string& what) {
    std::int64_t n = 0;
    bool ok = !value.isEmpty() && !value.isBoolean() && value.isInteger();
    if (ok) {
        try {
            n = value.convert<std::int64_t>();
        } catch (const Poco::Exception&) {
            ok = false;
        }
    }
    if (!ok || n < min || n > max) throw ApiError::badRequest("'" + field + "' must be " + what);
    return n;
}

// The facts of an example interaction as the body gives them; everything is optional.
RoutingFacts factsFromBody(const Poco::JSON::Object::Ptr& body) {
    RoutingFacts facts;
    facts.channel = api::optionalString(body, "channel").value_or("");
    facts.account = api::optionalString(body, "account").value_or("");
    facts.text = api::optionalString(body, "text").value_or("");
    if (body->has("client_flags") && !body->isNull("client_flags")) {
        const auto flags = factList(body, "client_flags");
        for (std::size_t i = 0; i < flags->size(); ++i) {
            const Poco::Dynamic::Var flag = flags->get(static_cast<unsigned>(i));
            if (!flag.isString()) throw ApiError::badRequest("'client_flags[" + std::to_string(i) + "]' must be a string");
            facts.clientFlags.push_back(flag.extract<std::string>());
        }
    }
    if (body->has("card") && !body->isNull("card")) {
        const Poco::JSON::Object::Ptr card = body->getObject("card");
        if (!card) throw ApiError::badRequest("'card' must be an object of card fields and their values");
        for (const std::string& key : card->getNames()) {
            if (card->isNull(key)) continue;
            const Poco::Dynamic::Var value = card->get(key);
            if (card->isObject(key) || card->isArray(key)) {
                throw ApiError::badRequest("'card." + key + "' must be a text (or a number)");
            }
            facts.card[key] = value.convert<std::string>();
        }
    }
    if (body->has("topics") && !body->isNull("topics")) {
        const auto topics = factList(body, "topics");
        for (std::size_t i = 0; i < topics->size(); ++i) {
            facts.topics.push_back(wholeNumber(topics->get(static_cast<unsigned>(i)),
                                               "topics[" + std::to_string(i) + "]", 1,
                                               std::numeric_limits<std::int64_t>::max(), "a topic id (a positive integer)"));
        }
    }
    if (body->has("waited_seconds") && !body->isNull("waited_seconds")) {
        facts.waitedSeconds = static_cast<int>(wholeNumber(body->get("waited_seconds"), "waited_seconds", 0,
                                                           std::numeric_limits<int>::max(),
                                                           "a whole number of seconds, 0 or more"));
    }
    return facts;
}

Poco::JSON::Object::Ptr factsJson(const RoutingFacts& facts) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("channel", facts.channel);
    o->set("account", facts.account);
    Poco::JSON::Array::Ptr flags = new Poco::JSON::Array;
    for (const std::string& f : facts.clientFlags) flags->add(f);
    o->set("client_flags", flags);
    Poco::JSON::Object::Ptr card = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [key, value] : facts.card) card->set(key, value);
    o->set("card", card);
    Poco::JSON::Array::Ptr topics = new Poco::JSON::Array;
    for (const std::int64_t t : facts.topics) topics->add(t);
    o->set("topics", topics);
    o->set("text", facts.text);
    o->set("waited_seconds", facts.waitedSeconds);
    return o;
}

Poco::JSON::Object::Ptr traceJson(const RuleTrace& trace) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("rule_id", trace.ruleId);
    o->set("name", trace.name);
    o->set("matched", trace.matched);
    Poco::JSON::Array::Ptr reasons = new Poco::JSON::Array;
    for (const std::string& r : trace.reasons) reasons->add(r);
    o->set("reasons", reasons);
    return o;
}

int versionField(const Poco::JSON::Object::Ptr& body) {
    const std::int64_t version = api::requiredInt(body, "version");
    if (version < 1 || version > std::numeric_limits<int>::max()) {
        throw ApiError::badRequest("'version' must be the positive version you read");
    }
    return static_cast<int>(version);
}

}  // namespace

RoutingRulesApi::RoutingRulesApi(WriteBatcher& writer, ConnectionPool& pool,
                                 std::function<void()> rulesChanged)
    : writer_(writer), pool_(pool), rulesChanged_(std::move(rulesChanged)) {}

void RoutingRulesApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/routing-rules", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest&, const Actor&) { return list(); });
    router.add("POST", "/api/v1/routing-rules", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("PUT", "/api/v1/routing-rules/order", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return reorder(r); });
    router.add("POST", "/api/v1/routing-rules/dry-run", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return dryRun(r); });
    router.add("GET", "/api/v1/routing-rules/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/routing-rules/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("DELETE", "/api/v1/routing-rules/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse RoutingRulesApi::list() {
    const auto rules = api::readWith<std::vector<RoutingRule>>(
        pool_, "the routing rules", [](DbSession& session) { return RoutingRuleStore(session).all(); });
    return api::jsonResponse(200, rulesJson(rules));
}

HttpResponse RoutingRulesApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto rule = api::readWith<std::optional<RoutingRule>>(
        pool_, "the routing rule", [&](DbSession& session) { return RoutingRuleStore(session).find(id); });
    if (!rule) throw ApiError::notFound("no routing rule " + std::to_string(id));
    return api::jsonResponse(200, rule->toJson());
}

HttpResponse RoutingRulesApi::create(const HttpRequest& request) {
    Poco::JSON::Object::Ptr body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name", "active", "conditions", "actions", "position"}, "a routing rule");
    const auto position = api::optionalInt(body, "position");
    if (position && (*position < 1 || *position > std::numeric_limits<int>::max())) {
        throw ApiError::badRequest("'position' must be 1 or more (1 puts the rule first); leave it out to append");
    }
    body->remove("position");
    RoutingRule rule = RoutingRule::parse(body);
    rule.position = static_cast<int>(position.value_or(0));
    RoutingRule created;
    writer_.run([&](DbSession& session) { created = RoutingRuleStore(session).create(rule); });
    rulesChanged_();
    return api::jsonResponse(201, created.toJson());
}

HttpResponse RoutingRulesApi::update(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    Poco::JSON::Object::Ptr body = api::parseBody(request);
    api::rejectUnknownFields(body, {"version", "name", "active", "conditions", "actions"}, "this request");
    const int version = versionField(body);
    body->remove("version");
    if (body->size() == 0) {
        throw ApiError::badRequest("the body changes nothing: give 'name', 'active', 'conditions' and/or 'actions'");
    }
    RoutingRule updated;
    writer_.run([&](DbSession& session) { updated = RoutingRuleStore(session).update(id, body, version); });
    rulesChanged_();
    return api::jsonResponse(200, updated.toJson());
}

HttpResponse RoutingRulesApi::remove(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    writer_.run([&](DbSession& session) { RoutingRuleStore(session).remove(id); });
    rulesChanged_();
    return api::noContent();
}

HttpResponse RoutingRulesApi::reorder(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"ids"}, "this request");
    if (!body->has("ids") || body->isNull("ids")) {
        throw ApiError::badRequest("'ids' is required: every routing rule's id, in the new order");
    }
    const Poco::JSON::Array::Ptr array = body->getArray("ids");
    if (!array) throw ApiError::badRequest("'ids' must be a list of routing rule ids");
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < array->size(); ++i) {
        ids.push_back(wholeNumber(array->get(static_cast<unsigned>(i)), "ids[" + std::to_string(i) + "]", 1,
                                  std::numeric_limits<std::int64_t>::max(), "a routing rule id (a positive integer)"));
    }
    std::vector<RoutingRule> ordered;
    writer_.run([&](DbSession& session) { ordered = RoutingRuleStore(session).reorder(ids); });
    rulesChanged_();
    return api::jsonResponse(200, rulesJson(ordered));
}

HttpResponse RoutingRulesApi::dryRun(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body,
                             {"interaction_id", "channel", "account", "client_flags", "card", "topics", "text",
                              "waited_seconds"},
                             "a dry run (give 'interaction_id' or the facts of an example interaction)");
    const auto interactionId = api::optionalInt(body, "interaction_id");
    if (interactionId) {
        if (*interactionId <= 0) throw ApiError::badRequest("'interaction_id' must be a positive integer");
        if (body->size() > 1) {
            throw ApiError::badRequest("give either 'interaction_id' or the facts of an example interaction, not both");
        }
    }
    RoutingFacts facts;
    if (!interactionId) facts = factsFromBody(body);

    struct Read {
        std::vector<RoutingRule> rules;
        std::optional<RoutingFacts> facts;
    };
    const Read read = api::readWith<Read>(pool_, "the routing rules", [&](DbSession& session) {
        Read r;
        r.rules = RoutingRuleStore(session).all();
        if (interactionId) r.facts = RoutingFactsReader(session).read(*interactionId);
        return r;
    });
    if (interactionId) {
        if (!read.facts) throw ApiError::notFound("no interaction " + std::to_string(*interactionId));
        facts = *read.facts;
    }

    const RuleEvaluation evaluation = evaluateRules(read.rules, facts);
    Poco::JSON::Object::Ptr answer = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (evaluation.matched) {
        const RoutingRule& rule = *evaluation.matched;
        const int priority = rule.actions.priority.value_or(0);
        answer->set("matched", rule.toJson());
        answer->set("queue", rule.actions.queue);
        answer->set("priority", priority);
        answer->set("priority_per_minute", rule.actions.priorityPerMinute);
        answer->set("explanation", "rule " + std::to_string(rule.id) + " ('" + rule.name +
                                       "') matches: the interaction goes to queue '" + rule.actions.queue +
                                       "' with priority " + std::to_string(priority) +
                                       (rule.actions.priorityPerMinute > 0
                                            ? ", plus " + number(rule.actions.priorityPerMinute) +
                                                  " per minute of waiting (at most 100)"
                                            : std::string()));
    } else {
        answer->set("matched", Poco::Dynamic::Var());
        answer->set("queue", Poco::Dynamic::Var());
        answer->set("priority", Poco::Dynamic::Var());
        answer->set("priority_per_minute", Poco::Dynamic::Var());
        answer->set("explanation", std::string(kNoMatch));
    }
    Poco::JSON::Array::Ptr trace = new Poco::JSON::Array;
    for (const RuleTrace& t : evaluation.trace) trace->add(traceJson(t));
    answer->set("trace", trace);
    Poco::JSON::Object::Ptr factsOut = factsJson(facts);
    if (interactionId) factsOut->set("interaction_id", *interactionId);
    answer->set("facts", factsOut);
    return api::jsonResponse(200, answer);
}

}  // namespace omnigate
