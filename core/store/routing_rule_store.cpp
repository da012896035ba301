#include "store/routing_rule_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/routing-rules/events";
const CatalogTable kCatalog{"routing_rules", kEventTopic};

const char* const kColumns =
    "SELECT id, position, name, active, conditions, actions, version, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM routing_rules ";

std::string isoOf(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

Poco::Dynamic::Var parseColumn(const std::string& text) {
    if (text.empty()) return Poco::Dynamic::Var();
    return Poco::JSON::Parser().parse(text);
}

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::string idList(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (const std::int64_t id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
    return out;
}

RoutingRule readRule(sql::ResultSet& rs) {
    RoutingRule rule;
    const std::string name = rs.getString(3);
    // The columns hold what RoutingRule::toJson wrote; parsing them again keeps one definition of a valid rule.
    // A row edited by hand into something invalid reads as an inactive rule (the router skips it) rather than
    // breaking every request that lists the rules; the administrator sees it and fixes it through the API.
    try {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        object->set("name", name);
        object->set("active", rs.getBoolean(4));
        object->set("conditions", parseColumn(rs.getString(5)));
        object->set("actions", parseColumn(rs.getString(6)));
        rule = RoutingRule::parse(object);
    } catch (const ApiError&) {
        rule = RoutingRule();
        rule.name = name;
        rule.active = false;
    } catch (const Poco::Exception&) {
        rule = RoutingRule();
        rule.name = name;
        rule.active = false;
    }
    rule.id = rs.getInt64(1);
    rule.position = rs.getInt(2);
    rule.version = rs.getInt(7);
    rule.createdAt = isoOf(rs.getString(8));
    rule.updatedAt = isoOf(rs.getString(9));
    return rule;
}

// The parts of a rule a PATCH may change, as JSON, for merging and for telling what changed.
Poco::JSON::Object::Ptr editable(const RoutingRule& rule) {
    const Poco::JSON::Object::Ptr json = rule.toJson();
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const char* key : {"name", "active", "conditions", "actions"}) out->set(key, json->get(key));
    return out;
}

// JSON merge patch, two levels deep: `conditions` and `actions` are merged key by key. A null is kept as a null
// (RoutingRule::parse reads it as absent), so a null under an unknown key is still refused by name.
Poco::JSON::Object::Ptr merged(Poco::JSON::Object::Ptr base, const Poco::JSON::Object::Ptr& patch) {
    for (const std::string& key : patch->getNames()) {
        const Poco::JSON::Object::Ptr part = patch->getObject(key);
        Poco::JSON::Object::Ptr current = base->getObject(key);
        if ((key == "conditions" || key == "actions") && part && current) {
            for (const std::string& sub : part->getNames()) current->set(sub, part->get(sub));
        } else {
            base->set(key, patch->get(key));
        }
    }
    return base;
}

}  // namespace

std::vector<RoutingRule> RoutingRuleStore::all(bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "ORDER BY position, id FOR UPDATE" : "ORDER BY position, id"));
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<RoutingRule> rules;
    while (rs->next()) rules.push_back(readRule(*rs));
    return rules;
}

std::optional<RoutingRule> RoutingRuleStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readRule(*rs);
}

