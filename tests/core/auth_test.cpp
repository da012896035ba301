// The pieces of signing in that need no server: password hashes, access tokens, the lockout of password guessing
// and the role table. The e2e suite (tests/e2e/identity_test.cpp) checks them in the daemon.
#include <gtest/gtest.h>

#include <Poco/Timespan.h>

#include <algorithm>

#include "auth/access_tokens.h"
#include "auth/login_throttle.h"
#include "auth/passwords.h"
#include "auth/roles.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

const std::string kSecret = "a-secret-of-at-least-32-bytes-for-hs256-signing";

TEST(Passwords, AreArgon2idHashesThatVerifyOnlyTheirPassword) {
    const std::string stored = passwords::hash("correct horse battery");
    EXPECT_EQ(stored.rfind("$argon2id$", 0), 0u) << stored;
    EXPECT_TRUE(passwords::verify(stored, "correct horse battery"));
    EXPECT_FALSE(passwords::verify(stored, "correct horse batterY"));
    EXPECT_FALSE(passwords::verify(stored, ""));
    EXPECT_FALSE(passwords::verify("", "correct horse battery"));
    EXPECT_FALSE(passwords::verify("not a hash", "correct horse battery"));
    // Salted: the same password never gives the same string twice.
    EXPECT_NE(passwords::hash("correct horse battery"), stored);
    EXPECT_FALSE(passwords::needsRehash(stored));
}

TEST(Passwords, PolicyWantsTenCharactersAndRefusesAbsurdLengths) {
    EXPECT_THROW(passwords::checkPolicy("123456789"), ApiError);
    EXPECT_NO_THROW(passwords::checkPolicy("1234567890"));
    EXPECT_THROW(passwords::checkPolicy(std::string(2000, 'x')), ApiError);
}

TEST(AccessTokens, CarryTheUserSessionAndWorkplaceUntilTheyExpire) {
    const AccessTokens tokens(kSecret, 10min);
    const Poco::Timestamp now;
    const std::string jwt = tokens.issue(42, "family", "desk-7", now);
    EXPECT_TRUE(AccessTokens::looksLikeJwt(jwt));
    const AccessClaims claims = tokens.verify(jwt, now);
    EXPECT_EQ(claims.userId, 42);
    EXPECT_EQ(claims.session, "family");
    EXPECT_EQ(claims.workplace, "desk-7");
    EXPECT_NO_THROW(tokens.verify(jwt, now + Poco::Timespan(0, 0, 9, 59, 0)));
    try {
        tokens.verify(jwt, now + Poco::Timespan(0, 0, 10, 0, 0));
        FAIL() << "an expired token was accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(e.code(), "token_expired");
    }
}

TEST(AccessTokens, RefuseAnotherKeyAChangedClaimAndAnythingNotAJwt) {
    const AccessTokens tokens(kSecret, 10min);
    const std::string jwt = tokens.issue(42, "family", "");
    const AccessTokens other("another-secret-of-at-least-32-bytes-long!", 10min);
    EXPECT_THROW(other.verify(jwt), ApiError);
    // The payload swapped for one naming user 1, the signature kept.
    const std::size_t dot = jwt.find('.');
    const std::string forgedPayload = AccessTokens(kSecret, 10min).issue(1, "family", "");
    const std::string tampered = jwt.substr(0, dot) + forgedPayload.substr(forgedPayload.find('.'),
                                 forgedPayload.rfind('.') - forgedPayload.find('.')) + jwt.substr(jwt.rfind('.'));
    EXPECT_THROW(tokens.verify(tampered), ApiError);
    for (const std::string& junk : {std::string("og_abc"), std::string("eyJ..."), std::string(5000, 'e')}) {
        EXPECT_THROW(tokens.verify(junk), ApiError) << junk.substr(0, 20);
    }
    EXPECT_FALSE(AccessTokens::looksLikeJwt("og_abc"));
}

