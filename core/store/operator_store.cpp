#include "store/operator_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"
#include "store/stored_kpi.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/operators/events";
const CatalogTable kCatalog{"operators", kEventTopic};

const char* const kColumns =
    "SELECT id, name, capacities, branch, workplace, status, status_reason, "
    "DATE_FORMAT(status_since, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(DATE_FORMAT(wrap_up_until, '%Y-%m-%d %H:%i:%s.%f'), ''), version, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(kpi_targets, '') FROM operators ";

constexpr int kDuplicateKey = 1062;     // ER_DUP_ENTRY
constexpr int kNoReferencedRow = 1452;  // ER_NO_REFERENCED_ROW_2

std::string iso(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

std::map<std::string, int> parseCapacities(const std::string& id, const std::string& text) {
    std::map<std::string, int> out;
    try {
        const auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        for (const std::string& channel : object->getNames()) out[channel] = object->getValue<int>(channel);
    } catch (const Poco::Exception& e) {
        throw ApiError(500, "corrupt_operator",
                       "operator '" + id + "' has capacities that are not a JSON object: " + e.displayText());
    }
    return out;
}

std::string capacitiesText(const std::map<std::string, int>& capacities) {
    Poco::JSON::Object object;
    for (const auto& [channel, count] : capacities) object.set(channel, count);
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

Operator read(sql::ResultSet& rs) {
    Operator op;
    op.id = rs.getString(1);
    op.name = rs.getString(2);
    op.capacities = parseCapacities(op.id, rs.getString(3));
    op.branch = rs.getString(4);
    op.workplace = rs.getString(5);
    op.status = parseOperatorStatus(rs.getString(6)).value_or(OperatorStatus::Offline);
    op.statusReason = rs.getString(7);
    op.statusSince = iso(rs.getString(8));
    op.wrapUpUntil = iso(rs.getString(9));
    op.version = rs.getInt(10);
    op.createdAt = iso(rs.getString(11));
    op.updatedAt = iso(rs.getString(12));
    const std::string kpi = rs.getString(13);
    if (!kpi.empty()) op.kpiTargets = parseStoredKpi(kpi);
    return op;
}

Poco::JSON::Object::Ptr withChanges(const Operator& op, const std::vector<std::string>& changes) {
    Poco::JSON::Object::Ptr data = op.toJson();
    Poco::JSON::Array::Ptr changed = new Poco::JSON::Array;
    for (const std::string& c : changes) changed->add(c);
    data->set("changes", changed);
    return data;
}

}  // namespace

void OperatorStore::event(const std::string& type, const Poco::JSON::Object::Ptr& data) {
    appendEvent(session_, kEventTopic, type, data);
}

std::vector<Operator> OperatorStore::all() {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + "ORDER BY id");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<Operator> out;
    while (rs->next()) out.push_back(read(*rs));
    sql::PreparedStatement& members =
        session_.prepare("SELECT operator_id, group_id FROM operator_group_members ORDER BY operator_id, group_id");
    std::unique_ptr<sql::ResultSet> links(members.executeQuery());
    std::map<std::string, std::vector<std::string>> byOperator;
    while (links->next()) byOperator[links->getString(1)].push_back(links->getString(2));
    for (Operator& op : out) op.groups = byOperator[op.id];
    return out;
}

std::vector<std::string> OperatorStore::groupsOf(const std::string& id) {
    sql::PreparedStatement& q =
        session_.prepare("SELECT group_id FROM operator_group_members WHERE operator_id = ? ORDER BY group_id");
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<std::string> out;
    while (rs->next()) out.push_back(rs->getString(1));
    return out;
}

std::optional<Operator> OperatorStore::find(const std::string& id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    Operator op = read(*rs);
    op.groups = groupsOf(id);
    return op;
}

void OperatorStore::writeGroups(const std::string& id, const std::vector<std::string>& groups) {
    for (std::size_t i = 0; i < groups.size(); ++i) {
        sql::PreparedStatement& exists =
            session_.prepare("SELECT 1 FROM operator_groups WHERE id = ? LOCK IN SHARE MODE");
        exists.setString(1, groups[i]);
        std::unique_ptr<sql::ResultSet> rs(exists.executeQuery());
        if (!rs->next()) {
            throw ApiError::badRequest("'groups[" + std::to_string(i) + "]' names no operator group: '" + groups[i] +
                                       "'");
        }
    }
    sql::PreparedStatement& clear = session_.prepare("DELETE FROM operator_group_members WHERE operator_id = ?");
    clear.setString(1, id);
    clear.executeUpdate();
    for (const std::string& group : groups) {
        sql::PreparedStatement& insert =
            session_.prepare("INSERT INTO operator_group_members (group_id, operator_id) VALUES (?, ?)");
        insert.setString(1, group);
        insert.setString(2, id);
        try {
            insert.executeUpdate();
        } catch (const sql::SQLException& e) {
            if (e.getErrorCode() == kNoReferencedRow) {
                throw ApiError::badRequest("'groups' names no operator group: '" + group + "'");
            }
            throw;
        }
    }
}

