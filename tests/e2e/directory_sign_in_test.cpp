// Directory sign-in through the daemon, against the real slapd of scripts/services.sh (config/ldap/demo.ldif):
// roles from groups at every sign-in, the operator link, people in no mapped group and injection attempts kept
// out, a directory that does not answer (503 naming it, local users unaffected), and the sync that deactivates a
// directory user who is gone.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

const std::string kSuffix = "dc=omnigate,dc=test";

std::string authYaml(const std::string& url) {
    return "auth:\n"
           "  token_secret: directory-test-token-secret-0123456789abcdef\n"
           "  ldap:\n"
           "    url: " + url + "\n"
           "    ca_file: " + requireEnv("OMNIGATE_VAR_DIR") + "/ldap/tls/ca.crt\n"
           "    bind_dn: cn=omnigate-reader,ou=services," + kSuffix + "\n"
           "    bind_password: " + requireEnv("OMNIGATE_LDAP_BIND_PASSWORD") + "\n"
           "    user_base: ou=people," + kSuffix + "\n"
           "    group_roles:\n"
           "      cn=cc-operators,ou=groups," + kSuffix + ": [operator]\n"
           "      cn=cc-supervisors,ou=groups," + kSuffix + ": [supervisor]\n"
           "      cn=cc-admins,ou=groups," + kSuffix + ": [business_admin]\n";
}

HttpResult login(DaemonProcess& daemon, const std::string& login, const std::string& password) {
    return daemon.http().postJson("/api/v1/auth/login",
                                  R"({"login":")" + login + R"(","password":")" + password + R"("})");
}

std::string code(const HttpResult& r) { return r.json()->getObject("error")->getValue<std::string>("code"); }

TEST(DirectorySignIn, RolesComeFromGroupsAndStrangersStayOut) {
    DaemonOptions options;
    options.instance = "directory";
    options.extraYaml = authYaml("ldaps://127.0.0.1:" + requireEnv("OMNIGATE_LDAPS_PORT"));
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    // A user who signed in through the directory once and is gone from it now: the first sync, 5 s after the
    // start, deactivates them.
    const std::string ghost = "ghost-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
    DbProbe db;
    db.execute("INSERT INTO users (login, display_name, roles, source, active, created_at, updated_at) VALUES ('" +
               ghost + "', 'Ghost', 'supervisor', 'ldap', 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))");

    // Olga is in cc-operators: an operator, linked to the routing operator of her login once it exists.
    const HttpResult early = login(daemon, "olga", "olga-password");
    const HttpResult op = daemon.http().request(
        "POST", "/api/v1/operators", R"({"id":"olga","name":"Olga","capacities":{"webchat":1}})",
        {{"Authorization", "Bearer " + daemon.adminToken()}, {"Content-Type", "application/json"}});
    ASSERT_TRUE(op.status == 201 || op.status == 409) << op.body;
    if (op.status == 201) {
        EXPECT_EQ(early.status, 403) << early.body;
        EXPECT_EQ(code(early), "no_operator");
    }
    const HttpResult olga = login(daemon, "olga", "olga-password");
    ASSERT_EQ(olga.status, 200) << olga.body << daemon.log();
    const auto me = olga.json()->getObject("user");
    EXPECT_EQ(me->getArray("roles")->getElement<std::string>(0), "operator");
    EXPECT_EQ(me->getValue<std::string>("operator_id"), "olga");
    EXPECT_EQ(db.text("SELECT source FROM users WHERE login = 'olga'"), "ldap");
    EXPECT_EQ(db.text("SELECT COALESCE(password_hash, 'none') FROM users WHERE login = 'olga'"), "none");

    // Adam is in cc-admins, itself in cc-supervisors: only the direct group counts without nesting configured.
    const HttpResult adam = login(daemon, "adam", "adam-password");
    ASSERT_EQ(adam.status, 200) << adam.body;
    EXPECT_NE(adam.body.find("business_admin"), std::string::npos) << adam.body;

    // Wrong passwords, someone in no mapped group, an empty password and filter injections: all the same 401.
    for (const auto& [who, password] : std::vector<std::pair<std::string, std::string>>{
             {"olga", "wrong-password"}, {"nina", "nina-password"}, {"olga", ""}, {"*", "olga-password"},
             {"olga)(uid=*", "olga-password"}, {"*)(|(uid=*", "x"}}) {
        const HttpResult r = login(daemon, who, password);
        EXPECT_EQ(r.status, 401) << who << ": " << r.body;
        EXPECT_EQ(code(r), "invalid_credentials") << who;
    }

    // The sync has run (5 s after start): the ghost is deactivated, with an audit entry.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (db.scalar("SELECT active FROM users WHERE login = '" + ghost + "'") != 0 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_EQ(db.scalar("SELECT active FROM users WHERE login = '" + ghost + "'"), 0) << daemon.log();
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'user.deactivated_by_directory' AND target = "
                        "CONCAT('user:', (SELECT id FROM users WHERE login = '" + ghost + "'))"),
              1);
}

TEST(DirectorySignIn, ADirectoryThatDoesNotAnswerIs503AndLocalUsersStillSignIn) {
    DaemonOptions options;
    options.instance = "directory-down";
    // Nothing listens on port 9 of loopback.
    options.extraYaml = authYaml("ldaps://127.0.0.1:9") +
                        "  users:\n    - login: local-admin\n      roles: [business_admin]\n"
                        "      password: local-admin-password\n";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const HttpResult down = login(daemon, "sergey", "sergey-password");
    EXPECT_EQ(down.status, 503) << down.body;
    EXPECT_EQ(code(down), "directory_unavailable");
    EXPECT_NE(down.body.find("ldaps://127.0.0.1:9"), std::string::npos) << down.body;
    EXPECT_EQ(login(daemon, "local-admin", "local-admin-password").status, 200);
}

}  // namespace
}  // namespace omnigate::test
