#include "api/authenticator.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/SHA2Engine.h>

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "api/api_support.h"
#include "auth/roles.h"
#include "store/session_store.h"
#include "store/user_store.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/secrets.h"

namespace omnigate {

namespace {

const char* const kTokenPrefix = "og_";
constexpr std::size_t kTokenBytes = 32;
// Longer "tokens" are not ours; they are refused without hashing or a query.
constexpr std::size_t kMaxTokenLength = 128;
// Lookups of unknown tokens are cached too; a client trying many stays bounded.
constexpr std::size_t kMaxCached = 10000;

Poco::Logger& logger() { return Poco::Logger::get("omnigate.api"); }

std::string scopeList(const std::vector<std::string>& scopes) {
    if (scopes.empty()) return "none";
    std::string text;
    for (const std::string& s : scopes) text += (text.empty() ? "" : ", ") + s;
    return text;
}

// An answer as the audit log keeps it: a JSON object, or null (a list, a file, no body: the action and target say
// what happened). A new API token is shown once, to whoever created it; the log keeps what it is, not the secret.
Poco::JSON::Object::Ptr auditedObject(const HttpResponse& response) {
    if (response.contentType.rfind("application/json", 0) != 0 || response.body.empty()) return nullptr;
    try {
        Poco::JSON::Object::Ptr object =
            Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
        object->remove("token");
        return object;
    } catch (const std::exception&) {
        return nullptr;
    }
}

}  // namespace

const std::vector<Permission>& grantableScopes() {
    static const std::vector<Permission> scopes{Permission::InteractionsRead, Permission::InteractionsWrite,
                                                Permission::ClientsRead, Permission::ClientsWrite};
    return scopes;
}

std::optional<Permission> parseScope(const std::string& name) {
    for (Permission scope : grantableScopes()) {
        if (name == toString(scope)) return scope;
    }
    return std::nullopt;
}

std::string newApiToken() {
    unsigned char bytes[kTokenBytes];
    std::size_t filled = 0;
    while (filled < kTokenBytes) {
        const ssize_t n = ::getrandom(bytes + filled, kTokenBytes - filled, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("no randomness for a new API token: ") + std::strerror(errno));
        }
        filled += static_cast<std::size_t>(n);
    }
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(reinterpret_cast<const char*>(bytes), kTokenBytes);
    encoder.close();
    std::fill(std::begin(bytes), std::end(bytes), 0);
    return kTokenPrefix + out.str();
}

std::string hashApiToken(const std::string& token) {
    Poco::SHA2Engine sha256(Poco::SHA2Engine::SHA_256);
    sha256.update(token);
    return Poco::DigestEngine::digestToHex(sha256.digest());
}

Authenticator::Authenticator(std::string adminToken, std::string metricsToken, AccessTokens accessTokens,
                             Directory directory, std::chrono::milliseconds cacheFor,
                             std::chrono::milliseconds touchEvery, Clock clock)
    : adminToken_(std::move(adminToken)),
      metricsToken_(std::move(metricsToken)),
      accessTokens_(std::move(accessTokens)),
      directory_(std::move(directory)),
      cacheFor_(cacheFor),
      touchEvery_(touchEvery),
      clock_(std::move(clock)) {}

Actor Authenticator::admit(const HttpRequest& request, const Access& access) {
    switch (access.kind()) {
        case Access::Kind::Permitted: return authorize(request, access);
        case Access::Kind::SignedIn: {
            if (!AccessTokens::looksLikeJwt(request.bearerToken())) {
                throw ApiError::unauthorized("this endpoint is a signed-in user's: it needs 'Authorization: Bearer "
                                             "<access token>' from POST /api/v1/auth/login");
            }
            const SignedIn user = signedIn(request);
            Actor actor{"user", user.user.login, user.user.login, user.claims.workplace};
            if (!user.user.operatorId.empty()) actor = Actor{"operator", user.user.operatorId, user.user.login,
                                                             user.claims.workplace};
            return actor;
        }
        case Access::Kind::Plugin: refuseApiToken(request); break;
        case Access::Kind::Open: return mayMonitor(request) ? Actor{"monitoring", ""} : Actor{"anonymous", ""};
        case Access::Kind::Monitoring:
            if (!mayMonitor(request)) {
                throw ApiError::unauthorized("this endpoint needs 'Authorization: Bearer <metrics token>' "
                                             "(http.metrics_token)");
            }
            return Actor{"monitoring", ""};
    }
    return Actor{"anonymous", ""};
}

