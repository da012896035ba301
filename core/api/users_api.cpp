#include "api/users_api.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <regex>

#include "api/api_support.h"
#include "api/audit_trail.h"
#include "auth/passwords.h"
#include "auth/roles.h"
#include "omnigate/sdk/api_error.h"
#include "store/session_store.h"

namespace omnigate {

namespace {

const std::set<std::string> kFields{"login",     "display_name", "email",  "roles",   "operator_id",
                                    "branch_id", "active",       "password", "version"};

std::string knownRoleList() {
    std::string text;
    for (const std::string& role : knownRoles()) text += (text.empty() ? "" : ", ") + role;
    return text;
}

std::vector<std::string> parseRoles(const Poco::JSON::Object::Ptr& body) {
    const Poco::Dynamic::Var value = body->get("roles");
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
        throw ApiError::badRequest("'roles' must be an array of roles (" + knownRoleList() + ")");
    }
    const auto list = value.extract<Poco::JSON::Array::Ptr>();
    std::vector<std::string> roles;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
        if (!item.isString()) throw ApiError::badRequest("'roles[" + std::to_string(i) + "]' must be a string");
        const std::string role = item.extract<std::string>();
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
    }
    return roles;
}

// Nullable text fields: a JSON null clears them.
std::string optionalText(const Poco::JSON::Object::Ptr& body, const std::string& field, const std::string& current) {
    if (!body->has(field)) return current;
    if (body->isNull(field)) return "";
    return api::requiredString(body, field);
}

void apply(const Poco::JSON::Object::Ptr& body, User& user) {
    if (body->has("login")) user.login = api::requiredString(body, "login");
    if (body->has("display_name")) user.displayName = api::requiredString(body, "display_name");
    user.email = optionalText(body, "email", user.email);
    if (body->has("roles")) user.roles = parseRoles(body);
    user.operatorId = optionalText(body, "operator_id", user.operatorId);
    user.branchId = optionalText(body, "branch_id", user.branchId);
    if (const auto active = api::optionalBool(body, "active")) user.active = *active;
}

}  // namespace

void UsersApi::validate(const User& user) {
    // The login is the actor id of everything the user does, so it is held to what actor ids allow.
    static const std::regex login(R"([A-Za-z0-9_.@-]{1,64})");
    if (!std::regex_match(user.login, login)) {
        throw ApiError::badRequest("'login' must be 1 to 64 letters, digits, '_', '.', '@' or '-'; got '" +
                                   user.login + "'");
    }
    if (user.displayName.empty() || user.displayName.size() > 255) {
        throw ApiError::badRequest("'display_name' must be 1 to 255 characters");
    }
    if (user.email.size() > 255 || (!user.email.empty() && user.email.find('@') == std::string::npos)) {
        throw ApiError::badRequest("'email' must be an address like ivanova@example.com, at most 255 characters");
    }
    if (user.roles.empty()) throw ApiError::badRequest("'roles' needs at least one of " + knownRoleList());
    for (const std::string& role : user.roles) {
        if (!isRole(role)) {
            throw ApiError::badRequest("'roles': no role '" + role + "'; the roles are " + knownRoleList());
        }
    }
    // The operator role routes work to a person: it needs the routing operator they work as, and only it has one.
    if (user.hasRole("operator") && user.operatorId.empty()) {
        throw ApiError::badRequest("'operator_id' is required for a user with the role 'operator': the routing "
                                   "operator they work as");
    }
    if (!user.hasRole("operator") && !user.operatorId.empty()) {
        throw ApiError::badRequest("'operator_id' goes with the role 'operator' only");
    }
}

UsersApi::UsersApi(Authenticator& authenticator, WriteBatcher& writer, ConnectionPool& pool, MqttSessions& mqtt,
                   TakeOffline takeOffline)
    : authenticator_(authenticator), writer_(writer), pool_(pool), mqtt_(mqtt), takeOffline_(std::move(takeOffline)) {}

void UsersApi::registerRoutes(Router& router) {
    const Access manage = Access::needs(Permission::UsersManage);
    router.add("GET", "/api/v1/users", manage, [this](const HttpRequest&, const Actor&) { return list(); });
    router.add("POST", "/api/v1/users", manage,
               [this](const HttpRequest& r, const Actor& actor) { return create(r, actor); });
    router.add("GET", "/api/v1/users/{id}", manage, [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/users/{id}", manage,
               [this](const HttpRequest& r, const Actor& actor) { return update(r, actor); });
}

HttpResponse UsersApi::list() {
    const auto users =
        api::readWith<std::vector<User>>(pool_, "the users", [](DbSession& db) { return UserStore(db).all(); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const User& user : users) items->add(toJson(user));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("users", items);
    return api::jsonResponse(200, body);
}

HttpResponse UsersApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto user = api::readWith<std::optional<User>>(pool_, "the user",
                                                         [&](DbSession& db) { return UserStore(db).find(id); });
    if (!user) throw ApiError::notFound("no user " + std::to_string(id));
    return api::jsonResponse(200, toJson(*user));
}

HttpResponse UsersApi::create(const HttpRequest& request, const Actor& actor) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, kFields, "a user");
    User user;
    apply(body, user);
    if (user.displayName.empty()) user.displayName = user.login;
    validate(user);
    const std::string password = api::requiredString(body, "password");
    passwords::checkPolicy(password);
    user.passwordHash = passwords::hash(password);
    User created;
    writer_.run([&](DbSession& db) {
        created = UserStore(db).create(user);
        audit::record(db, actor, request, "user.created", "user:" + std::to_string(created.id), nullptr,
                      toJson(created));
    });
    return api::jsonResponse(201, toJson(created));
}

HttpResponse UsersApi::update(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, kFields, "a user");
    const auto version = api::optionalInt(body, "version");
    std::string passwordHash;
    if (body->has("password")) {
        const std::string password = api::requiredString(body, "password");
        passwords::checkPolicy(password);
        passwordHash = passwords::hash(password);
    }
    User updated;
    bool deactivated = false;
    std::vector<std::string> ended;
    writer_.run([&](DbSession& db) {
        UserStore users(db);
        ended.clear();
        const auto current = users.find(id, true);
        if (!current) throw ApiError::notFound("no user " + std::to_string(id));
        if (version && *version != current->version) {
            throw ApiError(409, "version_conflict",
                           "user " + std::to_string(id) + " changed since you read it (version " +
                               std::to_string(current->version) + ", not " + std::to_string(*version) +
                               "); read it again");
        }
        User user = *current;
        apply(body, user);
        deactivated = current->active && !user.active;
        validate(user);
        updated = users.update(user);
        if (!passwordHash.empty()) users.setPassword(id, passwordHash);
        // Who they are changed in a way their sessions must not outlive: signed in again, they get the new facts.
        if (!updated.active || !passwordHash.empty()) ended = SessionStore(db).revokeUser(id);
        if (!passwordHash.empty()) updated = *users.find(id);
        Poco::JSON::Object::Ptr after = toJson(updated);
        if (!passwordHash.empty()) after->set("password_changed", true);
        audit::record(db, actor, request, "user.updated", "user:" + std::to_string(id), toJson(*current), after);
    });
    authenticator_.forgetUser(id);
    // Their live events end with their sessions: the broker drops the connections of a deleted account.
    mqtt_.revoke(ended);
    // A deactivated operator takes no more work, as after a sign-out.
    if (deactivated && !updated.operatorId.empty() && takeOffline_) takeOffline_(updated.operatorId, actor);
    return api::jsonResponse(200, toJson(updated));
}

}  // namespace omnigate
