#include "store/user_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/StringTokenizer.h>

#include <cppconn/exception.h>

#include <algorithm>

#include "db/db_time.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

const char* const kColumns =
    "SELECT id, login, display_name, email, roles, COALESCE(operator_id, ''), COALESCE(branch_id, ''), source, "
    "COALESCE(password_hash, ''), active, version, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(DATE_FORMAT(last_sign_in_at, '%Y-%m-%d %H:%i:%s.%f'), '') FROM users ";
constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY

std::string iso(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

std::string joined(const std::vector<std::string>& roles) {
    std::string text;
    for (const std::string& role : roles) text += (text.empty() ? "" : " ") + role;
    return text;
}

User read(sql::ResultSet& rs) {
    User user;
    user.id = rs.getInt64(1);
    user.login = rs.getString(2);
    user.displayName = rs.getString(3);
    user.email = rs.getString(4);
    Poco::StringTokenizer roles(rs.getString(5), " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    user.roles.assign(roles.begin(), roles.end());
    user.operatorId = rs.getString(6);
    user.branchId = rs.getString(7);
    user.source = rs.getString(8);
    user.passwordHash = rs.getString(9);
    user.active = rs.getBoolean(10);
    user.version = rs.getInt(11);
    user.createdAt = iso(rs.getString(12));
    user.updatedAt = iso(rs.getString(13));
    user.lastSignInAt = iso(rs.getString(14));
    return user;
}


// A duplicate key names its index: which of the two unique facts was taken.
ApiError duplicate(const sql::SQLException& e, const User& user) {
    if (std::string(e.what()).find("ux_users_operator") != std::string::npos) {
        return ApiError(409, "already_exists", "operator '" + user.operatorId + "' already has a user");
    }
    return ApiError(409, "already_exists", "a user with login '" + user.login + "' exists already");
}

}  // namespace

bool User::hasRole(const std::string& role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::vector<User> UserStore::all() {
    std::unique_ptr<sql::ResultSet> rs(session_.prepare(std::string(kColumns) + "ORDER BY login").executeQuery());
    std::vector<User> out;
    while (rs->next()) out.push_back(read(*rs));
    return out;
}

std::optional<User> UserStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

std::optional<User> UserStore::findByLogin(const std::string& login, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE login = ? FOR UPDATE" : "WHERE login = ?"));
    q.setString(1, login);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

void UserStore::checkReferences(const User& user) {
    const auto exists = [&](const char* sql, const std::string& id) {
        sql::PreparedStatement& q = session_.prepare(sql);
        q.setString(1, id);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        return rs->next();
    };
    if (!user.operatorId.empty() && !exists("SELECT 1 FROM operators WHERE id = ?", user.operatorId)) {
        throw ApiError::badRequest("'operator_id': no operator '" + user.operatorId + "'");
    }
    if (!user.branchId.empty() && !exists("SELECT 1 FROM branches WHERE id = ?", user.branchId)) {
        throw ApiError::badRequest("'branch_id': no branch '" + user.branchId + "'");
    }
}

User UserStore::create(User user) {
    checkReferences(user);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO users (login, display_name, email, roles, operator_id, branch_id, source, password_hash, active, "
        "version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
    insert.setString(1, user.login);
    insert.setString(2, user.displayName);
    insert.setString(3, user.email);
    insert.setString(4, joined(user.roles));
    bindTextOrNull(insert, 5, user.operatorId);
    bindTextOrNull(insert, 6, user.branchId);
    insert.setString(7, user.source);
    bindTextOrNull(insert, 8, user.passwordHash);
    insert.setBoolean(9, user.active);
    insert.setString(10, now);
    insert.setString(11, now);
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) throw duplicate(e, user);
        throw;
    }
    std::unique_ptr<sql::ResultSet> rs(session_.prepare("SELECT LAST_INSERT_ID()").executeQuery());
    rs->next();
    return *find(rs->getInt64(1));
}

User UserStore::update(const User& user) {
    checkReferences(user);
    sql::PreparedStatement& q = session_.prepare(
        "UPDATE users SET login = ?, display_name = ?, email = ?, roles = ?, operator_id = ?, branch_id = ?, "
        "source = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ?");
    q.setString(1, user.login);
    q.setString(2, user.displayName);
    q.setString(3, user.email);
    q.setString(4, joined(user.roles));
    bindTextOrNull(q, 5, user.operatorId);
    bindTextOrNull(q, 6, user.branchId);
    q.setString(7, user.source);
    q.setBoolean(8, user.active);
    q.setString(9, nowDbTime());
    q.setInt64(10, user.id);
    try {
        if (q.executeUpdate() == 0) throw ApiError::notFound("no user " + std::to_string(user.id));
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) throw duplicate(e, user);
        throw;
    }
    return *find(user.id);
}

void UserStore::setPassword(std::int64_t id, const std::string& passwordHash) {
    sql::PreparedStatement& q =
        session_.prepare("UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE id = ?");
    q.setString(1, passwordHash);
    q.setString(2, nowDbTime());
    q.setInt64(3, id);
    q.executeUpdate();
}

void UserStore::recordSignIn(std::int64_t id) {
    sql::PreparedStatement& q = session_.prepare("UPDATE users SET last_sign_in_at = ? WHERE id = ?");
    q.setString(1, nowDbTime());
    q.setInt64(2, id);
    q.executeUpdate();
}

Poco::JSON::Object::Ptr toJson(const User& user) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto orNull = [](const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); };
    o->set("id", user.id);
    o->set("login", user.login);
    o->set("display_name", user.displayName);
    o->set("email", user.email);
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    for (const std::string& role : user.roles) roles->add(role);
    o->set("roles", roles);
    o->set("operator_id", orNull(user.operatorId));
    o->set("branch_id", orNull(user.branchId));
    o->set("source", user.source);
    o->set("active", user.active);
    o->set("version", user.version);
    o->set("created_at", user.createdAt);
    o->set("updated_at", user.updatedAt);
    o->set("last_sign_in_at", orNull(user.lastSignInAt));
    return o;
}

}  // namespace omnigate
