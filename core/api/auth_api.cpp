#include "api/auth_api.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>

#include <algorithm>

#include "api/api_support.h"
#include "api/audit_trail.h"
#include "auth/passwords.h"
#include "auth/roles.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"
#include "store/branch_store.h"
#include "store/session_store.h"
#include "store/user_store.h"

namespace omnigate {

namespace {

// The session's desk is free again once it ends; a later sign-in elsewhere has moved the operator already and is
// left alone.
void freeWorkplace(DbSession& db, const std::string& operatorId, const std::string& workplace) {
    if (operatorId.empty() || workplace.empty()) return;
    sql::PreparedStatement& q = db.prepare("UPDATE operators SET workplace = '' WHERE id = ? AND workplace = ?");
    q.setString(1, operatorId);
    q.setString(2, workplace);
    q.executeUpdate();
}

// "ogr_" and 32 random bytes: the same shape as API tokens, a prefix of its own so nobody mixes them up.
const char* const kRefreshPrefix = "ogr_";
constexpr std::size_t kMaxLoginLength = 255;

Poco::Logger& logger() { return Poco::Logger::get("omnigate.auth"); }

ApiError wrongCredentials() {
    return ApiError(401, "invalid_credentials", "wrong login or password");
}

std::string newRefreshToken() { return kRefreshPrefix + newApiToken().substr(3); }

void setOperatorWorkplace(DbSession& db, const std::string& operatorId, const std::string& workplace) {
    sql::PreparedStatement& q = db.prepare("UPDATE operators SET workplace = ? WHERE id = ?");
    q.setString(1, workplace);
    q.setString(2, operatorId);
    q.executeUpdate();
}

// Who a session's own records (sign-in, a replayed refresh token) name: the user as their operator when they are one.
Actor actorOf(const User& user, const std::string& workplace) {
    if (user.operatorId.empty()) return Actor("user", user.login, user.login, workplace);
    return Actor("operator", user.operatorId, user.login, workplace);
}

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr attempt(const std::string& login, const std::string& workplace) {
    Poco::JSON::Object::Ptr o = object();
    o->set("login", login);
    if (!workplace.empty()) o->set("workplace", workplace);
    return o;
}

Poco::JSON::Object::Ptr describe(const User& user, const std::string& workplace) {
    Poco::JSON::Object::Ptr o = object();
    o->set("id", user.id);
    o->set("login", user.login);
    o->set("display_name", user.displayName);
    o->set("email", user.email);
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    for (const std::string& role : user.roles) roles->add(role);
    o->set("roles", roles);
    Poco::JSON::Array::Ptr permissions = new Poco::JSON::Array;
    for (const std::string& name : permissionsOf(user.roles).names()) permissions->add(name);
    o->set("permissions", permissions);
    o->set("operator_id", user.operatorId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(user.operatorId));
    o->set("branch_id", user.branchId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(user.branchId));
    o->set("workplace", workplace.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(workplace));
    return o;
}

}  // namespace

AuthApi::AuthApi(const AuthConfig& config, Authenticator& authenticator, RoutingService& routing,
                 WriteBatcher& writer, ConnectionPool& pool, const LdapDirectory* directory, MqttSessions& mqtt)
    : config_(config),
      authenticator_(authenticator),
      routing_(routing),
      writer_(writer),
      pool_(pool),
      directory_(directory),
      mqtt_(mqtt),
      throttle_(config.lockoutFailures, config.lockoutFor) {}

void AuthApi::registerRoutes(Router& router) {
    // Open on purpose: these are how a person without a token gets one.
    router.add("POST", "/api/v1/auth/login", Access::open(),
               [this](const HttpRequest& r, const Actor&) { return login(r); });
    router.add("POST", "/api/v1/auth/refresh", Access::open(),
               [this](const HttpRequest& r, const Actor&) { return refresh(r); });
    router.add("POST", "/api/v1/auth/logout", Access::signedIn(),
               [this](const HttpRequest& r, const Actor& actor) { return logout(r, actor); });
    router.add("GET", "/api/v1/auth/me", Access::signedIn(),
               [this](const HttpRequest& r, const Actor&) { return me(r); });
}

HttpResponse AuthApi::login(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"login", "password", "workplace"}, "a sign-in");
    const std::string login = api::requiredString(body, "login");
    const std::string password = api::requiredString(body, "password");
    const std::string workplace = api::optionalString(body, "workplace").value_or("");
    if (login.empty() || login.size() > kMaxLoginLength) {
        throw ApiError::badRequest("'login' must be 1 to " + std::to_string(kMaxLoginLength) + " characters");
    }
    if (password.size() > passwords::kMaxLength) throw wrongCredentials();
    const std::string address = request.clientIp;
    if (const auto wait = throttle_.lockedFor(login, address)) {
        throw ApiError(429, "too_many_failures",
                       "too many failed sign-ins for this login from this address; try again in " +
                           std::to_string(wait->count()) + " s",
                       *wait);
    }

    std::optional<User> found = api::readWith<std::optional<User>>(
        pool_, "the user", [&](DbSession& session) { return UserStore(session).findByLogin(login); });
    // An unknown login costs the time of a wrong password, and both answer the same.
    bool valid = false;
    if (found && found->source == "local" && !found->passwordHash.empty()) {
        valid = !password.empty() && passwords::verify(found->passwordHash, password);
    } else if (directory_ && (!found || found->source == "ldap")) {
        if (std::optional<User> signedIn = signInWithDirectory(login, password, found)) {
            found = std::move(signedIn);
            valid = true;
        }
    } else {
        passwords::verifyNothing(password);
    }
    if (!valid || !found->active) {
        throttle_.failed(login, address);
        writer_.run([&](DbSession& session) {
            audit::record(session, Actor{"anonymous", ""}, request, "auth.sign_in_failed",
                          found ? "user:" + std::to_string(found->id) : "", nullptr, attempt(login, workplace));
        });
        if (valid) {
            throw ApiError(403, "user_inactive", "this user is deactivated; ask a business administrator");
        }
        throw wrongCredentials();
    }
    throttle_.succeeded(login, address);

    const User& user = *found;
    const std::string refreshToken = newRefreshToken();
    std::string session;
    writer_.run([&](DbSession& db) {
        if (!workplace.empty() && !BranchStore(db).findWorkplace(workplace)) {
            throw ApiError::badRequest("'workplace': no workplace '" + workplace + "'");
        }
        session = SessionStore(db).start(user.id, workplace, hashApiToken(refreshToken), config_.refreshTokenLifetime);
        // The operator works at this desk now: a voice channel rings its phone (ChannelHost::operatorPhone).
        if (!workplace.empty() && !user.operatorId.empty()) setOperatorWorkplace(db, user.operatorId, workplace);
        UserStore(db).recordSignIn(user.id);
        const Actor actor = actorOf(user, workplace);
        audit::record(db, actor, request, "auth.sign_in", "user:" + std::to_string(user.id), nullptr,
                      attempt(login, workplace));
    });
    if (user.source == "local" && passwords::needsRehash(user.passwordHash)) {
        // Costs rose since this password was set: keep the stronger hash now that the password is at hand.
        const std::string rehashed = passwords::hash(password);
        writer_.run([&](DbSession& db) { UserStore(db).setPassword(user.id, rehashed); });
    }
    logger().information("user %s signed in from %s", user.login, address);

    Poco::JSON::Object::Ptr answer = object();
    answer->set("access_token", authenticator_.accessTokens().issue(user.id, session, workplace));
    answer->set("token_type", "Bearer");
    answer->set("expires_in", static_cast<std::int64_t>(authenticator_.accessTokens().lifetime().count()));
    answer->set("refresh_token", refreshToken);
    answer->set("refresh_expires_in", static_cast<std::int64_t>(config_.refreshTokenLifetime.count()));
    answer->set("user", describe(user, workplace));
    // The broker account of this session, its password shown this once; null for roles that read nothing live.
    const Poco::JSON::Object::Ptr mqtt = mqtt_.grant(user, session);
    answer->set("mqtt", mqtt ? Poco::Dynamic::Var(mqtt) : Poco::Dynamic::Var());
    return api::jsonResponse(200, answer);
}