// The queue and topics are read with a shared lock: a queue or topic being deleted at the same moment waits for
// this transaction, and the queue store refuses to delete a queue an active rule targets.
void RoutingRuleStore::checkReferences(const RoutingRule& rule) {
    sql::PreparedStatement& queue = session_.prepare("SELECT id FROM queues WHERE id = ? LOCK IN SHARE MODE");
    queue.setString(1, rule.actions.queue);
    std::unique_ptr<sql::ResultSet> found(queue.executeQuery());
    if (!found->next()) throw ApiError::badRequest("'actions.queue': no queue '" + rule.actions.queue + "'");
    const std::string existing = found->getString(1);
    if (existing != rule.actions.queue) {
        // The column compares without case; ids are exact everywhere else (topics, URLs).
        throw ApiError::badRequest("'actions.queue': no queue '" + rule.actions.queue + "' (did you mean '" +
                                   existing + "'?)");
    }

    if (rule.conditions.topics.empty()) return;
    const std::set<std::int64_t> wanted(rule.conditions.topics.begin(), rule.conditions.topics.end());
    std::string placeholders;
    for (std::size_t i = 0; i < wanted.size(); ++i) placeholders += i == 0 ? "?" : ", ?";
    // One statement per list length; rules name a handful of topics, so few are ever prepared.
    sql::PreparedStatement& topics =
        session_.prepare("SELECT id FROM topics WHERE id IN (" + placeholders + ") LOCK IN SHARE MODE");
    int index = 1;
    for (const std::int64_t id : wanted) topics.setInt64(index++, id);
    std::unique_ptr<sql::ResultSet> rs(topics.executeQuery());
    std::set<std::int64_t> known;
    while (rs->next()) known.insert(rs->getInt64(1));
    std::vector<std::int64_t> missing;
    for (const std::int64_t id : rule.conditions.topics) {
        if (known.count(id) == 0 && std::find(missing.begin(), missing.end(), id) == missing.end()) missing.push_back(id);
    }
    if (!missing.empty()) {
        throw ApiError::badRequest("'conditions.topics': no " + std::string(missing.size() == 1 ? "topic " : "topics ") +
                                   idList(missing));
    }
}

// Within one daemon every catalog write runs in the same writer lane, one after the other. Two daemons adding
// rules to an empty list at once might both pick position 1 (at READ COMMITTED there is no row to lock yet);
// the order (position, id) stays well defined then, and the next change makes the positions dense again.
void RoutingRuleStore::renumber(const std::vector<std::int64_t>& order, const std::vector<RoutingRule>& current) {
    std::map<std::int64_t, int> positions;
    for (const RoutingRule& r : current) positions[r.id] = r.position;
    std::string cases;
    std::string ids;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const int position = static_cast<int>(i) + 1;
        const auto at = positions.find(order[i]);
        if (at != positions.end() && at->second == position) continue;
        cases += " WHEN " + std::to_string(order[i]) + " THEN " + std::to_string(position);
        ids += (ids.empty() ? "" : ", ") + std::to_string(order[i]);
    }
    if (ids.empty()) return;
    // Integers of our own making only, so one unprepared statement rather than a prepared one per length.
    session_.execute("UPDATE routing_rules SET position = CASE id" + cases + " END WHERE id IN (" + ids + ")");
}

void RoutingRuleStore::event(const std::string& type, const Poco::JSON::Object::Ptr& data) {
    appendEvent(session_, kEventTopic, type, data);
}

RoutingRule RoutingRuleStore::create(RoutingRule rule) {
    checkReferences(rule);
    const std::vector<RoutingRule> current = all(true);
    const int count = static_cast<int>(current.size());
    if (rule.position < 0 || rule.position > count + 1) {
        throw ApiError::badRequest("'position' must be from 1 to " + std::to_string(count + 1) + " (there are " +
                                   std::to_string(count) + " rules), or absent to append the rule");
    }
    const int position = rule.position == 0 ? count + 1 : rule.position;
    const std::string now = nowDbTime();
    const Poco::JSON::Object::Ptr json = rule.toJson();

    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO routing_rules (position, name, active, conditions, actions, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id");
    insert.setInt(1, position);
    insert.setString(2, rule.name);
    insert.setBoolean(3, rule.active);
    insert.setString(4, stringify(json->getObject("conditions")));
    insert.setString(5, stringify(json->getObject("actions")));
    insert.setString(6, now);
    insert.setString(7, now);
    rule.id = DbSession::insertReturningId(insert);
    rule.position = position;
    rule.version = 1;
    rule.createdAt = rule.updatedAt = dbTimeToIso(now);

    std::vector<std::int64_t> order;
    for (const RoutingRule& r : current) order.push_back(r.id);
    order.insert(order.begin() + (position - 1), rule.id);
    std::vector<RoutingRule> withNew = current;
    withNew.push_back(rule);
    renumber(order, withNew);

    event("routing_rule.created", rule.toJson());
    return rule;
}

RoutingRule RoutingRuleStore::update(std::int64_t id, const Poco::JSON::Object::Ptr& patch, int expectedVersion) {
    const auto current = find(id, true);
    if (!current) throw ApiError::notFound("no routing rule " + std::to_string(id));
    if (current->version != expectedVersion) {
        throw ApiError(409, "version_conflict",
                       "routing rule " + std::to_string(id) + " changed meanwhile (version " +
                           std::to_string(current->version) + ", not " + std::to_string(expectedVersion) +
                           "): reload it and try again");
    }
    const Poco::JSON::Object::Ptr before = editable(*current);
    RoutingRule next = RoutingRule::parse(merged(editable(*current), patch));
    next.id = current->id;
    next.position = current->position;
    next.version = current->version;
    next.createdAt = current->createdAt;
    next.updatedAt = current->updatedAt;

    const Poco::JSON::Object::Ptr after = editable(next);
    std::vector<std::string> changes;
    for (const char* key : {"name", "active", "conditions", "actions"}) {
        if (after->get(key).toString() != before->get(key).toString()) changes.push_back(key);
    }
    if (changes.empty()) return *current;
    checkReferences(next);

    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE routing_rules SET name = ?, active = ?, conditions = ?, actions = ?, version = version + 1, "
        "updated_at = ? WHERE id = ?");
    update.setString(1, next.name);
    update.setBoolean(2, next.active);
    update.setString(3, stringify(after->getObject("conditions")));
    update.setString(4, stringify(after->getObject("actions")));
    update.setString(5, now);
    update.setInt64(6, id);
    update.executeUpdate();
    next.version = current->version + 1;
    next.updatedAt = dbTimeToIso(now);

    Poco::JSON::Object::Ptr data = next.toJson();
    Poco::JSON::Array::Ptr changed = new Poco::JSON::Array;
    for (const std::string& c : changes) changed->add(c);
    data->set("changes", changed);
    event("routing_rule.updated", data);
    return next;
}

