// The authenticator decides who may call which route: the admin token everything, an API token only its scopes.
// These tests drive it with an in-memory directory and a hand-moved clock, so the cache and the once-a-minute
// bookkeeping are checked exactly; the e2e suite (tests/e2e/api_tokens_e2e_test.cpp) checks it in the daemon.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "api/authenticator.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

const std::string kAdminToken = "admin-token-for-the-authenticator-test";

HttpRequest withBearer(const std::string& token, const std::string& actorHeader = "") {
    HttpRequest request;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    if (!actorHeader.empty()) request.headers["x-omnigate-actor"] = actorHeader;
    return request;
}

// The ApiError a call throws (status 0 when it throws none).
template <typename Call>
ApiError errorOf(Call&& call) {
    try {
        call();
    } catch (const ApiError& e) {
        return e;
    }
    return ApiError(0, "", "no error");
}

class AuthenticatorTest : public ::testing::Test {
protected:
    AuthenticatorTest()
        : authenticator_(kAdminToken, "", directory(), 5s, 60s, [this] { return now_; }) {}

    Authenticator::Directory directory() {
        Authenticator::Directory d;
        d.find = [this](const std::string& hash) -> std::optional<ApiToken> {
            ++lookups_;
            if (duringLookup_) duringLookup_();
            const auto it = tokens_.find(hash);
            if (it == tokens_.end()) return std::nullopt;
            return it->second;
        };
        d.touch = [this](std::int64_t id) { touches_.push_back(id); };
        return d;
    }

    // A token in the directory, as the admin API would have made it; returns the token itself.
    std::string grant(std::int64_t id, const std::string& name, const std::vector<std::string>& scopes) {
        const std::string token = newApiToken();
        ApiToken row;
        row.id = id;
        row.name = name;
        row.scopes = scopes;
        row.createdAt = "2026-11-26T00:00:00.000Z";
        tokens_[hashApiToken(token)] = row;
        return token;
    }

    void revokeInDirectory(const std::string& token) { tokens_[hashApiToken(token)].revokedAt = "2026-11-26T01:00:00.000Z"; }

    std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::time_point(1h);
    std::map<std::string, ApiToken> tokens_;
    int lookups_ = 0;
    std::function<void()> duringLookup_;
    std::vector<std::int64_t> touches_;
    Authenticator authenticator_;
};

// --- Tokens and scopes ---------------------------------------------------------------------------------------------

