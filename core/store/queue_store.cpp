#include "store/queue_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <sstream>

#include "db/db_time.h"
#include "db/outbox.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"
#include "store/interaction_store.h"
#include "store/operator_group_store.h"
#include "store/queue_visits.h"

namespace omnigate {

namespace fields = routing_fields;

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/queues/events";
const CatalogTable kCatalog{"queues", kEventTopic};

const char* const kColumns =
    "SELECT id, name, settings, version, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM queues ";

constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY

std::string iso(const std::string& dbTime) { return dbTimeToIso(dbTime.substr(0, 23)); }

std::string text(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::string text(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return "null";
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) return text(value.extract<Poco::JSON::Object::Ptr>());
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        std::ostringstream out;
        value.extract<Poco::JSON::Array::Ptr>()->stringify(out);
        return out.str();
    }
    return value.toString();
}

Queue read(sql::ResultSet& rs) {
    Poco::JSON::Object::Ptr settings;
    try {
        settings = Poco::JSON::Parser().parse(std::string(rs.getString(3))).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw ApiError(500, "corrupt_queue", "queue '" + std::string(rs.getString(1)) +
                                                 "' has settings that are not a JSON object: " + e.displayText());
    }
    Queue queue = Queue::parseSettings(settings);
    queue.id = rs.getString(1);
    queue.name = rs.getString(2);
    queue.version = rs.getInt(4);
    queue.createdAt = iso(rs.getString(5));
    queue.updatedAt = iso(rs.getString(6));
    return queue;
}

std::vector<std::string> changedFields(const Queue& before, const Queue& after) {
    std::vector<std::string> changes;
    if (before.name != after.name) changes.push_back("name");
    const auto a = before.settingsJson();
    const auto b = after.settingsJson();
    for (const std::string& key : b->getNames()) {
        if (text(a->get(key)) != text(b->get(key))) changes.push_back(key);
    }
    return changes;
}

std::string count(std::int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

void QueueStore::event(const std::string& type, const Poco::JSON::Object::Ptr& data) {
    appendEvent(session_, kEventTopic, type, data);
}

std::vector<Queue> QueueStore::all() {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + "ORDER BY id");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<Queue> out;
    while (rs->next()) out.push_back(read(*rs));
    return out;
}

std::optional<Queue> QueueStore::find(const std::string& id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

// Overflow: another existing queue, and following the chain never comes back (an interaction would circle for
// ever). Topics: each must exist, or the queue would silently take nothing by topic.
void QueueStore::checkReferences(const Queue& queue) {
    if (!queue.overflowQueue.empty()) {
        if (queue.overflowQueue == queue.id) {
            throw ApiError::badRequest("'overflow_queue' cannot be the queue itself ('" + queue.id + "')");
        }
        std::string chain = queue.id + " > " + queue.overflowQueue;
        std::string at = queue.overflowQueue;
        for (int step = 0; !at.empty() && step < 1000; ++step) {
            const auto next = find(at, true);
            if (!next) {
                if (step == 0) throw ApiError::badRequest("'overflow_queue' names no queue: '" + at + "'");
                break;
            }
            at = next->overflowQueue;
            if (at.empty()) break;
            chain += " > " + at;
            if (at == queue.id) {
                throw ApiError::badRequest("'overflow_queue' would make the overflow go round in a circle (" + chain +
                                           ")");
            }
        }
    }
    if (!queue.topics.empty()) {
        const auto unknown = InteractionStore(session_).unknownTopics(queue.topics);
        if (!unknown.empty()) {
            const auto at = std::find(queue.topics.begin(), queue.topics.end(), unknown.front()) - queue.topics.begin();
            throw ApiError::badRequest("'topics[" + std::to_string(at) + "]' names no topic: " +
                                       std::to_string(unknown.front()));
        }
    }
}

Queue QueueStore::createFromJson(const Poco::JSON::Object::Ptr& body) {
    if (body.isNull()) throw ApiError::badRequest("a queue must be an object");
    const std::string id = fields::requiredId(body, "id");
    const auto name = fields::optionalString(body, "name", "name");
    if (!name) throw ApiError::badRequest("'name' is required");
    const auto sample = fields::optionalString(body, "sample", "sample");
    Poco::JSON::Object::Ptr settings = fields::copy(body);
    settings->remove("id");
    settings->remove("name");
    settings->remove("sample");
    if (sample) {
        fields::checkId(*sample, "sample");
        return createFromSample(*sample, id, *name, settings);
    }
    Queue queue = Queue::parseSettings(settings);
    queue.id = id;
    queue.name = fields::checkName(*name, "name");
    return create(queue);
}

Queue QueueStore::create(Queue queue) {
    fields::checkId(queue.id, "id");
    queue.name = fields::checkName(queue.name, "name");
    if (find(queue.id, true)) {
        throw ApiError(409, "already_exists", "a queue with id '" + queue.id + "' exists already");
    }
    checkReferences(queue);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO queues (id, name, settings, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)");
    insert.setString(1, queue.id);
    insert.setString(2, queue.name);
    insert.setString(3, text(queue.settingsJson()));
    insert.setString(4, now);
    insert.setString(5, now);
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) {
            throw ApiError(409, "already_exists", "a queue with id '" + queue.id + "' exists already");
        }
        throw;
    }
    queue.version = 1;
    queue.createdAt = queue.updatedAt = dbTimeToIso(now);
    event("queue.created", queue.toJson());
    return queue;
}

