#include "store/operator_group_store.h"

#include <Poco/JSON/Array.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <map>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"
#include "store/stored_kpi.h"
#include "store/operator_store.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/operator-groups/events";
const CatalogTable kCatalog{"operator_groups", kEventTopic};

const char* const kColumns =
    "SELECT id, name, version, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), COALESCE(kpi_targets, '') FROM operator_groups ";

constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY
constexpr int kNoReferencedRow = 1452;  // ER_NO_REFERENCED_ROW_2

std::string iso(const std::string& dbTime) { return dbTimeToIso(dbTime.substr(0, 23)); }

OperatorGroup read(sql::ResultSet& rs) {
    OperatorGroup group;
    group.id = rs.getString(1);
    group.name = rs.getString(2);
    group.version = rs.getInt(3);
    group.createdAt = iso(rs.getString(4));
    group.updatedAt = iso(rs.getString(5));
    const std::string kpi = rs.getString(6);
    if (!kpi.empty()) group.kpiTargets = parseStoredKpi(kpi);
    return group;
}

Poco::JSON::Object::Ptr withChanges(const OperatorGroup& group, const std::vector<std::string>& changes) {
    Poco::JSON::Object::Ptr data = group.toJson();
    Poco::JSON::Array::Ptr changed = new Poco::JSON::Array;
    for (const std::string& c : changes) changed->add(c);
    data->set("changes", changed);
    return data;
}

}  // namespace

void OperatorGroupStore::event(const std::string& type, const Poco::JSON::Object::Ptr& data) {
    appendEvent(session_, kEventTopic, type, data);
}

std::vector<OperatorGroup> OperatorGroupStore::all() {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + "ORDER BY id");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<OperatorGroup> out;
    while (rs->next()) out.push_back(read(*rs));
    sql::PreparedStatement& queues =
        session_.prepare("SELECT group_id, queue_id FROM operator_group_queues ORDER BY group_id, queue_id");
    std::unique_ptr<sql::ResultSet> links(queues.executeQuery());
    std::map<std::string, std::vector<std::string>> byGroup;
    while (links->next()) byGroup[links->getString(1)].push_back(links->getString(2));
    for (OperatorGroup& group : out) group.queues = byGroup[group.id];
    return out;
}

std::vector<std::string> OperatorGroupStore::queuesOf(const std::string& id) {
    sql::PreparedStatement& q =
        session_.prepare("SELECT queue_id FROM operator_group_queues WHERE group_id = ? ORDER BY queue_id");
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<std::string> out;
    while (rs->next()) out.push_back(rs->getString(1));
    return out;
}

std::optional<OperatorGroup> OperatorGroupStore::find(const std::string& id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    OperatorGroup group = read(*rs);
    group.queues = queuesOf(id);
    return group;
}

// Each queue is checked (and share-locked, so it cannot be deleted before this commits) with the field named.
void OperatorGroupStore::writeQueues(const std::string& id, const std::vector<std::string>& queues) {
    for (std::size_t i = 0; i < queues.size(); ++i) {
        sql::PreparedStatement& exists = session_.prepare("SELECT 1 FROM queues WHERE id = ? LOCK IN SHARE MODE");
        exists.setString(1, queues[i]);
        std::unique_ptr<sql::ResultSet> rs(exists.executeQuery());
        if (!rs->next()) {
            throw ApiError::badRequest("'queues[" + std::to_string(i) + "]' names no queue: '" + queues[i] + "'");
        }
    }
    sql::PreparedStatement& clear = session_.prepare("DELETE FROM operator_group_queues WHERE group_id = ?");
    clear.setString(1, id);
    clear.executeUpdate();
    for (const std::string& queue : queues) {
        sql::PreparedStatement& insert =
            session_.prepare("INSERT INTO operator_group_queues (group_id, queue_id) VALUES (?, ?)");
        insert.setString(1, id);
        insert.setString(2, queue);
        try {
            insert.executeUpdate();
        } catch (const sql::SQLException& e) {
            if (e.getErrorCode() == kNoReferencedRow) {
                throw ApiError::badRequest("'queues' names no queue: '" + queue + "'");
            }
            throw;
        }
    }
}

