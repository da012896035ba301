#include "api/authenticator.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Logger.h>
#include <Poco/SHA2Engine.h>

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "api/api_support.h"
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

}  // namespace

const std::vector<Scope>& grantableScopes() {
    static const std::vector<Scope> scopes{Scope::InteractionsRead, Scope::InteractionsWrite, Scope::ClientsRead,
                                           Scope::ClientsWrite};
    return scopes;
}

std::optional<Scope> parseScope(const std::string& name) {
    for (Scope scope : grantableScopes()) {
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

Authenticator::Authenticator(std::string adminToken, std::string metricsToken, Directory directory,
                             std::chrono::milliseconds cacheFor, std::chrono::milliseconds touchEvery, Clock clock)
    : adminToken_(std::move(adminToken)),
      metricsToken_(std::move(metricsToken)),
      directory_(std::move(directory)),
      cacheFor_(cacheFor),
      touchEvery_(touchEvery),
      clock_(std::move(clock)) {}

Actor Authenticator::admit(const HttpRequest& request, const Access& access) {
    switch (access.kind()) {
        case Access::Kind::Scoped: return authorize(request, access.scope());
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
    const std::optional<ApiToken> token = lookup(given);
    if (!token || token->revoked()) return;  // not ours: the plugin judges it (a visitor's or a bot's token)
    throw ApiError(403, "forbidden",
                   "the API token '" + token->name + "' may not call this endpoint: it is a plugin's, which takes "
                   "its own credentials (the admin token, a visitor's or a bot's token), never an API token");
}

Actor Authenticator::authorize(const HttpRequest& request, Scope scope) {
    const std::string given = request.bearerToken();
    if (given.empty()) {
        throw ApiError::unauthorized(
            scope == Scope::Admin
                ? "this endpoint needs 'Authorization: Bearer <admin token>'"
                : std::string("this endpoint needs 'Authorization: Bearer <token>': the admin token or an API token "
                              "with the scope '") + toString(scope) + "'");
    }
    if (constantTimeEquals(given, adminToken_)) return api::authorizeActor(request, adminToken_);

    const std::optional<ApiToken> token = lookup(given);
    if (!token) throw ApiError::unauthorized("the API token is not valid");
    if (token->revoked()) {
        throw ApiError::unauthorized("the API token '" + token->name + "' was revoked at " + token->revokedAt);
    }
    if (scope == Scope::Admin) {
        throw ApiError(403, "forbidden",
                       "only the admin token may call this endpoint; the API token '" + token->name + "' may not");
    }
    const std::string needed = toString(scope);
    if (std::find(token->scopes.begin(), token->scopes.end(), needed) == token->scopes.end()) {
        throw ApiError(403, "insufficient_scope",
                       "the API token '" + token->name + "' lacks the scope '" + needed +
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
    return directory;
}

}  // namespace omnigate
