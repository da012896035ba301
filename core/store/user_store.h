// The SQL of users: the people who sign in, with their roles, the operator they work as and their branch. A
// password is kept only as its argon2id string and never leaves this class in JSON. Writes run inside the caller's
// WriteBatcher job; users have no MQTT events (who works here is not for every subscriber), the audit log records
// their changes.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct User {
    std::int64_t id = 0;
    std::string login;
    std::string displayName;
    std::string email;
    std::vector<std::string> roles;
    std::string operatorId;  // empty: works as no operator
    std::string branchId;    // empty: no branch
    std::string source = "local";  // local or ldap
    std::string passwordHash;      // empty for directory users
    bool active = true;
    int version = 1;
    std::string createdAt;     // ISO 8601
    std::string updatedAt;
    std::string lastSignInAt;  // empty: never

    bool hasRole(const std::string& role) const;
};

class UserStore {
public:
    explicit UserStore(DbSession& session) : session_(session) {}

    std::vector<User> all();
    std::optional<User> find(std::int64_t id, bool forUpdate = false);
    // Case-insensitive, as logins are unique.
    std::optional<User> findByLogin(const std::string& login, bool forUpdate = false);
    // 409 when the login is taken or the operator already has a user; 400 naming an unknown operator or branch.
    User create(User user);
    // Writes every field of `user` but the password and times; the same 409/400 as create.
    User update(const User& user);
    void setPassword(std::int64_t id, const std::string& passwordHash);
    void recordSignIn(std::int64_t id);

private:
    void checkReferences(const User& user);

    DbSession& session_;
};

// {id, login, display_name, email, roles, operator_id, branch_id, source, active, version, created_at, updated_at,
// last_sign_in_at}: never the password or its hash.
Poco::JSON::Object::Ptr toJson(const User& user);

}  // namespace omnigate