std::optional<User> AuthApi::signInWithDirectory(const std::string& login, const std::string& password,
                                                 const std::optional<User>& known) {
    std::optional<DirectoryUser> person;
    try {
        person = directory_->authenticate(login, password);
    } catch (const DirectoryUnavailable& e) {
        logger().warning("sign-in of %s: %s", login, std::string(e.what()));
        throw ApiError(503, "directory_unavailable",
                       "the directory " + e.url() + " does not answer; local users can still sign in");
    }
    if (!person) return std::nullopt;
    // The directory is the truth about who they are and what they may do; omnigate keeps its own id, the
    // operator link and whether a business administrator deactivated them.
    User user = known.value_or(User{});
    user.login = known ? known->login : person->login;
    user.displayName = person->displayName.empty() ? person->login : person->displayName.substr(0, 255);
    user.email = person->email.substr(0, 255);
    user.roles = person->roles;
    user.source = "ldap";
    const bool operatorRole = user.hasRole("operator");
    if (!operatorRole) user.operatorId.clear();
    std::optional<User> stored;
    writer_.run([&](DbSession& db) {
        UserStore users(db);
        if (operatorRole && user.operatorId.empty()) {
            sql::PreparedStatement& q = db.prepare("SELECT 1 FROM operators WHERE id = ?");
            q.setString(1, user.login);
            std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
            if (!rs->next()) {
                throw ApiError(403, "no_operator",
                               "the directory makes '" + user.login + "' an operator, but no routing operator has "
                               "that id; a business administrator creates it (POST /api/v1/operators)");
            }
            user.operatorId = user.login;
        }
        stored = known ? users.update(user) : users.create(user);
    });
    if (known) authenticator_.forgetUser(known->id);
    return stored;
}

