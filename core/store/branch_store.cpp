#include "store/branch_store.h"

#include <cppconn/exception.h>

#include "db/db_time.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

const char* const kBranchColumns = "SELECT id, name, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), "
                                   "DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM branches ";
const char* const kWorkplaceColumns =
    "SELECT id, name, COALESCE(branch_id, ''), sip_uri, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM workplaces ";
constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY

std::string iso(const std::string& dbTime) { return dbTimeToIso(dbTime.substr(0, 23)); }

Branch readBranch(sql::ResultSet& rs) {
    return Branch{rs.getString(1), rs.getString(2), iso(rs.getString(3)), iso(rs.getString(4))};
}

Workplace readWorkplace(sql::ResultSet& rs) {
    return Workplace{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), iso(rs.getString(5)),
                     iso(rs.getString(6))};
}


int countOf(DbSession& session, const char* sql, const std::string& id) {
    sql::PreparedStatement& q = session.prepare(sql);
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    rs->next();
    return rs->getInt(1);
}

void executeInsert(sql::PreparedStatement& insert, const std::string& what, const std::string& id) {
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) {
            throw ApiError(409, "already_exists", "a " + what + " with id '" + id + "' exists already");
        }
        throw;
    }
}

}  // namespace

std::vector<Branch> BranchStore::branches() {
    std::unique_ptr<sql::ResultSet> rs(session_.prepare(std::string(kBranchColumns) + "ORDER BY id").executeQuery());
    std::vector<Branch> out;
    while (rs->next()) out.push_back(readBranch(*rs));
    return out;
}

std::optional<Branch> BranchStore::findBranch(const std::string& id) {
    sql::PreparedStatement& q = session_.prepare(std::string(kBranchColumns) + "WHERE id = ?");
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readBranch(*rs);
}

Branch BranchStore::createBranch(const Branch& branch) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert =
        session_.prepare("INSERT INTO branches (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)");
    insert.setString(1, branch.id);
    insert.setString(2, branch.name);
    insert.setString(3, now);
    insert.setString(4, now);
    executeInsert(insert, "branch", branch.id);
    return *findBranch(branch.id);
}

Branch BranchStore::updateBranch(const Branch& branch) {
    sql::PreparedStatement& q = session_.prepare("UPDATE branches SET name = ?, updated_at = ? WHERE id = ?");
    q.setString(1, branch.name);
    q.setString(2, nowDbTime());
    q.setString(3, branch.id);
    q.executeUpdate();
    const auto found = findBranch(branch.id);
    if (!found) throw ApiError::notFound("no branch '" + branch.id + "'");
    return *found;
}

void BranchStore::removeBranch(const std::string& id) {
    if (!findBranch(id)) throw ApiError::notFound("no branch '" + id + "'");
    const int workplaces = countOf(session_, "SELECT COUNT(*) FROM workplaces WHERE branch_id = ?", id);
    const int users = countOf(session_, "SELECT COUNT(*) FROM users WHERE branch_id = ?", id);
    if (workplaces + users > 0) {
        throw ApiError(409, "in_use",
                       "branch '" + id + "' still has " + std::to_string(workplaces) + " workplace(s) and " +
                           std::to_string(users) + " user(s); move them to another branch first");
    }
    sql::PreparedStatement& q = session_.prepare("DELETE FROM branches WHERE id = ?");
    q.setString(1, id);
    q.executeUpdate();
}

void BranchStore::requireBranch(const std::string& id) {
    if (!id.empty() && !findBranch(id)) throw ApiError::badRequest("'branch_id': no branch '" + id + "'");
}

std::vector<Workplace> BranchStore::workplaces() {
    std::unique_ptr<sql::ResultSet> rs(
        session_.prepare(std::string(kWorkplaceColumns) + "ORDER BY id").executeQuery());
    std::vector<Workplace> out;
    while (rs->next()) out.push_back(readWorkplace(*rs));
    return out;
}

std::optional<Workplace> BranchStore::findWorkplace(const std::string& id) {
    sql::PreparedStatement& q = session_.prepare(std::string(kWorkplaceColumns) + "WHERE id = ?");
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readWorkplace(*rs);
}

Workplace BranchStore::createWorkplace(const Workplace& workplace) {
    requireBranch(workplace.branchId);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO workplaces (id, name, branch_id, sip_uri, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    insert.setString(1, workplace.id);
    insert.setString(2, workplace.name);
    bindTextOrNull(insert, 3, workplace.branchId);
    insert.setString(4, workplace.sipUri);
    insert.setString(5, now);
    insert.setString(6, now);
    executeInsert(insert, "workplace", workplace.id);
    return *findWorkplace(workplace.id);
}

Workplace BranchStore::updateWorkplace(const Workplace& workplace) {
    requireBranch(workplace.branchId);
    sql::PreparedStatement& q = session_.prepare(
        "UPDATE workplaces SET name = ?, branch_id = ?, sip_uri = ?, updated_at = ? WHERE id = ?");
    q.setString(1, workplace.name);
    bindTextOrNull(q, 2, workplace.branchId);
    q.setString(3, workplace.sipUri);
    q.setString(4, nowDbTime());
    q.setString(5, workplace.id);
    q.executeUpdate();
    const auto found = findWorkplace(workplace.id);
    if (!found) throw ApiError::notFound("no workplace '" + workplace.id + "'");
    return *found;
}

void BranchStore::removeWorkplace(const std::string& id) {
    if (!findWorkplace(id)) throw ApiError::notFound("no workplace '" + id + "'");
    // Sessions signed in there keep its id as a fact of the past; nothing else refers to it.
    sql::PreparedStatement& q = session_.prepare("DELETE FROM workplaces WHERE id = ?");
    q.setString(1, id);
    q.executeUpdate();
}

Poco::JSON::Object::Ptr toJson(const Branch& branch) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", branch.id);
    o->set("name", branch.name);
    o->set("created_at", branch.createdAt);
    o->set("updated_at", branch.updatedAt);
    return o;
}

Poco::JSON::Object::Ptr toJson(const Workplace& workplace) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", workplace.id);
    o->set("name", workplace.name);
    o->set("branch_id", workplace.branchId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(workplace.branchId));
    o->set("sip_uri", workplace.sipUri);
    o->set("created_at", workplace.createdAt);
    o->set("updated_at", workplace.updatedAt);
    return o;
}

}  // namespace omnigate