bool Authenticator::mayMonitor(const HttpRequest& request) const {
    if (metricsToken_.empty()) return true;
    const std::string given = request.bearerToken();
    return constantTimeEquals(given, metricsToken_) || constantTimeEquals(given, adminToken_);
}

void Authenticator::refuseApiToken(const HttpRequest& request) {
    const std::string given = request.bearerToken();
    if (given.empty() || constantTimeEquals(given, adminToken_)) return;
    if (AccessTokens::looksLikeJwt(given)) {
        try {
            accessTokens_.verify(given);
        } catch (const ApiError&) {
            return;  // not ours: the plugin judges it
        }
        throw ApiError(403, "forbidden",
                       "a signed-in user's access token may not call this endpoint: it is a plugin's, which takes "
                       "its own credentials (the admin token, a visitor's or a bot's token)");
    }
    const std::optional<ApiToken> token = lookup(given);
    if (!token || token->revoked()) return;  // not ours: the plugin judges it (a visitor's or a bot's token)
    throw ApiError(403, "forbidden",
                   "the API token '" + token->name + "' may not call this endpoint: it is a plugin's, which takes "
                   "its own credentials (the admin token, a visitor's or a bot's token), never an API token");
}

Actor Authenticator::authorize(const HttpRequest& request, const Access& access) {
    const Permission permission = access.permission();
    const std::string needed = toString(permission);
    const std::string given = request.bearerToken();
    if (given.empty()) {
        throw ApiError::unauthorized("this endpoint needs 'Authorization: Bearer <token>': a signed-in user's access "
                                     "token, the admin token, or an API token with the permission '" + needed + "'");
    }
    if (constantTimeEquals(given, adminToken_)) return api::authorizeActor(request, adminToken_);
    if (AccessTokens::looksLikeJwt(given)) return authorizeUser(request, access);

    const std::optional<ApiToken> token = lookup(given);
    if (!token) throw ApiError::unauthorized("the API token is not valid");
    if (token->revoked()) {
        throw ApiError::unauthorized("the API token '" + token->name + "' was revoked at " + token->revokedAt);
    }
    if (std::find(token->scopes.begin(), token->scopes.end(), needed) == token->scopes.end()) {
        throw ApiError(403, "insufficient_scope",
                       "the API token '" + token->name + "' lacks the permission '" + needed +
                           "' this endpoint needs (it has: " + scopeList(token->scopes) + ")");
    }
    // An integration acts as itself; letting it name an operator would let it act in that operator's name.
    if (!request.header("x-omnigate-actor").empty()) {
        throw ApiError::badRequest("'X-Omnigate-Actor' goes with the admin token only; the API token '" +
                                   token->name + "' acts as itself");
    }
    touchIfDue(token->id);
    return Actor{"integration", token->name};
}

Authenticator::SignedIn Authenticator::signedIn(const HttpRequest& request) {
    const AccessClaims claims = accessTokens_.verify(request.bearerToken());
    const std::optional<SessionUser> user = lookupUser(claims.userId, claims.session);
    if (!user || !user->active) {
        throw ApiError(401, "user_inactive", "this user is deactivated or gone; ask a business administrator");
    }
    if (!user->sessionLive) {
        throw ApiError(401, "session_ended", "this sign-in session has ended (signed out, or its refresh token was "
                                             "replayed); sign in again");
    }
    return SignedIn{*user, claims, permissionsOf(user->roles)};
}

