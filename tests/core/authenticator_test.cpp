// The authenticator decides who may call which route: the admin token everything, an API token only its scopes.
// These tests drive it with an in-memory directory and a hand-moved clock, so the cache and the once-a-minute
// bookkeeping are checked exactly; the e2e suite (tests/e2e/api_tokens_e2e_test.cpp) checks it in the daemon.
#include <gtest/gtest.h>

#include <Poco/Timespan.h>

#include <map>
#include <set>

#include "api/authenticator.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

const std::string kAdminToken = "admin-token-for-the-authenticator-test";
const std::string kSecret = "a-secret-of-at-least-32-bytes-for-hs256-signing";

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
        : authenticator_(kAdminToken, "", AccessTokens(kSecret, 10min), directory(), 5s, 60s, [this] { return now_; }) {}

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
        d.user = [this](std::int64_t id, const std::string& session) -> std::optional<SessionUser> {
            ++userLookups_;
            const auto it = users_.find(id);
            if (it == users_.end()) return std::nullopt;
            SessionUser user = it->second;
            user.sessionLive = endedSessions_.count(session) == 0;
            return user;
        };
        // Operator anna holds interaction 5 (of client 50); interaction 6 (client 60) is someone else's.
        d.holdsInteraction = [](const std::string& op, std::int64_t id) { return op == "anna" && id == 5; };
        d.servesClient = [](const std::string& op, std::int64_t id) { return op == "anna" && id == 50; };
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
    std::map<std::int64_t, SessionUser> users_{
        {1, SessionUser{1, "anna.k", {"operator"}, "anna", true, true}},
        {2, SessionUser{2, "sveta", {"supervisor"}, "", true, true}},
        {3, SessionUser{3, "boris", {"business_admin"}, "", true, true}},
    };
    std::set<std::string> endedSessions_;
    int userLookups_ = 0;
    Authenticator authenticator_;

    std::string signIn(std::int64_t userId, const std::string& session = "family-1") {
        return AccessTokens(kSecret, 10min).issue(userId, session, "desk-1");
    }
    // A request to a route whose {id} is `id`.
    static HttpRequest on(const std::string& token, const std::string& id, const std::string& actorHeader = "") {
        HttpRequest request = withBearer(token, actorHeader);
        request.pathParams["id"] = id;
        return request;
    }
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
    for (Permission scope : allPermissions()) {
        const Actor actor = authenticator_.authorize(withBearer(kAdminToken), Access::needs(scope));
        EXPECT_EQ(actor.kind, "admin") << toString(scope);
        EXPECT_EQ(actor.id, "");
    }
    const Actor anna = authenticator_.authorize(withBearer(kAdminToken, "operator:anna"), Access::needs(Permission::InteractionsWrite));
    EXPECT_EQ(anna.kind, "operator");
    EXPECT_EQ(anna.id, "anna");
    EXPECT_EQ(errorOf([&] { authenticator_.authorize(withBearer(kAdminToken, "anna"), Access::needs(Permission::CatalogsWrite)); }).status(), 400);
    EXPECT_EQ(lookups_, 0);
}

TEST_F(AuthenticatorTest, AnApiTokenActsAsItsIntegrationWithinItsScopes) {
    const std::string token = grant(7, "crm", {"interactions:read", "clients:write"});
    for (Permission scope : {Permission::InteractionsRead, Permission::ClientsWrite}) {
        const Actor actor = authenticator_.authorize(withBearer(token), Access::needs(scope));
        EXPECT_EQ(actor.kind, "integration");
        EXPECT_EQ(actor.id, "crm");
    }
    const ApiError missing = errorOf([&] { authenticator_.authorize(withBearer(token), Access::needs(Permission::InteractionsWrite)); });
    EXPECT_EQ(missing.status(), 403);
    EXPECT_EQ(missing.code(), "insufficient_scope");
    EXPECT_NE(std::string(missing.what()).find("'interactions:write'"), std::string::npos) << missing.what();
    EXPECT_NE(std::string(missing.what()).find("interactions:read, clients:write"), std::string::npos) << missing.what();

    const ApiError admin = errorOf([&] { authenticator_.authorize(withBearer(token), Access::needs(Permission::CatalogsWrite)); });
    EXPECT_EQ(admin.status(), 403);
    EXPECT_EQ(admin.code(), "insufficient_scope");
}

TEST_F(AuthenticatorTest, AnApiTokenCannotActInAnOperatorsName) {
    const std::string token = grant(8, "bot", {"interactions:write"});
    const ApiError e = errorOf([&] { authenticator_.authorize(withBearer(token, "operator:anna"), Access::needs(Permission::InteractionsWrite)); });
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("X-Omnigate-Actor"), std::string::npos) << e.what();
}