OperatorGroup OperatorGroupStore::create(OperatorGroup group) {
    if (find(group.id, true)) {
        throw ApiError(409, "already_exists", "an operator group with id '" + group.id + "' exists already");
    }
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO operator_groups (id, name, version, created_at, updated_at, kpi_targets) "
        "VALUES (?, ?, 1, ?, ?, ?)");
    insert.setString(1, group.id);
    insert.setString(2, group.name);
    insert.setString(3, now);
    insert.setString(4, now);
    insert.setString(5, storedKpi(group.kpiTargets));
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) {
            throw ApiError(409, "already_exists", "an operator group with id '" + group.id + "' exists already");
        }
        throw;
    }
    writeQueues(group.id, group.queues);
    group.version = 1;
    group.createdAt = group.updatedAt = dbTimeToIso(now);
    std::sort(group.queues.begin(), group.queues.end());
    event("operator_group.created", group.toJson());
    return group;
}

OperatorGroup OperatorGroupStore::update(const std::string& id, const Poco::JSON::Object::Ptr& patch,
                                         std::optional<int> expectedVersion) {
    const auto current = find(id, true);
    if (!current) throw ApiError::notFound("no operator group '" + id + "'");
    if (expectedVersion && *expectedVersion != current->version) {
        throw ApiError(409, "version_conflict", "operator group '" + id + "' changed meanwhile (version " +
                                                    std::to_string(current->version) + ", not " +
                                                    std::to_string(*expectedVersion) + "); read it again");
    }
    OperatorGroup next = *current;
    next.apply(patch);
    std::sort(next.queues.begin(), next.queues.end());
    std::vector<std::string> changes;
    if (next.name != current->name) changes.push_back("name");
    if (next.queues != current->queues) changes.push_back("queues");
    if (storedKpi(next.kpiTargets) != storedKpi(current->kpiTargets)) changes.push_back("kpi_targets");
    if (changes.empty()) return *current;
    if (next.queues != current->queues) writeQueues(id, next.queues);
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE operator_groups SET name = ?, kpi_targets = ?, version = version + 1, updated_at = ? WHERE id = ?");
    update.setString(1, next.name);
    update.setString(2, storedKpi(next.kpiTargets));
    update.setString(3, now);
    update.setString(4, id);
    update.executeUpdate();
    next.version = current->version + 1;
    next.updatedAt = dbTimeToIso(now);
    event("operator_group.updated", withChanges(next, changes));
    return next;
}

void OperatorGroupStore::touch(const std::string& id, const std::vector<std::string>& changes) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& update =
        session_.prepare("UPDATE operator_groups SET version = version + 1, updated_at = ? WHERE id = ?");
    update.setString(1, now);
    update.setString(2, id);
    update.executeUpdate();
    if (const auto group = find(id)) event("operator_group.updated", withChanges(*group, changes));
}

void OperatorGroupStore::remove(const std::string& id) {
    if (!find(id, true)) throw ApiError::notFound("no operator group '" + id + "'");
    sql::PreparedStatement& members =
        session_.prepare("SELECT operator_id FROM operator_group_members WHERE group_id = ? ORDER BY operator_id");
    members.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(members.executeQuery());
    std::vector<std::string> operators;
    while (rs->next()) operators.push_back(rs->getString(1));

    // The members lose the group with the row (ON DELETE CASCADE); each says so in its own event.
    removeCatalogEntry(session_, kCatalog, id, "operator_group.deleted", deletedId(id), [&] {
        OperatorStore operatorStore(session_);
        for (const std::string& operatorId : operators) operatorStore.touch(operatorId, {"groups"});
    });
}

}  // namespace omnigate