TEST(ApiTokenFormat, TheHashIsTheLowerCaseHexSha256OfTheToken) {
    // FIPS 180-2, appendix B.1.
    EXPECT_EQ(hashApiToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hashApiToken(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ApiTokenFormat, NewTokensArePrefixed256BitBase64UrlAndNeverRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string token = newApiToken();
        ASSERT_EQ(token.rfind("og_", 0), 0u) << token;
        ASSERT_EQ(token.size(), 3u + 43u) << token;  // 32 bytes are 43 base64 characters without padding
        for (char c : token.substr(3)) {
            ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
        }
        seen.insert(token);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(ApiTokenFormat, OnlyTheFourIntegrationScopesCanBeGranted) {
    for (const char* name : {"interactions:read", "interactions:write", "clients:read", "clients:write"}) {
        const auto scope = parseScope(name);
        ASSERT_TRUE(scope) << name;
        EXPECT_STREQ(toString(*scope), name);
    }
    EXPECT_FALSE(parseScope("admin"));
    EXPECT_FALSE(parseScope("clients:delete"));
    EXPECT_FALSE(parseScope("Clients:Read"));
    EXPECT_EQ(grantableScopes().size(), 4u);
}

// --- Who is calling --------------------------------------------------------------------------------------------------

TEST_F(AuthenticatorTest, TheAdminTokenHoldsEveryScopeWithoutALookup) {
    for (Scope scope : {Scope::Admin, Scope::InteractionsRead, Scope::InteractionsWrite, Scope::ClientsRead,
                        Scope::ClientsWrite}) {
        const Actor actor = authenticator_.authorize(withBearer(kAdminToken), scope);
        EXPECT_EQ(actor.kind, "admin") << toString(scope);
        EXPECT_EQ(actor.id, "");
    }
    const Actor anna = authenticator_.authorize(withBearer(kAdminToken, "operator:anna"), Scope::InteractionsWrite);
    EXPECT_EQ(anna.kind, "operator");
    EXPECT_EQ(anna.id, "anna");
    EXPECT_EQ(errorOf([&] { authenticator_.authorize(withBearer(kAdminToken, "anna"), Scope::Admin); }).status(), 400);
    EXPECT_EQ(lookups_, 0);
}

TEST_F(AuthenticatorTest, AnApiTokenActsAsItsIntegrationWithinItsScopes) {
    const std::string token = grant(7, "crm", {"interactions:read", "clients:write"});
    for (Scope scope : {Scope::InteractionsRead, Scope::ClientsWrite}) {
        const Actor actor = authenticator_.authorize(withBearer(token), scope);
        EXPECT_EQ(actor.kind, "integration");
        EXPECT_EQ(actor.id, "crm");
    }
    const ApiError missing = errorOf([&] { authenticator_.authorize(withBearer(token), Scope::InteractionsWrite); });
    EXPECT_EQ(missing.status(), 403);
    EXPECT_EQ(missing.code(), "insufficient_scope");
    EXPECT_NE(std::string(missing.what()).find("'interactions:write'"), std::string::npos) << missing.what();
    EXPECT_NE(std::string(missing.what()).find("interactions:read, clients:write"), std::string::npos) << missing.what();

    const ApiError admin = errorOf([&] { authenticator_.authorize(withBearer(token), Scope::Admin); });
    EXPECT_EQ(admin.status(), 403);
    EXPECT_EQ(admin.code(), "forbidden");
}

TEST_F(AuthenticatorTest, AnApiTokenCannotActInAnOperatorsName) {
    const std::string token = grant(8, "bot", {"interactions:write"});
    const ApiError e = errorOf([&] { authenticator_.authorize(withBearer(token, "operator:anna"), Scope::InteractionsWrite); });
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("X-Omnigate-Actor"), std::string::npos) << e.what();
}

TEST_F(AuthenticatorTest, NoTokenAnUnknownOneAndARevokedOneAre401) {
    const std::string token = grant(9, "crm", {"clients:read"});
    revokeInDirectory(token);
    for (const std::string& given : {std::string(), std::string("og_unknown"), newApiToken(), token,
                                     kAdminToken + "x"}) {
        const ApiError e = errorOf([&] { authenticator_.authorize(withBearer(given), Scope::ClientsRead); });
        EXPECT_EQ(e.status(), 401) << "'" << given << "': " << e.what();
    }
    EXPECT_NE(std::string(errorOf([&] { authenticator_.authorize(withBearer(token), Scope::ClientsRead); }).what())
                  .find("revoked"),
              std::string::npos);
    // Something that cannot be one of our tokens costs no lookup.
    const int before = lookups_;
    errorOf([&] { authenticator_.authorize(withBearer("not-an-omnigate-token"), Scope::ClientsRead); });
    EXPECT_EQ(lookups_, before);
}

// --- Routes: what the HTTP server asks before a handler runs ------------------------------------------------------

TEST_F(AuthenticatorTest, AScopedRouteAdmitsWhatItsScopeAllows) {
    const std::string token = grant(10, "crm", {"clients:read"});
    EXPECT_EQ(authenticator_.admit(withBearer(token), Access::scoped(Scope::ClientsRead)).id, "crm");
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(token), Access::scoped(Scope::ClientsWrite)); }).status(),
              403);
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(token), Access::admin()); }).status(), 403);
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(""), Access::scoped(Scope::ClientsRead)); }).status(), 401);
    EXPECT_EQ(authenticator_.admit(withBearer(kAdminToken, "operator:anna"), Access::admin()).id, "anna");
}

TEST_F(AuthenticatorTest, AnOpenRouteAdmitsAnyoneWithoutALookup) {
    for (const std::string& given : {std::string(), std::string("og_unknown"), newApiToken()}) {
        EXPECT_NO_THROW(authenticator_.admit(withBearer(given), Access::open()));
    }
    EXPECT_EQ(lookups_, 0);
}

TEST_F(AuthenticatorTest, APluginsRouteRefusesAValidApiTokenAndLeavesTheRestToThePlugin) {
    const std::string full = grant(11, "crm", {"interactions:read", "interactions:write", "clients:read", "clients:write"});
    const ApiError refused = errorOf([&] { authenticator_.admit(withBearer(full), Access::plugin()); });
    EXPECT_EQ(refused.status(), 403);
    EXPECT_NE(std::string(refused.what()).find("'crm'"), std::string::npos) << refused.what();
    // The plugin decides about everything else: no token, the admin token, a visitor's or a bot's, a stale one.
    const std::string revoked = grant(12, "old", {"clients:read"});
    revokeInDirectory(revoked);
    for (const std::string& given : {std::string(), kAdminToken, std::string("visitor.token.signed"),
                                     std::string("og_unknown"), revoked}) {
        EXPECT_EQ(authenticator_.admit(withBearer(given), Access::plugin()).kind, "anonymous") << given;
    }
}