TEST_F(AuthenticatorTest, NoTokenAnUnknownOneAndARevokedOneAre401) {
    const std::string token = grant(9, "crm", {"clients:read"});
    revokeInDirectory(token);
    for (const std::string& given : {std::string(), std::string("og_unknown"), newApiToken(), token,
                                     kAdminToken + "x"}) {
        const ApiError e = errorOf([&] { authenticator_.authorize(withBearer(given), Access::needs(Permission::ClientsRead)); });
        EXPECT_EQ(e.status(), 401) << "'" << given << "': " << e.what();
    }
    EXPECT_NE(std::string(errorOf([&] { authenticator_.authorize(withBearer(token), Access::needs(Permission::ClientsRead)); }).what())
                  .find("revoked"),
              std::string::npos);
    // Something that cannot be one of our tokens costs no lookup.
    const int before = lookups_;
    errorOf([&] { authenticator_.authorize(withBearer("not-an-omnigate-token"), Access::needs(Permission::ClientsRead)); });
    EXPECT_EQ(lookups_, before);
}

// --- Routes: what the HTTP server asks before a handler runs ------------------------------------------------------

TEST_F(AuthenticatorTest, AScopedRouteAdmitsWhatItsScopeAllows) {
    const std::string token = grant(10, "crm", {"clients:read"});
    EXPECT_EQ(authenticator_.admit(withBearer(token), Access::needs(Permission::ClientsRead)).id, "crm");
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(token), Access::needs(Permission::ClientsWrite)); }).status(),
              403);
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(token), Access::needs(Permission::CatalogsWrite)); }).status(), 403);
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(""), Access::needs(Permission::ClientsRead)); }).status(), 401);
    EXPECT_EQ(authenticator_.admit(withBearer(kAdminToken, "operator:anna"), Access::needs(Permission::CatalogsWrite)).id, "anna");
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
    Authenticator guarded(kAdminToken, metricsToken, AccessTokens(kSecret, 10min), directory(), 5s, 60s,
                          [this] { return now_; });
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
        authenticator_.authorize(withBearer(token), Access::needs(Permission::ClientsRead));
        errorOf([&] { authenticator_.authorize(withBearer(unknown), Access::needs(Permission::ClientsRead)); });
        now_ += 400ms;
    }
    EXPECT_EQ(lookups_, 2);  // 4 s: one lookup each
    now_ += 1100ms;
    authenticator_.authorize(withBearer(token), Access::needs(Permission::ClientsRead));
    EXPECT_EQ(lookups_, 3);
}

TEST_F(AuthenticatorTest, ARevocationThroughThisDaemonTakesEffectAtOnce) {
    const std::string token = grant(11, "crm", {"clients:read"});
    authenticator_.authorize(withBearer(token), Access::needs(Permission::ClientsRead));
    revokeInDirectory(token);
    authenticator_.forget(11);
    EXPECT_EQ(errorOf([&] { authenticator_.authorize(withBearer(token), Access::needs(Permission::ClientsRead)); }).status(), 401);
}

TEST_F(AuthenticatorTest, ALookupThatRacedARevocationIsNotCached) {
    const std::string token = grant(12, "crm", {"clients:read"});
    // The lookup reads the row as active, then the revocation commits and forgets before the lookup returns.
    duringLookup_ = [this] { authenticator_.forget(12); };
    authenticator_.authorize(withBearer(token), Access::needs(Permission::ClientsRead));
    duringLookup_ = nullptr;
    revokeInDirectory(token);
    EXPECT_EQ(errorOf([&] { authenticator_.authorize(withBearer(token), Access::needs(Permission::ClientsRead)); }).status(), 401);
}

TEST_F(AuthenticatorTest, UseIsRecordedAtMostOnceAMinutePerToken) {
    const std::string crm = grant(13, "crm", {"clients:read"});
    const std::string bot = grant(14, "bot", {"clients:read"});
    authenticator_.authorize(withBearer(crm), Access::needs(Permission::ClientsRead));
    authenticator_.authorize(withBearer(bot), Access::needs(Permission::ClientsRead));
    for (int i = 0; i < 59; ++i) {
        now_ += 1s;
        authenticator_.authorize(withBearer(crm), Access::needs(Permission::ClientsRead));
    }
    EXPECT_EQ(touches_, (std::vector<std::int64_t>{13, 14}));
    now_ += 1s;
    authenticator_.authorize(withBearer(crm), Access::needs(Permission::ClientsRead));
    EXPECT_EQ(touches_, (std::vector<std::int64_t>{13, 14, 13}));
    // A call that is refused is no use of the token.
    errorOf([&] { authenticator_.authorize(withBearer(bot), Access::needs(Permission::ClientsWrite)); });
    EXPECT_EQ(touches_.size(), 3u);
}