Queue QueueStore::createFromSample(const std::string& sampleId, const std::string& id, const std::string& name,
                                   const Poco::JSON::Object::Ptr& overrides) {
    const auto sample = find(sampleId);
    if (!sample) throw ApiError::notFound("no queue '" + sampleId + "' to copy the settings from ('sample')");
    Poco::JSON::Object::Ptr settings = sample->settingsJson();
    if (!overrides.isNull()) {
        for (const std::string& key : overrides->getNames()) settings->set(key, overrides->get(key));
    }
    Queue queue = Queue::parseSettings(settings);
    queue.id = id;
    queue.name = name;
    return create(queue);
}

Queue QueueStore::update(const std::string& id, const Poco::JSON::Object::Ptr& patch,
                         std::optional<int> expectedVersion) {
    if (patch->has("id")) throw ApiError::badRequest("'id' cannot change: create a new queue instead");
    if (patch->has("sample")) throw ApiError::badRequest("'sample' applies only when a queue is created");
    const auto current = find(id, true);
    if (!current) throw ApiError::notFound("no queue '" + id + "'");
    if (expectedVersion && *expectedVersion != current->version) {
        throw ApiError(409, "version_conflict", "queue '" + id + "' changed meanwhile (version " +
                                                    std::to_string(current->version) + ", not " +
                                                    std::to_string(*expectedVersion) + "); read it again");
    }
    Poco::JSON::Object::Ptr settings = current->settingsJson();
    for (const std::string& key : patch->getNames()) {
        if (key != "name") settings->set(key, patch->get(key));
    }
    Queue next = Queue::parseSettings(settings);
    next.id = id;
    next.name = current->name;
    if (patch->has("name")) {
        const auto name = fields::optionalString(patch, "name", "name");
        if (!name) throw ApiError::badRequest("'name' cannot be null");
        next.name = fields::checkName(*name, "name");
    }
    next.createdAt = current->createdAt;
    const auto changes = changedFields(*current, next);
    if (changes.empty()) return *current;
    checkReferences(next);

    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE queues SET name = ?, settings = ?, version = version + 1, updated_at = ? WHERE id = ?");
    update.setString(1, next.name);
    update.setString(2, text(next.settingsJson()));
    update.setString(3, now);
    update.setString(4, id);
    update.executeUpdate();
    next.version = current->version + 1;
    next.updatedAt = dbTimeToIso(now);
    Poco::JSON::Object::Ptr data = next.toJson();
    Poco::JSON::Array::Ptr changed = new Poco::JSON::Array;
    for (const std::string& c : changes) changed->add(c);
    data->set("changes", changed);
    event("queue.updated", data);
    return next;
}