Operator OperatorStore::create(Operator op) {
    if (find(op.id, true)) throw ApiError(409, "already_exists", "an operator with id '" + op.id + "' exists already");
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO operators (id, name, capacities, branch, workplace, status, status_reason, status_since, "
        "version, created_at, updated_at, kpi_targets) VALUES (?, ?, ?, ?, ?, 'offline', '', ?, 1, ?, ?, ?)");
    insert.setString(1, op.id);
    insert.setString(2, op.name);
    insert.setString(3, capacitiesText(op.capacities));
    insert.setString(4, op.branch);
    insert.setString(5, op.workplace);
    insert.setString(6, now);
    insert.setString(7, now);
    insert.setString(8, now);
    insert.setString(9, storedKpi(op.kpiTargets));
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) {
            throw ApiError(409, "already_exists", "an operator with id '" + op.id + "' exists already");
        }
        throw;
    }
    writeGroups(op.id, op.groups);
    // The status report needs to know since when the operator was offline.
    sql::PreparedStatement& history = session_.prepare(
        "INSERT INTO operator_status_history (operator_id, from_status, to_status, reason, actor_kind, actor_id, "
        "created_at) VALUES (?, NULL, 'offline', 'created', 'admin', '', ?)");
    history.setString(1, op.id);
    history.setString(2, now);
    history.executeUpdate();

    op.status = OperatorStatus::Offline;
    op.statusReason.clear();
    op.statusSince = op.createdAt = op.updatedAt = dbTimeToIso(now);
    op.wrapUpUntil.clear();
    op.version = 1;
    std::sort(op.groups.begin(), op.groups.end());
    event("operator.created", op.toJson());
    return op;
}

Operator OperatorStore::update(const std::string& id, const Poco::JSON::Object::Ptr& patch,
                               std::optional<int> expectedVersion) {
    const auto current = find(id, true);
    if (!current) throw ApiError::notFound("no operator '" + id + "'");
    if (expectedVersion && *expectedVersion != current->version) {
        throw ApiError(409, "version_conflict", "operator '" + id + "' changed meanwhile (version " +
                                                    std::to_string(current->version) + ", not " +
                                                    std::to_string(*expectedVersion) + "); read it again");
    }
    Operator next = *current;
    next.apply(patch);
    std::sort(next.groups.begin(), next.groups.end());
    std::vector<std::string> changes;
    if (next.name != current->name) changes.push_back("name");
    if (next.capacities != current->capacities) changes.push_back("capacities");
    if (next.branch != current->branch) changes.push_back("branch");
    if (next.workplace != current->workplace) changes.push_back("workplace");
    if (next.groups != current->groups) changes.push_back("groups");
    if (storedKpi(next.kpiTargets) != storedKpi(current->kpiTargets)) changes.push_back("kpi_targets");
    if (changes.empty()) return *current;
    if (next.groups != current->groups) writeGroups(id, next.groups);
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE operators SET name = ?, capacities = ?, branch = ?, workplace = ?, kpi_targets = ?, "
        "version = version + 1, updated_at = ? WHERE id = ?");
    update.setString(1, next.name);
    update.setString(2, capacitiesText(next.capacities));
    update.setString(3, next.branch);
    update.setString(4, next.workplace);
    update.setString(5, storedKpi(next.kpiTargets));
    update.setString(6, now);
    update.setString(7, id);
    update.executeUpdate();
    next.version = current->version + 1;
    next.updatedAt = dbTimeToIso(now);
    event("operator.updated", withChanges(next, changes));
    return next;
}

void OperatorStore::touch(const std::string& id, const std::vector<std::string>& changes) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& update =
        session_.prepare("UPDATE operators SET version = version + 1, updated_at = ? WHERE id = ?");
    update.setString(1, now);
    update.setString(2, id);
    update.executeUpdate();
    if (const auto op = find(id)) event("operator.updated", withChanges(*op, changes));
}

void OperatorStore::remove(const std::string& id) {
    if (!find(id, true)) throw ApiError::notFound("no operator '" + id + "'");
    sql::PreparedStatement& open =
        session_.prepare("SELECT COUNT(*) FROM interactions WHERE operator = ? AND status <> 'closed'");
    open.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(open.executeQuery());
    const std::int64_t held = rs->next() ? rs->getInt64(1) : 0;
    if (held > 0) {
        throw ApiError(409, "operator_busy",
                       "operator '" + id + "' still holds " + std::to_string(held) +
                           (held == 1 ? " open interaction" : " open interactions") +
                           "; transfer or close them first");
    }
    removeCatalogEntry(session_, kCatalog, id, "operator.deleted", deletedId(id));
}

}  // namespace omnigate
