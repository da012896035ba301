// Who may call a REST route: the one place that decides. Each route declares its access in the route table
// (http/access.h) and the HTTP server asks admit() before the handler runs; the admin token holds every scope, an
// integration's API token only those it was granted (issue 7, "the integration API").
// Token lookups are cached briefly so a busy CRM does not cost a query per call; revoking through this daemon
// takes effect at once, through another daemon on the same database within the cache's lifetime.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/route_guard.h"
#include "omnigate/sdk/http.h"
#include "store/api_token_store.h"
#include "store/interaction_store.h"

namespace omnigate {

// A scope an API token may be granted ("interactions:read"…); nullopt for anything else, "admin" included.
std::optional<Scope> parseScope(const std::string& name);
const std::vector<Scope>& grantableScopes();

// "og_" and 32 random bytes in base64url: the prefix lets secret scanners and people recognise one.
std::string newApiToken();
// Lower-case hex SHA-256: what the database keeps instead of the token.
std::string hashApiToken(const std::string& token);

class Authenticator : public RouteGuard {
public:
    // Where tokens are looked up (by hash) and their use recorded; storeDirectory() is the database's.
    struct Directory {
        std::function<std::optional<ApiToken>(const std::string& tokenHash)> find;
        std::function<void(std::int64_t tokenId)> touch;
    };
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // An empty metricsToken leaves monitoring open to anyone.
    Authenticator(std::string adminToken, std::string metricsToken, Directory directory,
                  std::chrono::milliseconds cacheFor = std::chrono::seconds(5),
                  std::chrono::milliseconds touchEvery = std::chrono::minutes(1),
                  Clock clock = [] { return std::chrono::steady_clock::now(); });

    // Open and plugin routes let the request through to their handler, as {anonymous} ({monitoring} on an open
    // route when the caller may monitor); a monitoring route needs the metrics token once one is configured (401);
    // a scoped route asks authorize(). A plugin's route refuses a valid API token (403): the token's scopes are
    // the core's, and the plugin, which cannot tell one from garbage, would answer 401 "not valid" to a valid one.
    Actor admit(const HttpRequest& request, const Access& access) override;

    // The caller, when it may use a route that needs `scope`. The admin token acts as {admin}, or as the operator
    // `X-Omnigate-Actor: operator:<id>` names; an active API token with the scope acts as {integration, its name}.
    // 401 for no token, an unknown or a revoked one; 403 naming the missing scope; 503 when the lookup fails.
    Actor authorize(const HttpRequest& request, Scope scope);

    // A token revoked through this daemon: the next call with it is looked up again, so it fails at once.
    void forget(std::int64_t tokenId);

private:
    struct Cached {
        std::optional<ApiToken> token;  // nullopt: no such token (a typo'd token would otherwise cost a query a call)
        std::chrono::steady_clock::time_point fetchedAt;
    };

    std::optional<ApiToken> lookup(const std::string& token);
    void refuseApiToken(const HttpRequest& request);
    bool mayMonitor(const HttpRequest& request) const;
    void touchIfDue(std::int64_t tokenId);

    const std::string adminToken_;
    const std::string metricsToken_;
    const Directory directory_;
    const std::chrono::milliseconds cacheFor_;
    const std::chrono::milliseconds touchEvery_;
    const Clock clock_;

    std::mutex mutex_;
    std::unordered_map<std::string, Cached> cache_;  // by token hash
    std::unordered_map<std::int64_t, std::chrono::steady_clock::time_point> touched_;
    std::uint64_t generation_ = 0;  // bumped by forget(): a lookup that raced with it is not cached
};

// Tokens from api_tokens through the pool; last_used_at written through the group-commit writer.
Authenticator::Directory storeDirectory(ConnectionPool& pool, WriteBatcher& writer);

}  // namespace omnigate