TEST_F(AuthenticatorTest, AFailureToRecordTheUseDoesNotFailTheCall) {
    Authenticator::Directory failing = directory();
    failing.touch = [](std::int64_t) { throw ApiError::unavailable("the writer is full"); };
    Authenticator authenticator(kAdminToken, "", AccessTokens(kSecret, 10min), failing, 5s, 60s, [this] { return now_; });
    const std::string token = grant(15, "crm", {"clients:read"});
    EXPECT_EQ(authenticator.authorize(withBearer(token), Access::needs(Permission::ClientsRead)).id, "crm");
}

}  // namespace
}  // namespace omnigate

namespace omnigate {
namespace {

// --- Signed-in users -------------------------------------------------------------------------------------------------

TEST_F(AuthenticatorTest, AnOperatorWorksOnlyOnWhatIsOfferedToOrHeldByThem) {
    const std::string anna = signIn(1);
    const Access readOwn = Access::needs(Permission::InteractionsRead, Ownership::Interaction);
    const Actor actor = authenticator_.admit(on(anna, "5"), readOwn);
    EXPECT_EQ(actor.kind, "operator");
    EXPECT_EQ(actor.id, "anna");
    EXPECT_EQ(actor.user, "anna.k");
    EXPECT_EQ(actor.workplace, "desk-1");
    EXPECT_TRUE(actor.ownOnly);

    const ApiError other = errorOf([&] { authenticator_.admit(on(anna, "6"), readOwn); });
    EXPECT_EQ(other.status(), 403);
    EXPECT_EQ(other.code(), "not_yours");
    EXPECT_NE(std::string(other.what()).find("interactions:read"), std::string::npos) << other.what();

    const Access clientOwn = Access::needs(Permission::ClientsRead, Ownership::Client);
    EXPECT_EQ(authenticator_.admit(on(anna, "50"), clientOwn).id, "anna");
    EXPECT_EQ(errorOf([&] { authenticator_.admit(on(anna, "60"), clientOwn); }).status(), 403);
    const Access statusOwn = Access::needs(Permission::OperatorsStatus, Ownership::Operator);
    EXPECT_EQ(authenticator_.admit(on(anna, "anna"), statusOwn).id, "anna");
    EXPECT_EQ(errorOf([&] { authenticator_.admit(on(anna, "boris"), statusOwn); }).status(), 403);
    // A list is the handler's to narrow: admitted, and told so.
    EXPECT_TRUE(authenticator_.admit(on(anna, ""), Access::needs(Permission::InteractionsRead, Ownership::Caller)).ownOnly);
    // The own form never opens a route that reaches everyone's.
    const ApiError everyone =
        errorOf([&] { authenticator_.admit(on(anna, "5"), Access::needs(Permission::InteractionsRead)); });
    EXPECT_EQ(everyone.status(), 403);
    EXPECT_EQ(everyone.code(), "insufficient_permission");
    // A permission the role does not hold at all is refused naming it.
    const ApiError supervise =
        errorOf([&] { authenticator_.admit(on(anna, "5"), Access::needs(Permission::InteractionsSupervise)); });
    EXPECT_EQ(supervise.status(), 403);
    EXPECT_NE(std::string(supervise.what()).find("'interactions:supervise'"), std::string::npos) << supervise.what();
}

TEST_F(AuthenticatorTest, EachRoleHoldsItsPartAndIsRefusedTheRestNamingThePermission) {
    const std::string sveta = signIn(2);
    const std::string boris = signIn(3);
    // The supervisor reaches every interaction, as themselves.
    const Actor supervisor =
        authenticator_.admit(on(sveta, "6"), Access::needs(Permission::InteractionsHandle, Ownership::Interaction));
    EXPECT_EQ(supervisor.kind, "user");
    EXPECT_EQ(supervisor.id, "sveta");
    EXPECT_FALSE(supervisor.ownOnly);
    EXPECT_EQ(authenticator_.admit(on(sveta, ""), Access::needs(Permission::InteractionsSupervise)).id, "sveta");
    for (Permission adminOnly : {Permission::CatalogsWrite, Permission::UsersManage, Permission::TokensManage,
                                 Permission::AuditRead}) {
        const ApiError e = errorOf([&] { authenticator_.admit(on(sveta, ""), Access::needs(adminOnly)); });
        EXPECT_EQ(e.status(), 403) << toString(adminOnly);
        EXPECT_NE(std::string(e.what()).find(toString(adminOnly)), std::string::npos) << e.what();
    }
    // The business administrator configures, and does not handle interactions.
    EXPECT_EQ(authenticator_.admit(on(boris, ""), Access::needs(Permission::UsersManage)).id, "boris");
    EXPECT_EQ(errorOf([&] { authenticator_.admit(on(boris, "5"), Access::needs(Permission::InteractionsRead,
                                                                                 Ownership::Interaction)); })
                  .status(),
              403);
}

TEST_F(AuthenticatorTest, AUserIsWhoTheirTokenSaysNeverWhatAHeaderClaims) {
    const ApiError e = errorOf(
        [&] { authenticator_.admit(on(signIn(2), "", "operator:anna"), Access::needs(Permission::InteractionsRead)); });
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("X-Omnigate-Actor"), std::string::npos) << e.what();
}

TEST_F(AuthenticatorTest, ExpiredForgedAndMalformedAccessTokensAreRefusedWithTheirReason) {
    const Access access = Access::needs(Permission::InteractionsRead);
    const std::string expired =
        AccessTokens(kSecret, 10min).issue(2, "family-1", "", Poco::Timestamp() - Poco::Timespan(0, 0, 11, 0, 0));
    const ApiError late = errorOf([&] { authenticator_.admit(withBearer(expired), access); });
    EXPECT_EQ(late.status(), 401);
    EXPECT_EQ(late.code(), "token_expired");

    const std::string forged = AccessTokens("another-secret-of-at-least-32-bytes-long!", 10min).issue(2, "family-1", "");
    const ApiError wrongKey = errorOf([&] { authenticator_.admit(withBearer(forged), access); });
    EXPECT_EQ(wrongKey.status(), 401);
    EXPECT_EQ(wrongKey.code(), "invalid_token");

    // "alg": "none" with the signature dropped, and plain garbage in the JWT's shape.
    const std::string genuine = signIn(2);
    const std::string unsigned_ = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0" + genuine.substr(genuine.find('.'),
                                  genuine.rfind('.') - genuine.find('.')) + ".";
    for (const std::string& bad : {unsigned_, std::string("eyJ.eyJ.x"), genuine + "x"}) {
        const ApiError e = errorOf([&] { authenticator_.admit(withBearer(bad), access); });
        EXPECT_EQ(e.status(), 401) << bad;
        EXPECT_EQ(e.code(), "invalid_token") << bad;
    }
}