Actor Authenticator::authorizeUser(const HttpRequest& request, const Access& access) {
    const SignedIn session = signedIn(request);
    const SessionUser& user = session.user;
    // A user is who their token says; acting in another's name is the admin token's break-glass only.
    if (!request.header("x-omnigate-actor").empty()) {
        throw ApiError::badRequest("'X-Omnigate-Actor' goes with the admin token only; a signed-in user acts as "
                                   "themselves (" + user.login + ")");
    }
    const Permission permission = access.permission();
    if (session.permissions.holds(permission)) {
        Actor actor{"user", user.login, user.login, session.claims.workplace};
        actor.operatorId = user.operatorId;
        return actor;
    }
    const std::string needed = toString(permission);
    if (session.permissions.holdsOwnOnly(permission) && !user.operatorId.empty()) {
        if (access.ownership() == Ownership::None) {
            throw ApiError(403, "insufficient_permission",
                           "user '" + user.login + "' holds '" + needed + "' only for their own work, and this "
                           "endpoint reaches everyone's (it needs '" + needed + "' itself, a supervisor's)");
        }
        if (!owns(user, request, access.ownership())) {
            throw ApiError(403, "not_yours",
                           "user '" + user.login + "' (operator " + user.operatorId + ") may do this only on what "
                           "is offered to or held by them; '" + needed + "' on everyone's is a supervisor's");
        }
        Actor actor{"operator", user.operatorId, user.login, session.claims.workplace};
        actor.ownOnly = true;
        actor.operatorId = user.operatorId;
        return actor;
    }
    std::string roles;
    for (const std::string& role : user.roles) roles += (roles.empty() ? "" : ", ") + role;
    throw ApiError(403, "insufficient_permission",
                   "user '" + user.login + "' lacks the permission '" + needed + "' this endpoint needs (roles: " +
                       (roles.empty() ? "none" : roles) + ")");
}

bool Authenticator::owns(const SessionUser& user, const HttpRequest& request, Ownership ownership) {
    const auto pathNumber = [&]() -> std::int64_t {
        const std::string id = request.param("id");
        if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) return 0;
        return std::stoll(id);
    };
    switch (ownership) {
        case Ownership::None: return false;
        case Ownership::Caller: return true;
        case Ownership::Operator: return request.param("id") == user.operatorId;
        case Ownership::Interaction: {
            const std::int64_t id = pathNumber();
            return id > 0 && directory_.holdsInteraction && directory_.holdsInteraction(user.operatorId, id);
        }
        case Ownership::Client: {
            const std::int64_t id = pathNumber();
            return id > 0 && directory_.servesClient && directory_.servesClient(user.operatorId, id);
        }
    }
    return false;
}

std::optional<SessionUser> Authenticator::lookupUser(std::int64_t userId, const std::string& session) {
    if (!directory_.user) return std::nullopt;
    const std::string key = std::to_string(userId) + "/" + session;
    std::uint64_t generation = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = users_.find(key);
        if (it != users_.end() && clock_() - it->second.fetchedAt < cacheFor_) return it->second.user;
        generation = generation_;
    }
    std::optional<SessionUser> found = directory_.user(userId, session);
    std::lock_guard<std::mutex> lock(mutex_);
    if (generation == generation_) {
        if (users_.size() >= kMaxCached) users_.clear();
        users_[key] = CachedUser{found, clock_()};
    }
    return found;
}

void Authenticator::forgetUser(std::int64_t userId) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    const std::string prefix = std::to_string(userId) + "/";
    for (auto it = users_.begin(); it != users_.end();) {
        it = it->first.rfind(prefix, 0) == 0 ? users_.erase(it) : std::next(it);
    }
}

bool Authenticator::wantsBefore(const HttpRequest& request, const Access& access) const {
    if (request.method == "GET" || !directory_.audit) return false;
    return access.kind() == Access::Kind::Permitted &&
           (access.permission() == Permission::CatalogsWrite || access.permission() == Permission::TokensManage);
}

void Authenticator::served(const HttpRequest& request, const Access& access, const Actor& actor,
                           const HttpResponse& response, const HttpResponse* before) {
    if (response.status < 200 || response.status >= 300 || !wantsBefore(request, access)) return;
    AuditEntry entry;
    entry.actor = actor;
    entry.address = request.clientIp;
    entry.action = request.method + " " + request.path;
    entry.target = request.path;
    entry.before = before ? auditedObject(*before) : nullptr;
    entry.after = auditedObject(response);
    // Bookkeeping after the change committed: a failure is logged, never turned into the change's failure.
    try {
        directory_.audit(entry);
    } catch (const std::exception& e) {
        logger().warning("recording %s by %s:%s in the audit log failed: %s", entry.action, actor.kind, actor.id,
                         withCause(e));
    }
}

