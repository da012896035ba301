#include "store/topic_store.h"

#include <Poco/String.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <map>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/topics/events";
const CatalogTable kCatalog{"topics", kEventTopic};

const char* const kColumns =
    "SELECT id, COALESCE(parent_id, 0), name, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM topics ";

constexpr int kDuplicateKey = 1062;     // ER_DUP_ENTRY
constexpr int kRowIsReferenced = 1451;  // ER_ROW_IS_REFERENCED_2

// A guard against a loop a manual edit of the table might have made; real trees are a few levels deep.
constexpr int kMaxDepth = 10000;

std::size_t characters(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Topic read(sql::ResultSet& rs) {
    return {rs.getInt64(1), rs.getInt64(2), rs.getString(3), dbTimeToIso(std::string(rs.getString(4)).substr(0, 23))};
}

std::string where(std::int64_t parentId) {
    return parentId == 0 ? "at the root" : "under topic " + std::to_string(parentId);
}

void bindParent(sql::PreparedStatement& statement, int index, std::int64_t parentId) {
    if (parentId == 0) {
        statement.setNull(index, sql::DataType::BIGINT);
    } else {
        statement.setInt64(index, parentId);
    }
}

ApiError duplicate(const std::string& name, std::int64_t parentId, const std::string& existing) {
    return ApiError(409, "duplicate_topic", "a topic named '" + existing + "' exists " + where(parentId) +
                                                " already; sibling names must differ (also in case): '" + name + "'");
}

}  // namespace

std::string TopicStore::normalizeName(const std::string& name) {
    std::string trimmed = Poco::trim(name);
    if (trimmed.empty()) throw ApiError::badRequest("'name' is empty");
    if (characters(trimmed) > 255) throw ApiError::badRequest("'name' is longer than 255 characters");
    return trimmed;
}

std::vector<Topic> TopicStore::all() {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + "ORDER BY name, id");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<Topic> out;
    while (rs->next()) out.push_back(read(*rs));
    return out;
}

std::optional<Topic> TopicStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

// FOR UPDATE also locks the gap where such a sibling would go, so a second daemon on the same database cannot
// slip the same root name in meanwhile (the unique key does not cover parent_id NULL).
void TopicStore::refuseDuplicate(const std::string& name, std::int64_t parentId, std::int64_t exceptId) {
    sql::PreparedStatement& q =
        session_.prepare("SELECT name FROM topics WHERE parent_id <=> ? AND name = ? AND id <> ? FOR UPDATE");
    bindParent(q, 1, parentId);
    q.setString(2, name);
    q.setInt64(3, exceptId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (rs->next()) throw duplicate(name, parentId, rs->getString(1));
}

void TopicStore::event(const std::string& type, const Poco::JSON::Object::Ptr& data) {
    appendEvent(session_, kEventTopic, type, data);
}

Topic TopicStore::create(const std::string& name, std::int64_t parentId) {
    if (parentId != 0 && !find(parentId, true)) {
        throw ApiError::notFound("no topic " + std::to_string(parentId) + " to be the parent ('parent_id')");
    }
    refuseDuplicate(name, parentId, 0);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert =
        session_.prepare("INSERT INTO topics (parent_id, name, created_at) VALUES (?, ?, ?)");
    bindParent(insert, 1, parentId);
    insert.setString(2, name);
    insert.setString(3, now);
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) throw duplicate(name, parentId, name);
        throw;
    }
    const Topic topic{session_.lastInsertId(), parentId, name, dbTimeToIso(now)};
    event("topic.created", toJson(topic));
    return topic;
}