HttpResponse AuthApi::refresh(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"refresh_token"}, "a refresh");
    const std::string presented = api::requiredString(body, "refresh_token");
    if (presented.rfind(kRefreshPrefix, 0) != 0 || presented.size() > 128) {
        throw ApiError(401, "invalid_token", "the refresh token is not valid; sign in again");
    }
    enum class Outcome { Rotated, Unknown, Ended, Reused, Expired, Inactive };
    Outcome outcome = Outcome::Unknown;
    const std::string next = newRefreshToken();
    RefreshToken token;
    User user;
    writer_.run([&](DbSession& db) {
        SessionStore sessions(db);
        const auto found = sessions.findForUpdate(hashApiToken(presented));
        if (!found) return;
        token = *found;
        const auto owner = UserStore(db).find(token.userId);
        if (!owner) return;
        user = *owner;
        const Actor actor = actorOf(user, token.workplaceId);
        if (token.revoked) {
            outcome = Outcome::Ended;
        } else if (token.used) {
            // A used token again: one of the two holders copied it. Both lose the session.
            sessions.revokeFamily(token.family);
            audit::record(db, actor, request, "auth.refresh_reused", "user:" + std::to_string(user.id), nullptr,
                          nullptr);
            outcome = Outcome::Reused;
        } else if (token.expired) {
            outcome = Outcome::Expired;
        } else if (!user.active) {
            sessions.revokeFamily(token.family);
            outcome = Outcome::Inactive;
        } else {
            sessions.markUsed(token.id);
            sessions.add(token, hashApiToken(next), config_.refreshTokenLifetime);
            outcome = Outcome::Rotated;
        }
    });
    switch (outcome) {
        case Outcome::Rotated: break;
        case Outcome::Unknown: throw ApiError(401, "invalid_token", "the refresh token is not valid; sign in again");
        case Outcome::Ended:
            throw ApiError(401, "session_ended", "this sign-in session has ended (signed out, or a refresh token was "
                                                 "replayed); sign in again");
        case Outcome::Reused:
            authenticator_.forgetUser(user.id);
            mqtt_.revoke({token.family});
            throw ApiError(401, "refresh_token_reused",
                           "this refresh token was used already: the session is ended for everyone holding it; "
                           "sign in again");
        case Outcome::Expired:
            throw ApiError(401, "token_expired", "the refresh token expired; sign in again");
        case Outcome::Inactive:
            mqtt_.revoke({token.family});
            throw ApiError(401, "user_inactive", "this user is deactivated; ask a business administrator");
    }
    Poco::JSON::Object::Ptr answer = object();
    answer->set("access_token", authenticator_.accessTokens().issue(user.id, token.family, token.workplaceId));
    answer->set("token_type", "Bearer");
    answer->set("expires_in", static_cast<std::int64_t>(authenticator_.accessTokens().lifetime().count()));
    answer->set("refresh_token", next);
    answer->set("refresh_expires_in", static_cast<std::int64_t>(config_.refreshTokenLifetime.count()));
    return api::jsonResponse(200, answer);
}

