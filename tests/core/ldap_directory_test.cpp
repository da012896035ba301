// Directory sign-in against the real OpenLDAP slapd that scripts/services.sh starts with config/ldap/demo.ldif:
// who may sign in and with which roles, what never signs anyone in (wrong or empty passwords, injected filters,
// ambiguous logins, no mapped group), TLS both ways with the right CA and refused with another, and a directory
// that cannot answer, which is an error naming it rather than a refused sign-in.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "auth/ldap_directory.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

const std::string kSuffix = "dc=omnigate,dc=test";
const std::string kOperators = "cn=cc-operators,ou=groups," + kSuffix;
const std::string kSupervisors = "cn=cc-supervisors,ou=groups," + kSuffix;
const std::string kAdmins = "cn=cc-admins,ou=groups," + kSuffix;
const std::string kNightShift = "ops*(night)\\shift";

std::string caFile() { return test::requireEnv("OMNIGATE_VAR_DIR") + "/ldap/tls/ca.crt"; }
std::string unrelatedCaFile() { return std::string(OMNIGATE_LDAP_FIXTURES) + "/unrelated_ca.crt"; }
std::string startTlsUrl() { return "ldap://127.0.0.1:" + test::requireEnv("OMNIGATE_LDAP_PORT"); }
std::string ldapsUrl() { return "ldaps://127.0.0.1:" + test::requireEnv("OMNIGATE_LDAPS_PORT"); }

// The demo directory's settings as an administrator writes them in `auth.ldap`; `extra` adds or overrides keys.
LdapConfig demoConfig(const std::string& url, const std::string& extra = "",
                      const std::string& groupRoles = "      " + kOperators + ": [operator]\n"
                                                      "      " + kSupervisors + ": [supervisor]\n"
                                                      "      " + kAdmins + ": [business_admin]\n") {
    const std::string yaml = "ldap:\n"
                             "    url: " + url + "\n"
                             "    ca_file: " + caFile() + "\n"
                             "    bind_dn: cn=omnigate-reader,ou=services," + kSuffix + "\n"
                             "    bind_password: " + test::requireEnv("OMNIGATE_LDAP_BIND_PASSWORD") + "\n"
                             "    user_base: ou=people," + kSuffix + "\n" + extra +
                             "    group_roles:\n" + groupRoles;
    return parseLdapConfig(ConfigNode::parseString(yaml, "ldap_directory_test.yaml")["ldap"]);
}

LdapConfig withCa(LdapConfig config, const std::string& ca) {
    config.caFile = ca;
    return config;
}

std::string unavailableMessage(const LdapDirectory& directory, const std::string& login, const std::string& password) {
    try {
        directory.authenticate(login, password);
    } catch (const DirectoryUnavailable& e) {
        EXPECT_EQ(e.url(), directory.config().url);
        return e.what();
    }
    ADD_FAILURE() << "no DirectoryUnavailable for " << directory.config().url;
    return "";
}

class LdapDirectoryTest : public ::testing::Test {
protected:
    LdapDirectory directory_{demoConfig(startTlsUrl())};
};

TEST_F(LdapDirectoryTest, SignInGivesTheRolesOfTheUsersGroups) {
    const std::optional<DirectoryUser> olga = directory_.authenticate("olga", "olga-password");
    ASSERT_TRUE(olga.has_value());
    EXPECT_EQ(olga->dn, "uid=olga,ou=people," + kSuffix);
    EXPECT_EQ(olga->login, "olga");
    EXPECT_EQ(olga->displayName, "Olga Operator");
    EXPECT_EQ(olga->email, "olga@omnigate.test");
    EXPECT_EQ(olga->roles, std::vector<std::string>{"operator"});  // cc-staff, her other group, maps to nothing

    const std::optional<DirectoryUser> sergey = directory_.authenticate("sergey", "sergey-password");
    ASSERT_TRUE(sergey.has_value());
    EXPECT_EQ(sergey->roles, std::vector<std::string>{"supervisor"});

    // Without nested groups only cc-admins counts, not cc-supervisors that holds it.
    const std::optional<DirectoryUser> adam = directory_.authenticate("adam", "adam-password");
    ASSERT_TRUE(adam.has_value());
    EXPECT_EQ(adam->roles, std::vector<std::string>{"business_admin"});
}

TEST_F(LdapDirectoryTest, LoginIsMatchedAsTheDirectoryDoesAndReportedAsItSpellsIt) {
    const std::optional<DirectoryUser> olga = directory_.authenticate("OLGA", "olga-password");
    ASSERT_TRUE(olga.has_value());
    EXPECT_EQ(olga->login, "olga");
}