TEST(LoginThrottle, FiveFailuresLockTheLoginFromThatAddressForAWhile) {
    auto now = std::chrono::steady_clock::time_point(1h);
    LoginThrottle throttle(5, 15min, [&] { return now; });
    for (int i = 0; i < 4; ++i) throttle.failed("Ivanova", "10.0.0.1");
    EXPECT_FALSE(throttle.lockedFor("ivanova", "10.0.0.1"));
    throttle.failed("ivanova", "10.0.0.1");
    const auto locked = throttle.lockedFor("IVANOVA", "10.0.0.1");
    ASSERT_TRUE(locked);
    EXPECT_EQ(*locked, 15min);
    // Another address, or another login, is not locked by it.
    EXPECT_FALSE(throttle.lockedFor("ivanova", "10.0.0.2"));
    EXPECT_FALSE(throttle.lockedFor("petrov", "10.0.0.1"));
    now += 15min;
    EXPECT_FALSE(throttle.lockedFor("ivanova", "10.0.0.1"));
}

TEST(LoginThrottle, ASuccessOrTimeClearsTheCount) {
    auto now = std::chrono::steady_clock::time_point(1h);
    LoginThrottle throttle(5, 15min, [&] { return now; });
    for (int i = 0; i < 4; ++i) throttle.failed("a", "ip");
    throttle.succeeded("a", "ip");
    for (int i = 0; i < 4; ++i) throttle.failed("a", "ip");
    EXPECT_FALSE(throttle.lockedFor("a", "ip"));
    now += 16min;  // old failures no longer count
    throttle.failed("a", "ip");
    EXPECT_FALSE(throttle.lockedFor("a", "ip"));
}

TEST(Roles, EachRoleHoldsThePermissionsOfTheTable) {
    const PermissionSet op = permissionsOf({"operator"});
    EXPECT_TRUE(op.holdsOwnOnly(Permission::InteractionsRead));
    EXPECT_TRUE(op.holdsOwnOnly(Permission::OperatorsStatus));
    EXPECT_TRUE(op.holds(Permission::CatalogsRead));
    EXPECT_FALSE(op.holds(Permission::InteractionsSupervise));
    EXPECT_FALSE(op.holdsOwnOnly(Permission::InteractionsSupervise));

    const PermissionSet both = permissionsOf({"operator", "supervisor"});
    EXPECT_TRUE(both.holds(Permission::InteractionsRead));  // the full form wins over the own one
    EXPECT_FALSE(both.holdsOwnOnly(Permission::InteractionsRead));

    const PermissionSet admin = permissionsOf({"business_admin"});
    for (Permission p : {Permission::CatalogsWrite, Permission::UsersManage, Permission::TokensManage,
                         Permission::AuditRead}) {
        EXPECT_TRUE(admin.holds(p)) << toString(p);
    }
    EXPECT_FALSE(admin.holds(Permission::InteractionsRead));
    EXPECT_TRUE(permissionsOf({"marketer"}).holds(Permission::SegmentsRead));
    EXPECT_TRUE(permissionsOf({"business_admin"}).holds(Permission::FilesManage));
    EXPECT_FALSE(permissionsOf({"supervisor"}).holds(Permission::FilesManage));
    EXPECT_TRUE(permissionsOf({"marketer"}).holds(Permission::OffersManage));
    EXPECT_FALSE(permissionsOf({"marketer"}).holds(Permission::InteractionsRead));
    EXPECT_FALSE(op.holds(Permission::OffersManage));
    EXPECT_TRUE(permissionsOf({"nobody"}).empty());

    const auto names = op.names();
    EXPECT_NE(std::find(names.begin(), names.end(), "interactions:read:own"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "catalogs:read"), names.end());
}

TEST(Permissions, NamesRoundTrip) {
    for (Permission p : allPermissions()) {
        const auto parsed = parsePermission(toString(p));
        ASSERT_TRUE(parsed) << toString(p);
        EXPECT_EQ(*parsed, p);
    }
    EXPECT_FALSE(parsePermission("admin"));
}

}  // namespace
}  // namespace omnigate