HttpResponse AuthApi::logout(const HttpRequest& request, const Actor& actor) {
    const Authenticator::SignedIn session = authenticator_.signedIn(request);
    writer_.run([&](DbSession& db) {
        SessionStore(db).revokeFamily(session.claims.session);
        freeWorkplace(db, session.user.operatorId, session.claims.workplace);
        audit::record(db, actor, request, "auth.sign_out", "user:" + std::to_string(session.user.id), nullptr,
                      nullptr);
    });
    authenticator_.forgetUser(session.user.id);
    mqtt_.revoke({session.claims.session});
    // Signed out means not taking work: the router must not offer them anything more.
    if (!session.user.operatorId.empty()) {
        try {
            routing_.setOperatorStatus(session.user.operatorId, "offline", "", actor);
        } catch (const std::exception& e) {
            logger().warning("user %s signed out, but operator %s stays in its status: %s", session.user.login,
                             session.user.operatorId, std::string(e.what()));
        }
    }
    return api::noContent();
}

int AuthApi::endExpiredSessions() {
    // A sweep's worth: a backlog (the daemon was down for a day) drains over the next sweeps.
    constexpr int kBatch = 200;
    const auto expired = api::readWith<std::vector<ExpiredSession>>(
        pool_, "expired sessions", [&](DbSession& db) { return SessionStore(db).expired(kBatch); });
    std::vector<std::string> families;
    for (const ExpiredSession& session : expired) families.push_back(session.family);
    const std::vector<std::string> ended = mqtt_.revoke(families);
    for (const ExpiredSession& session : expired) {
        if (std::find(ended.begin(), ended.end(), session.family) == ended.end()) continue;
        std::optional<User> user;
        bool otherLive = false;
        writer_.run([&](DbSession& db) {
            SessionStore sessions(db);
            sessions.revokeFamily(session.family);
            otherLive = sessions.otherLive(session.userId, session.family);
            user = UserStore(db).find(session.userId);
            if (user) freeWorkplace(db, user->operatorId, session.workplaceId);
        });
        // Nobody refreshed for a whole refresh-token lifetime: nobody is at the desk. Offers would only lapse.
        if (user && !user->operatorId.empty() && !otherLive) {
            try {
                routing_.setOperatorStatus(user->operatorId, "offline", "", Actor("system", "session-expiry"));
            } catch (const std::exception& e) {
                logger().warning("the session of user %s expired, but operator %s stays in its status: %s",
                                 user->login, user->operatorId, std::string(e.what()));
            }
        }
    }
    return static_cast<int>(ended.size());
}

HttpResponse AuthApi::me(const HttpRequest& request) {
    const Authenticator::SignedIn session = authenticator_.signedIn(request);
    const auto user = api::readWith<std::optional<User>>(
        pool_, "the user", [&](DbSession& db) { return UserStore(db).find(session.user.id); });
    if (!user) throw ApiError(401, "user_inactive", "this user is gone; ask a business administrator");
    return api::jsonResponse(200, describe(*user, session.claims.workplace));
}

}  // namespace omnigate