TEST_F(LdapDirectoryTest, GroupsMayGrantSeveralRolesAndRolesAreTheirUnion) {
    const LdapDirectory directory(demoConfig(startTlsUrl(), "",
                                             "      " + kOperators + ": [operator, marketer]\n"
                                             "      cn=cc-staff,ou=groups," + kSuffix + ": [operator]\n"));
    const std::optional<DirectoryUser> olga = directory.authenticate("olga", "olga-password");
    ASSERT_TRUE(olga.has_value());
    EXPECT_EQ(olga->roles, (std::vector<std::string>{"marketer", "operator"}));
}

TEST_F(LdapDirectoryTest, WrongPasswordIsRefused) {
    EXPECT_FALSE(directory_.authenticate("olga", "sergey-password").has_value());
    EXPECT_FALSE(directory_.authenticate("olga", "olga-password ").has_value());
    EXPECT_FALSE(directory_.authenticate("olga", "OLGA-PASSWORD").has_value());
}

TEST_F(LdapDirectoryTest, EmptyPasswordIsRefusedBeforeAnyBind) {
    EXPECT_FALSE(directory_.authenticate("olga", "").has_value());
    // Refused before connecting at all: even a directory that is down answers "no", not "unavailable".
    const LdapDirectory down(demoConfig("ldap://127.0.0.1:" + std::to_string(test::freePort())));
    EXPECT_FALSE(down.authenticate("olga", "").has_value());
}

TEST_F(LdapDirectoryTest, UnknownLoginIsRefused) {
    EXPECT_FALSE(directory_.authenticate("ghost", "ghost-password").has_value());
    EXPECT_FALSE(directory_.authenticate("", "olga-password").has_value());
    EXPECT_FALSE(directory_.authenticate(std::string(2000, 'a'), "olga-password").has_value());
}

// A login is data: filter metacharacters in it never widen the search to match someone else, whichever
// password of the demo directory comes with it.
TEST_F(LdapDirectoryTest, FilterInjectionInTheLoginMatchesNobody) {
    // Unescaped, "olg*", "*ergey" or "ad*m" would each find exactly one person and sign them in.
    const std::vector<std::string> logins{"*",           "olg*",       "*ergey",        "ad*m",     "*a*",
                                          "admin)(uid=*", "*)(|(uid=*", "olga)(|(uid=*", "*)(uid=olga", "olga)(&",
                                          "ops*",        "ops\\2a*",   std::string("olga\0", 5)};
    const std::vector<std::string> passwords{"olga-password", "sergey-password", "adam-password",
                                             "night-shift-password", "desk-password"};
    for (const std::string& login : logins) {
        SCOPED_TRACE(login);
        for (const std::string& password : passwords) {
            EXPECT_FALSE(directory_.authenticate(login, password).has_value()) << password;
        }
        EXPECT_FALSE(directory_.lookup(login).has_value());
    }
}

TEST_F(LdapDirectoryTest, LoginWithFilterMetacharactersSignsIn) {
    const std::optional<DirectoryUser> night = directory_.authenticate(kNightShift, "night-shift-password");
    ASSERT_TRUE(night.has_value());
    EXPECT_EQ(night->login, kNightShift);
    EXPECT_EQ(night->displayName, "Night Shift");
    EXPECT_EQ(night->roles, std::vector<std::string>{"operator"});
    EXPECT_FALSE(directory_.authenticate(kNightShift, "olga-password").has_value());
}

// Logins and names are UTF-8 end to end; the directory matches the login as its schema says (uid ignores case,
// Cyrillic included) and the login comes back as the directory spells it.
TEST_F(LdapDirectoryTest, CyrillicLoginSignsIn) {
    const std::optional<DirectoryUser> maria = directory_.authenticate("мария", "maria-password");
    ASSERT_TRUE(maria.has_value());
    EXPECT_EQ(maria->login, "мария");
    EXPECT_EQ(maria->displayName, "Мария Петрова");
    EXPECT_EQ(maria->roles, std::vector<std::string>{"operator"});
    const std::optional<DirectoryUser> upper = directory_.authenticate("МАРИЯ", "maria-password");
    ASSERT_TRUE(upper.has_value());
    EXPECT_EQ(upper->login, "мария");
    EXPECT_FALSE(directory_.authenticate("мари*", "maria-password").has_value());
}