int QueueStore::remove(const std::string& id, const std::string& moveTo) {
    const auto queue = find(id, true);
    if (!queue) throw ApiError::notFound("no queue '" + id + "'");

    sql::PreparedStatement& overflowing = session_.prepare(
        "SELECT id FROM queues WHERE id <> ? AND JSON_VALUE(settings, '$.overflow_queue') = ? ORDER BY id");
    overflowing.setString(1, id);
    overflowing.setString(2, id);
    std::unique_ptr<sql::ResultSet> sources(overflowing.executeQuery());
    std::string names;
    while (sources->next()) names += (names.empty() ? "'" : ", '") + std::string(sources->getString(1)) + "'";
    if (!names.empty()) {
        throw ApiError(409, "queue_in_use", "queue '" + id + "' is the overflow queue of " + names +
                                                "; point their overflow_queue elsewhere first");
    }

    sql::PreparedStatement& rules = session_.prepare(
        "SELECT id, name FROM routing_rules WHERE active = 1 AND JSON_VALUE(actions, '$.queue') = ? "
        "ORDER BY position, id");
    rules.setString(1, id);
    std::unique_ptr<sql::ResultSet> ruleRows(rules.executeQuery());
    names.clear();
    while (ruleRows->next()) {
        names += (names.empty() ? "" : ", ") + std::to_string(ruleRows->getInt64(1)) + " ('" +
                 std::string(ruleRows->getString(2)) + "')";
    }
    if (!names.empty()) {
        throw ApiError(409, "queue_in_use", "queue '" + id + "' is the target of the active routing rule(s) " + names +
                                                "; change or deactivate them first");
    }

    sql::PreparedStatement& open = session_.prepare(
        "SELECT id FROM interactions WHERE queue = ? AND status <> 'closed' ORDER BY id FOR UPDATE");
    open.setString(1, id);
    std::unique_ptr<sql::ResultSet> openRows(open.executeQuery());
    std::vector<std::int64_t> waiting;
    while (openRows->next()) waiting.push_back(openRows->getInt64(1));

    if (!moveTo.empty()) {
        if (moveTo == id) throw ApiError::badRequest("'move_to' must name another queue than the one deleted");
        if (!find(moveTo, true)) throw ApiError::badRequest("'move_to' names no queue: '" + moveTo + "'");
    }
    if (!waiting.empty() && moveTo.empty()) {
        throw ApiError(409, "queue_not_empty",
                       "queue '" + id + "' holds " + count(static_cast<std::int64_t>(waiting.size()),
                                                          "open interaction", "open interactions") +
                           "; close them or delete with ?move_to=<queue> to move them there");
    }
    if (!waiting.empty()) {
        const std::string now = nowDbTime();
        // Their visits to the deleted queue end here; new ones start in the queue they move to.
        QueueVisits(session_).leaveQueue(id, now);
        // The place in line (queued_at) is kept; the maximum wait of the new queue counts from now.
        sql::PreparedStatement& move = session_.prepare(
            "UPDATE interactions SET queue = ?, queue_entered_at = IF(queue_entered_at IS NULL, NULL, ?), "
            "version = version + 1, updated_at = ? WHERE queue = ? AND status <> 'closed'");
        move.setString(1, moveTo);
        move.setString(2, now);
        move.setString(3, now);
        move.setString(4, id);
        move.executeUpdate();
        InteractionStore interactions(session_);
        for (std::int64_t interactionId : waiting) {
            if (const auto moved = interactions.load(interactionId)) {
                interactions.appendUpdated(*moved, {"queue"}, Actor{"admin", ""});
            }
        }
    }

    // Groups serving the queue lose it with the row (ON DELETE CASCADE); each says so in its own event.
    sql::PreparedStatement& serving =
        session_.prepare("SELECT group_id FROM operator_group_queues WHERE queue_id = ? ORDER BY group_id");
    serving.setString(1, id);
    std::unique_ptr<sql::ResultSet> groupRows(serving.executeQuery());
    std::vector<std::string> groups;
    while (groupRows->next()) groups.push_back(groupRows->getString(1));

    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("id", id);
    if (!moveTo.empty()) data->set("moved_to", moveTo);
    removeCatalogEntry(session_, kCatalog, id, "queue.deleted", data, [&] {
        OperatorGroupStore groupStore(session_);
        for (const std::string& groupId : groups) groupStore.touch(groupId, {"queues"});
    });
    return static_cast<int>(waiting.size());
}

}  // namespace omnigate