Topic TopicStore::update(std::int64_t id, const std::optional<std::string>& name,
                         const std::optional<std::int64_t>& parentId) {
    const auto current = find(id, true);
    if (!current) throw ApiError::notFound("no topic " + std::to_string(id));
    Topic next = *current;
    if (name) next.name = *name;
    if (parentId) next.parentId = *parentId;

    if (next.parentId != current->parentId && next.parentId != 0) {
        if (next.parentId == id) throw ApiError(409, "topic_cycle", "topic " + std::to_string(id) + " cannot be its own parent");
        const auto parent = find(next.parentId, true);
        if (!parent) throw ApiError::notFound("no topic " + std::to_string(next.parentId) + " to be the parent ('parent_id')");
        // Walk up from the new parent: meeting the topic itself means the new parent lies inside it.
        std::string path = std::to_string(parent->id);
        std::int64_t at = parent->parentId;
        for (int depth = 0; at != 0 && depth < kMaxDepth; ++depth) {
            path = std::to_string(at) + " > " + path;
            if (at == id) {
                throw ApiError(409, "topic_cycle", "topic " + std::to_string(id) + " cannot move under topic " +
                                                       std::to_string(next.parentId) + ", which lies inside it (" +
                                                       path + "); move that one away first");
            }
            const auto ancestor = find(at, true);
            if (!ancestor) break;
            at = ancestor->parentId;
        }
    }

    std::vector<std::string> changes;
    if (next.name != current->name) changes.push_back("name");
    if (next.parentId != current->parentId) changes.push_back("parent_id");
    if (changes.empty()) return *current;
    refuseDuplicate(next.name, next.parentId, id);

    sql::PreparedStatement& update = session_.prepare("UPDATE topics SET name = ?, parent_id = ? WHERE id = ?");
    update.setString(1, next.name);
    bindParent(update, 2, next.parentId);
    update.setInt64(3, id);
    try {
        update.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) throw duplicate(next.name, next.parentId, next.name);
        throw;
    }
    Poco::JSON::Object::Ptr data = toJson(next);
    Poco::JSON::Array::Ptr changed = new Poco::JSON::Array;
    for (const std::string& c : changes) changed->add(c);
    data->set("changes", changed);
    event("topic.updated", data);
    return next;
}

void TopicStore::remove(std::int64_t id) {
    const auto topic = find(id, true);
    if (!topic) throw ApiError::notFound("no topic " + std::to_string(id));
    const auto count = [&](const char* sql) {
        sql::PreparedStatement& q = session_.prepare(sql);
        q.setInt64(1, id);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        return rs->next() ? rs->getInt64(1) : 0;
    };
    const std::int64_t children = count("SELECT COUNT(*) FROM topics WHERE parent_id = ?");
    const std::int64_t interactions = count("SELECT COUNT(*) FROM interaction_topics WHERE topic_id = ?");
    if (children > 0 || interactions > 0) {
        std::string uses;
        if (children > 0) uses = std::to_string(children) + (children == 1 ? " child topic" : " child topics");
        if (interactions > 0) {
            uses += (uses.empty() ? "" : " and ") + std::to_string(interactions) +
                    (interactions == 1 ? " interaction" : " interactions");
        }
        throw ApiError(409, "topic_in_use", "topic " + std::to_string(id) + " ('" + topic->name + "') still has " +
                                                uses + "; move or delete the child topics and re-file the "
                                                       "interactions first");
    }
    try {
        removeCatalogEntry(session_, kCatalog, id, "topic.deleted", toJson(*topic));
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kRowIsReferenced) {
            throw ApiError(409, "topic_in_use", "topic " + std::to_string(id) + " was put to use meanwhile; try again");
        }
        throw;
    }
}

Poco::JSON::Object::Ptr toJson(const Topic& topic) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", topic.id);
    o->set("name", topic.name);
    o->set("parent_id", topic.parentId == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(topic.parentId));
    o->set("created_at", topic.createdAt);
    return o;
}

Poco::JSON::Array::Ptr topicTree(const std::vector<Topic>& topics) {
    std::map<std::int64_t, Poco::JSON::Array::Ptr> children;
    for (const Topic& t : topics) children[t.id] = new Poco::JSON::Array;
    Poco::JSON::Array::Ptr roots = new Poco::JSON::Array;
    for (const Topic& t : topics) {
        Poco::JSON::Object::Ptr node = toJson(t);
        node->set("children", children[t.id]);
        const auto parent = children.find(t.parentId);
        if (t.parentId == 0 || parent == children.end()) {
            roots->add(node);
        } else {
            parent->second->add(node);
        }
    }
    return roots;
}

}  // namespace omnigate