void RoutingRuleStore::remove(std::int64_t id) {
    const std::vector<RoutingRule> current = all(true);
    std::vector<std::int64_t> order;
    bool found = false;
    for (const RoutingRule& r : current) {
        if (r.id == id) {
            found = true;
        } else {
            order.push_back(r.id);
        }
    }
    if (!found) throw ApiError::notFound("no routing rule " + std::to_string(id));
    removeCatalogEntry(session_, kCatalog, id, "routing_rule.deleted", deletedId(id),
                       [&] { renumber(order, current); });
}

std::vector<RoutingRule> RoutingRuleStore::reorder(const std::vector<std::int64_t>& ids) {
    std::vector<RoutingRule> current = all(true);
    std::set<std::int64_t> existing;
    for (const RoutingRule& r : current) existing.insert(r.id);
    std::set<std::int64_t> named;
    std::vector<std::int64_t> unknown;
    std::vector<std::int64_t> repeated;
    for (const std::int64_t id : ids) {
        if (!named.insert(id).second) {
            if (std::find(repeated.begin(), repeated.end(), id) == repeated.end()) repeated.push_back(id);
        } else if (existing.count(id) == 0) {
            unknown.push_back(id);
        }
    }
    std::vector<std::int64_t> missing;
    for (const RoutingRule& r : current) {
        if (named.count(r.id) == 0) missing.push_back(r.id);
    }
    if (!missing.empty() || !unknown.empty() || !repeated.empty()) {
        std::string problems;
        const auto add = [&](const std::string& what, const std::vector<std::int64_t>& list) {
            if (!list.empty()) problems += (problems.empty() ? "" : "; ") + what + " " + idList(list);
        };
        add("missing", missing);
        add("unknown", unknown);
        add("named more than once", repeated);
        throw ApiError::badRequest("'ids' must name every routing rule exactly once (" + std::to_string(current.size()) +
                                   " rules): " + problems);
    }
    renumber(ids, current);

    std::map<std::int64_t, RoutingRule> byId;
    for (RoutingRule& r : current) byId.emplace(r.id, std::move(r));
    std::vector<RoutingRule> ordered;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        RoutingRule r = byId.at(ids[i]);
        r.position = static_cast<int>(i) + 1;
        ordered.push_back(std::move(r));
    }
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr order = new Poco::JSON::Array;
    for (const std::int64_t id : ids) order->add(id);
    data->set("ids", order);
    event("routing_rules.reordered", data);
    return ordered;
}

}  // namespace omnigate