TEST_F(LdapDirectoryTest, UserInNoMappedGroupIsRefused) {
    EXPECT_FALSE(directory_.authenticate("nina", "nina-password").has_value());
    EXPECT_FALSE(directory_.lookup("nina").has_value());
}

TEST_F(LdapDirectoryTest, LoginMatchingSeveralEntriesIsRefused) {
    const LdapDirectory byMail(demoConfig(startTlsUrl(), "    user_filter: (mail={login})\n"));
    EXPECT_FALSE(byMail.authenticate("desk@omnigate.test", "desk-password").has_value());
    EXPECT_FALSE(byMail.lookup("desk@omnigate.test").has_value());
    // The same filter finds one entry for a mail address only one person has.
    const std::optional<DirectoryUser> olga = byMail.authenticate("olga@omnigate.test", "olga-password");
    ASSERT_TRUE(olga.has_value());
    EXPECT_EQ(olga->login, "olga");  // from login_attribute, not what was typed
}

// OpenLDAP has no Active Directory matching rule for nesting; member_search asks for the groups holding the
// user's groups instead. cc-admins is a member of cc-supervisors.
TEST_F(LdapDirectoryTest, NestedGroupsGrantTheRolesOfTheGroupsHoldingThem) {
    const std::string nested = "    nested_groups: member_search\n"
                               "    group_base: ou=groups," + kSuffix + "\n";
    const std::optional<DirectoryUser> adam =
        LdapDirectory(demoConfig(startTlsUrl(), nested)).authenticate("adam", "adam-password");
    ASSERT_TRUE(adam.has_value());
    EXPECT_EQ(adam->roles, (std::vector<std::string>{"business_admin", "supervisor"}));

    // With only the outer group mapped, adam signs in through the nesting alone.
    const std::string supervisorsOnly = "      " + kSupervisors + ": [supervisor]\n";
    EXPECT_FALSE(LdapDirectory(demoConfig(startTlsUrl(), "", supervisorsOnly))
                     .authenticate("adam", "adam-password")
                     .has_value());
    const LdapDirectory nestedOnly(demoConfig(startTlsUrl(), nested, supervisorsOnly));
    const std::optional<DirectoryUser> viaNesting = nestedOnly.authenticate("adam", "adam-password");
    ASSERT_TRUE(viaNesting.has_value());
    EXPECT_EQ(viaNesting->roles, std::vector<std::string>{"supervisor"});
    ASSERT_TRUE(nestedOnly.lookup("adam").has_value());
    EXPECT_FALSE(nestedOnly.authenticate("olga", "olga-password").has_value());
}

// Active Directory's in-chain rule is sent as a well-formed filter; OpenLDAP does not know the rule and matches
// nothing with it, so only the direct groups count there (member_search is the choice for OpenLDAP).
TEST_F(LdapDirectoryTest, MatchingRuleIsAskedAndDirectGroupsStillCount) {
    const LdapDirectory directory(demoConfig(startTlsUrl(), "    nested_groups: matching_rule\n"));
    const std::optional<DirectoryUser> adam = directory.authenticate("adam", "adam-password");
    ASSERT_TRUE(adam.has_value());
    EXPECT_EQ(adam->roles, std::vector<std::string>{"business_admin"});
}

TEST_F(LdapDirectoryTest, LookupIsTheServiceAccountsViewForTheSync) {
    const std::optional<DirectoryUser> sergey = directory_.lookup("sergey");
    ASSERT_TRUE(sergey.has_value());
    EXPECT_EQ(sergey->dn, "uid=sergey,ou=people," + kSuffix);
    EXPECT_EQ(sergey->displayName, "Sergey Supervisor");
    EXPECT_EQ(sergey->email, "sergey@omnigate.test");
    EXPECT_EQ(sergey->roles, std::vector<std::string>{"supervisor"});
    EXPECT_FALSE(directory_.lookup("ghost").has_value());  // gone from the directory: the sync deactivates
    EXPECT_FALSE(directory_.lookup("").has_value());
}

TEST_F(LdapDirectoryTest, LdapsWithTheCaWorks) {
    const LdapDirectory ldaps(demoConfig(ldapsUrl()));
    EXPECT_FALSE(ldaps.config().startTls);
    const std::optional<DirectoryUser> olga = ldaps.authenticate("olga", "olga-password");
    ASSERT_TRUE(olga.has_value());
    EXPECT_EQ(olga->roles, std::vector<std::string>{"operator"});
    EXPECT_FALSE(ldaps.authenticate("olga", "wrong-password").has_value());
}

