// Who may call a REST route: the one place that decides. Each route declares its access in the route table
// (http/access.h) and the HTTP server asks admit() before the handler runs. The admin token (the break-glass
// superuser of the config) holds every permission; a signed-in user those of their roles (auth/roles.h), the own
// forms only on what their operator is offered or holds; an integration's API token the grantable permissions it
// was given. Token and user lookups are cached briefly so a busy CRM or console does not cost a query per call;
// revoking or deactivating through this daemon takes effect at once, through another daemon on the same database
// within the cache's lifetime.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/access_tokens.h"
#include "auth/permission_set.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/route_guard.h"
#include "omnigate/sdk/http.h"
#include "store/api_token_store.h"
#include "store/audit_store.h"
#include "store/interaction_store.h"

namespace omnigate {

// A permission an API token may be granted ("interactions:read"…); nullopt for anything else.
std::optional<Permission> parseScope(const std::string& name);
const std::vector<Permission>& grantableScopes();

// "og_" and 32 random bytes in base64url: the prefix lets secret scanners and people recognise one.
std::string newApiToken();
// Lower-case hex SHA-256: what the database keeps instead of the token.
std::string hashApiToken(const std::string& token);

// A signed-in user as a request sees them: their row, and whether the session their access token names is live.
struct SessionUser {
    std::int64_t id = 0;
    std::string login;
    std::vector<std::string> roles;
    std::string operatorId;
    bool active = false;
    bool sessionLive = false;
};

class Authenticator : public RouteGuard {
public:
    // Where tokens and users are looked up and token use recorded; storeDirectory() is the database's. A missing
    // function answers "nobody" (unit tests of API tokens alone).
    struct Directory {
        std::function<std::optional<ApiToken>(const std::string& tokenHash)> find;
        std::function<void(std::int64_t tokenId)> touch;
        std::function<std::optional<SessionUser>(std::int64_t userId, const std::string& session)> user;
        // Whether the interaction is offered to or held by the operator; whether the client has such an interaction.
        std::function<bool(const std::string& operatorId, std::int64_t interactionId)> holdsInteraction;
        std::function<bool(const std::string& operatorId, std::int64_t clientId)> servesClient;
        // Appends to the audit log (served() records changes to catalogs, routing, tokens and integrations).
        std::function<void(const AuditEntry& entry)> audit;
    };
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // An empty metricsToken leaves monitoring open to anyone.
    Authenticator(std::string adminToken, std::string metricsToken, AccessTokens accessTokens, Directory directory,
                  std::chrono::milliseconds cacheFor = std::chrono::seconds(5),
                  std::chrono::milliseconds touchEvery = std::chrono::minutes(1),
                  Clock clock = [] { return std::chrono::steady_clock::now(); });

    // Open and plugin routes let the request through to their handler, as {anonymous} ({monitoring} on an open
    // route when the caller may monitor); a monitoring route needs the metrics token once one is configured (401);
    // a permitted route asks authorize(); a signed-in route needs a user's access token. A plugin's route refuses
    // a valid API token or user token (403): those carry the core's permissions, and the plugin, which cannot
    // tell one from garbage, would answer 401 "not valid" to a valid one.
    Actor admit(const HttpRequest& request, const Access& access) override;

    // Records in the audit log every change answered 2xx on the routes of catalogs and routing (catalogs:write),
    // API tokens (tokens:manage) and integrations (a plugin's /api/v1/integrations/ routes): who, from where,
    // the method and path, the resource as GET answered it just before a PUT, PATCH or DELETE, and as the change
    // answered it (never a token or password). Users, branches and workplaces record their changes themselves,
    // with the state before, inside the change's own transaction.
    bool wantsBefore(const HttpRequest& request, const Access& access) const override;
    void served(const HttpRequest& request, const Access& access, const Actor& actor, const HttpResponse& response,
                const HttpResponse* before) override;

    // The caller, when it may use a route that needs `access`'s permission. The admin token acts as {admin}, or
    // as the operator `X-Omnigate-Actor: operator:<id>` names. A user acts as their operator {operator, id} when
    // the own form admitted them (then only on what that operator is offered or holds), else as {user, login}; the
    // header is refused (400): a user is who their token says. An active API token with the permission acts as
    // {integration, its name}. 401 for no token, an unknown, revoked or expired one (token_expired); 403 naming
    // the missing permission; 503 when a lookup fails.
    Actor authorize(const HttpRequest& request, const Access& access);

    // The signed-in user an access token names, with their permissions; 401 as authorize() does.
    struct SignedIn {
        SessionUser user;
        AccessClaims claims;
        PermissionSet permissions;
    };
    SignedIn signedIn(const HttpRequest& request);

    // A token revoked through this daemon: the next call with it is looked up again, so it fails at once.
    void forget(std::int64_t tokenId);
    // A user changed, deactivated or signed out through this daemon: their next request is looked up again.
    void forgetUser(std::int64_t userId);

    const AccessTokens& accessTokens() const { return accessTokens_; }

private:
    struct Cached {
        std::optional<ApiToken> token;  // nullopt: no such token (a typo'd token would otherwise cost a query a call)
        std::chrono::steady_clock::time_point fetchedAt;
    };

    struct CachedUser {
        std::optional<SessionUser> user;
        std::chrono::steady_clock::time_point fetchedAt;
    };

    std::optional<ApiToken> lookup(const std::string& token);
    std::optional<SessionUser> lookupUser(std::int64_t userId, const std::string& session);
    Actor authorizeUser(const HttpRequest& request, const Access& access);
    bool owns(const SessionUser& user, const HttpRequest& request, Ownership ownership);
    void refuseApiToken(const HttpRequest& request);
    bool mayMonitor(const HttpRequest& request) const;
    void touchIfDue(std::int64_t tokenId);

    const std::string adminToken_;
    const std::string metricsToken_;
    const AccessTokens accessTokens_;
    const Directory directory_;
    const std::chrono::milliseconds cacheFor_;
    const std::chrono::milliseconds touchEvery_;
    const Clock clock_;

    std::mutex mutex_;
    std::unordered_map<std::string, Cached> cache_;  // by token hash
    std::unordered_map<std::int64_t, std::chrono::steady_clock::time_point> touched_;
    std::unordered_map<std::string, CachedUser> users_;  // by "<user id>/<session>"
    std::uint64_t generation_ = 0;  // bumped by forget() and forgetUser(): a lookup that raced is not cached
};

// Tokens from api_tokens through the pool; last_used_at written through the group-commit writer.
Authenticator::Directory storeDirectory(ConnectionPool& pool, WriteBatcher& writer);

}  // namespace omnigate