TEST_F(AuthenticatorTest, WithoutAMetricsTokenAnyoneMonitors) {
    EXPECT_EQ(authenticator_.admit(withBearer(""), Access::monitoring()).kind, "monitoring");
    EXPECT_EQ(authenticator_.admit(withBearer(""), Access::open()).kind, "monitoring");
}

TEST_F(AuthenticatorTest, AMetricsTokenGuardsMonitoringAndMarksWhoMayReadDetails) {
    const std::string metricsToken = "metrics-token-for-the-test";
    Authenticator guarded(kAdminToken, metricsToken, directory(), 5s, 60s, [this] { return now_; });
    const std::string apiToken = grant(13, "crm", {"interactions:read"});
    for (const std::string& given : {std::string(), std::string("wrong-metrics-token"), apiToken}) {
        EXPECT_EQ(errorOf([&] { guarded.admit(withBearer(given), Access::monitoring()); }).status(), 401) << given;
        // An open route (readiness) still answers, as {anonymous}: without its details.
        EXPECT_EQ(guarded.admit(withBearer(given), Access::open()).kind, "anonymous") << given;
    }
    for (const std::string& given : {metricsToken, kAdminToken}) {
        EXPECT_EQ(guarded.admit(withBearer(given), Access::monitoring()).kind, "monitoring");
        EXPECT_EQ(guarded.admit(withBearer(given), Access::open()).kind, "monitoring");
    }
}

// --- The cache and the bookkeeping -----------------------------------------------------------------------------------

TEST_F(AuthenticatorTest, LookupsAreCachedForFiveSeconds) {
    const std::string token = grant(10, "crm", {"clients:read"});
    const std::string unknown = newApiToken();
    for (int i = 0; i < 10; ++i) {
        authenticator_.authorize(withBearer(token), Scope::ClientsRead);
        errorOf([&] { authenticator_.authorize(withBearer(unknown), Scope::ClientsRead); });
        now_ += 400ms;
    }
    EXPECT_EQ(lookups_, 2);  // 4 s: one lookup each
    now_ += 1100ms;
    authenticator_.authorize(withBearer(token), Scope::ClientsRead);
    EXPECT_EQ(lookups_, 3);
}

TEST_F(AuthenticatorTest, ARevocationThroughThisDaemonTakesEffectAtOnce) {
    const std::string token = grant(11, "crm", {"clients:read"});
    authenticator_.authorize(withBearer(token), Scope::ClientsRead);
    revokeInDirectory(token);
    authenticator_.forget(11);
    EXPECT_EQ(errorOf([&] { authenticator_.authorize(withBearer(token), Scope::ClientsRead); }).status(), 401);
}

TEST_F(AuthenticatorTest, ALookupThatRacedARevocationIsNotCached) {
    const std::string token = grant(12, "crm", {"clients:read"});
    // The lookup reads the row as active, then the revocation commits and forgets before the lookup returns.
    duringLookup_ = [this] { authenticator_.forget(12); };
    authenticator_.authorize(withBearer(token), Scope::ClientsRead);
    duringLookup_ = nullptr;
    revokeInDirectory(token);
    EXPECT_EQ(errorOf([&] { authenticator_.authorize(withBearer(token), Scope::ClientsRead); }).status(), 401);
}

TEST_F(AuthenticatorTest, UseIsRecordedAtMostOnceAMinutePerToken) {
    const std::string crm = grant(13, "crm", {"clients:read"});
    const std::string bot = grant(14, "bot", {"clients:read"});
    authenticator_.authorize(withBearer(crm), Scope::ClientsRead);
    authenticator_.authorize(withBearer(bot), Scope::ClientsRead);
    for (int i = 0; i < 59; ++i) {
        now_ += 1s;
        authenticator_.authorize(withBearer(crm), Scope::ClientsRead);
    }
    EXPECT_EQ(touches_, (std::vector<std::int64_t>{13, 14}));
    now_ += 1s;
    authenticator_.authorize(withBearer(crm), Scope::ClientsRead);
    EXPECT_EQ(touches_, (std::vector<std::int64_t>{13, 14, 13}));
    // A call that is refused is no use of the token.
    errorOf([&] { authenticator_.authorize(withBearer(bot), Scope::ClientsWrite); });
    EXPECT_EQ(touches_.size(), 3u);
}

TEST_F(AuthenticatorTest, AFailureToRecordTheUseDoesNotFailTheCall) {
    Authenticator::Directory failing = directory();
    failing.touch = [](std::int64_t) { throw ApiError::unavailable("the writer is full"); };
    Authenticator authenticator(kAdminToken, "", failing, 5s, 60s, [this] { return now_; });
    const std::string token = grant(15, "crm", {"clients:read"});
    EXPECT_EQ(authenticator.authorize(withBearer(token), Scope::ClientsRead).id, "crm");
}

}  // namespace
}  // namespace omnigate