TEST_F(LdapDirectoryTest, StartTlsIsOnForLdapUrls) {
    EXPECT_TRUE(directory_.config().startTls);
}

// Allowed for loopback only (the settings refuse it elsewhere): the same sign-in without TLS.
TEST_F(LdapDirectoryTest, PlainLdapOnLoopbackWorksWhenAllowed) {
    const LdapDirectory plain(demoConfig(startTlsUrl(), "    start_tls: false\n"));
    EXPECT_FALSE(plain.config().startTls);
    const std::optional<DirectoryUser> olga = plain.authenticate("olga", "olga-password");
    ASSERT_TRUE(olga.has_value());
    EXPECT_EQ(olga->roles, std::vector<std::string>{"operator"});
}

TEST_F(LdapDirectoryTest, AnotherCaIsRefusedClearly) {
    const LdapDirectory viaStartTls(withCa(demoConfig(startTlsUrl()), unrelatedCaFile()));
    const std::string startTls = unavailableMessage(viaStartTls, "olga", "olga-password");
    EXPECT_NE(startTls.find(startTlsUrl()), std::string::npos) << startTls;
    EXPECT_NE(startTls.find("StartTLS failed"), std::string::npos) << startTls;
    EXPECT_NE(startTls.find("not signed by the CA in " + unrelatedCaFile()), std::string::npos) << startTls;

    const LdapDirectory viaLdaps(withCa(demoConfig(ldapsUrl()), unrelatedCaFile()));
    const std::string ldaps = unavailableMessage(viaLdaps, "olga", "olga-password");
    EXPECT_NE(ldaps.find(ldapsUrl()), std::string::npos) << ldaps;
    EXPECT_NE(ldaps.find("not signed by the CA in " + unrelatedCaFile()), std::string::npos) << ldaps;

    const std::string missing = unavailableMessage(
        LdapDirectory(withCa(demoConfig(ldapsUrl()), "/nonexistent/ca.crt")), "olga", "olga-password");
    EXPECT_NE(missing.find("cannot use the CA file /nonexistent/ca.crt"), std::string::npos) << missing;
}

TEST_F(LdapDirectoryTest, UnreachableDirectoryIsUnavailableNamingIt) {
    const std::string url = "ldap://127.0.0.1:" + std::to_string(test::freePort());
    const LdapDirectory down(demoConfig(url));
    const std::string message = unavailableMessage(down, "olga", "olga-password");
    EXPECT_NE(message.find("directory " + url + " unavailable"), std::string::npos) << message;
    EXPECT_THROW(down.lookup("olga"), DirectoryUnavailable);
}

// A server that takes the connection and never answers costs the configured timeout, not a hung sign-in.
TEST_F(LdapDirectoryTest, SilentDirectoryTimesOut) {
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::string url = "ldap://127.0.0.1:" + std::to_string(silent.address().port());
    const LdapDirectory directory(demoConfig(url, "    start_tls: false\n    timeout_seconds: 1\n"));
    const auto started = std::chrono::steady_clock::now();
    const std::string message = unavailableMessage(directory, "olga", "olga-password");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
    EXPECT_NE(message.find(url), std::string::npos) << message;
}

TEST_F(LdapDirectoryTest, WrongServicePasswordIsUnavailableWithoutThePassword) {
    LdapConfig config = demoConfig(startTlsUrl());
    config.bindPassword = "not-the-reader-password";
    const LdapDirectory directory(config);
    const std::string message = unavailableMessage(directory, "olga", "olga-password");
    EXPECT_NE(message.find("binding as the service account cn=omnigate-reader"), std::string::npos) << message;
    EXPECT_NE(message.find("Invalid credentials"), std::string::npos) << message;
    EXPECT_EQ(message.find("not-the-reader-password"), std::string::npos) << message;
    EXPECT_EQ(message.find("olga-password"), std::string::npos) << message;
    EXPECT_THROW(directory.lookup("olga"), DirectoryUnavailable);
}

// One connection per call: sign-ins on several threads at once neither share nor corrupt a handle.
TEST_F(LdapDirectoryTest, ConcurrentSignInsAreIndependent) {
    std::atomic<int> asExpected{0}, otherwise{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5; ++i) {
                const bool good = (t + i) % 2 == 0;
                const std::optional<DirectoryUser> user =
                    directory_.authenticate("olga", good ? "olga-password" : "wrong-password");
                (user.has_value() == good ? asExpected : otherwise)++;
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(asExpected.load(), 30);
    EXPECT_EQ(otherwise.load(), 0);
}

}  // namespace
}  // namespace omnigate