void Authenticator::forget(std::int64_t tokenId) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    for (auto it = cache_.begin(); it != cache_.end();) {
        if (it->second.token && it->second.token->id == tokenId) {
            it = cache_.erase(it);
        } else {
            ++it;
        }
    }
}

std::optional<ApiToken> Authenticator::lookup(const std::string& token) {
    if (token.rfind(kTokenPrefix, 0) != 0 || token.size() > kMaxTokenLength) return std::nullopt;
    const std::string hash = hashApiToken(token);
    std::uint64_t generation = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = cache_.find(hash);
        if (it != cache_.end() && clock_() - it->second.fetchedAt < cacheFor_) return it->second.token;
        generation = generation_;
    }
    std::optional<ApiToken> found = directory_.find(hash);
    std::lock_guard<std::mutex> lock(mutex_);
    // A revocation while we read may have been read before its commit: then this answer is not kept.
    if (generation == generation_) {
        if (cache_.size() >= kMaxCached) cache_.clear();
        cache_[hash] = Cached{found, clock_()};
    }
    return found;
}

void Authenticator::touchIfDue(std::int64_t tokenId) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto now = clock_();
        const auto [it, first] = touched_.try_emplace(tokenId, now);
        if (!first) {
            if (now - it->second < touchEvery_) return;
            it->second = now;
        }
    }
    // Bookkeeping: a failure here must not fail the call it records.
    try {
        directory_.touch(tokenId);
    } catch (const std::exception& e) {
        logger().warning("recording the use of API token %s failed: %s", std::to_string(tokenId), withCause(e));
    }
}

Authenticator::Directory storeDirectory(ConnectionPool& pool, WriteBatcher& writer) {
    Authenticator::Directory directory;
    directory.find = [&pool](const std::string& tokenHash) {
        return api::readWith<std::optional<ApiToken>>(
            pool, "the API token", [&](DbSession& session) { return ApiTokenStore(session).findByHash(tokenHash); });
    };
    directory.touch = [&writer](std::int64_t tokenId) {
        writer.run([tokenId](DbSession& session) { ApiTokenStore(session).touch(tokenId); });
    };
    directory.user = [&pool](std::int64_t userId, const std::string& sessionId) {
        return api::readWith<std::optional<SessionUser>>(pool, "the signed-in user", [&](DbSession& session) {
            const std::optional<User> user = UserStore(session).find(userId);
            if (!user) return std::optional<SessionUser>();
            return std::optional<SessionUser>(SessionUser{user->id, user->login, user->roles, user->operatorId,
                                                          user->active, SessionStore(session).live(sessionId)});
        });
    };
    directory.audit = [&writer](const AuditEntry& entry) {
        writer.run([&entry](DbSession& session) { AuditStore(session).append(entry); });
    };
    // Offered or held: an offered interaction carries the operator it is offered to, as a held one does.
    directory.holdsInteraction = [&pool](const std::string& operatorId, std::int64_t interactionId) {
        return api::readWith<bool>(pool, "the interaction's operator", [&](DbSession& session) {
            sql::PreparedStatement& q = session.prepare("SELECT 1 FROM interactions WHERE id = ? AND operator = ?");
            q.setInt64(1, interactionId);
            q.setString(2, operatorId);
            std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
            return rs->next();
        });
    };
    directory.servesClient = [&pool](const std::string& operatorId, std::int64_t clientId) {
        return api::readWith<bool>(pool, "the client's operators", [&](DbSession& session) {
            sql::PreparedStatement& q = session.prepare(
                "SELECT 1 FROM interactions WHERE client_id = ? AND operator = ? LIMIT 1");
            q.setInt64(1, clientId);
            q.setString(2, operatorId);
            std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
            return rs->next();
        });
    };
    return directory;
}

}  // namespace omnigate