TEST_F(AuthenticatorTest, ADeactivatedUserOrAnEndedSessionIsRefusedAtTheNextRequest) {
    const std::string sveta = signIn(2, "family-9");
    const Access access = Access::needs(Permission::InteractionsRead);
    EXPECT_EQ(authenticator_.admit(withBearer(sveta), access).id, "sveta");
    endedSessions_.insert("family-9");
    authenticator_.forgetUser(2);
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(sveta), access); }).code(), "session_ended");
    endedSessions_.clear();
    users_[2].active = false;
    authenticator_.forgetUser(2);
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(sveta), access); }).code(), "user_inactive");
}

TEST_F(AuthenticatorTest, UserLookupsAreCachedBriefly) {
    const std::string sveta = signIn(2);
    const Access access = Access::needs(Permission::InteractionsRead);
    for (int i = 0; i < 10; ++i) authenticator_.admit(withBearer(sveta), access);
    EXPECT_EQ(userLookups_, 1);
    now_ += 6s;
    authenticator_.admit(withBearer(sveta), access);
    EXPECT_EQ(userLookups_, 2);
}

TEST_F(AuthenticatorTest, APluginRouteAndASignedInRouteTellUserTokensFromOthers) {
    const std::string sveta = signIn(2);
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(sveta), Access::plugin()); }).status(), 403);
    EXPECT_EQ(authenticator_.admit(withBearer(sveta), Access::signedIn()).id, "sveta");
    EXPECT_EQ(authenticator_.admit(withBearer(signIn(1)), Access::signedIn()).id, "anna");
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(kAdminToken), Access::signedIn()); }).status(), 401);
    EXPECT_EQ(errorOf([&] { authenticator_.admit(withBearer(""), Access::signedIn()); }).status(), 401);
}

}  // namespace
}  // namespace omnigate
