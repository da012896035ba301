// People signing in, end to end against the real daemon and MariaDB: users made by a business administrator and
// seeded by the config, sign-in with its throttling, refresh-token rotation and replay detection, sign-out, the
// operator's own work versus everyone's, deactivation while signed in, and the audit log of all of it.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

const char* const kPassword = "correct-horse-battery";

class Identity : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        tag_ = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
        DaemonOptions options;
        options.instance = "identity";
        // Seeded users: present after start, once, whatever the restarts.
        options.extraYaml = "auth:\n"
                            "  token_secret: identity-test-token-secret-0123456789abcdef\n"
                            "  access_token_minutes: 1\n"
                            "  session_sweep_seconds: 1\n"
                            "  users:\n"
                            "    - login: seed-" + tag_ + "\n"
                            "      roles: [business_admin]\n"
                            "      password: seeded-password-" + tag_ + "\n"
                            "audit:\n  retention_days: 30\n";
        daemon_ = new DaemonProcess(options);
        ready_ = daemon_->waitReady();
        if (!ready_) return;
        admin_ = [] {
            const HttpResult r = login("seed-" + tag_, "seeded-password-" + tag_);
            return r.status == 200 ? r.json()->getValue<std::string>("access_token") : std::string();
        }();
        operator_ = "op-" + tag_;
        const HttpResult op = call("POST", "/api/v1/operators", daemon_->adminToken(),
                                   R"({"id":")" + operator_ + R"(","name":"Anna","capacities":{"webchat":2}})");
        EXPECT_EQ(op.status, 201) << op.body;
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void SetUp() override {
        ASSERT_TRUE(ready_) << daemon_->log();
        ASSERT_FALSE(admin_.empty()) << "the seeded business administrator could not sign in\n" << daemon_->log();
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult call(const std::string& method, const std::string& path, const std::string& bearer,
                           const std::string& body = "", std::map<std::string, std::string> headers = {}) {
        if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }
    static HttpResult login(const std::string& login, const std::string& password, const std::string& extra = "") {
        return daemon_->http().postJson("/api/v1/auth/login",
                                        R"({"login":")" + login + R"(","password":")" + password + "\"" + extra + "}");
    }
    // A user made by the business administrator; returns their id.
    static std::int64_t makeUser(const std::string& login, const std::string& roles, const std::string& op = "") {
        const HttpResult r = call("POST", "/api/v1/users", admin_,
                                  R"({"login":")" + login + R"(","display_name":"Test","roles":)" + roles +
                                      (op.empty() ? "" : R"(,"operator_id":")" + op + "\"") + R"(,"password":")" +
                                      kPassword + "\"}");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
    }
    static std::string accessToken(const std::string& login) {
        const HttpResult r = Identity::login(login, kPassword);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? r.json()->getValue<std::string>("access_token") : "";
    }
    static std::int64_t webchatInteraction(const std::string& name) {
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":")" + name + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const HttpResult message = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"help"})",
                                                            session.json()->getValue<std::string>("token"));
        EXPECT_EQ(message.status, 201) << message.body;
        return message.json()->getValue<std::int64_t>("interaction_id");
    }
    static std::vector<std::string> auditActions(const std::string& query) {
        const HttpResult r = call("GET", "/api/v1/audit?" + query, admin_);
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> actions;
        const auto entries = r.json()->getArray("entries");
        for (std::size_t i = 0; i < entries->size(); ++i) {
            actions.push_back(entries->getObject(static_cast<unsigned>(i))->getValue<std::string>("action"));
        }
        return actions;
    }

    static DaemonProcess* daemon_;
    static bool ready_;
    static std::string tag_, admin_, operator_;
};

DaemonProcess* Identity::daemon_ = nullptr;
bool Identity::ready_ = false;
std::string Identity::tag_, Identity::admin_, Identity::operator_;

TEST_F(Identity, SignInAnswersTokensAndMeTellsRolesPermissionsAndWorkplace) {
    const std::string login = "sup-" + tag_;
    makeUser(login, R"(["supervisor"])");
    ASSERT_EQ(call("POST", "/api/v1/workplaces", admin_, R"({"id":"desk-)" + tag_ +
                                                             R"(","name":"Desk","sip_uri":"sip:desk@pbx.test"})")
                  .status,
              201);
    const HttpResult r = Identity::login(login, kPassword, R"(,"workplace":"desk-)" + tag_ + "\"");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto answer = r.json();
    EXPECT_EQ(answer->getValue<std::string>("token_type"), "Bearer");
    EXPECT_EQ(answer->getValue<int>("expires_in"), 60);
    EXPECT_EQ(answer->getValue<std::string>("refresh_token").rfind("ogr_", 0), 0u);

    const HttpResult me = call("GET", "/api/v1/auth/me", answer->getValue<std::string>("access_token"));
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.json()->getValue<std::string>("login"), login);
    EXPECT_EQ(me.json()->getValue<std::string>("workplace"), "desk-" + tag_);
    EXPECT_EQ(me.json()->getArray("roles")->getElement<std::string>(0), "supervisor");
    EXPECT_NE(me.body.find("\"interactions:supervise\""), std::string::npos) << me.body;
    EXPECT_EQ(me.body.find("users:manage"), std::string::npos) << me.body;

    // Neither the hash nor anything like a password is ever answered.
    const HttpResult users = call("GET", "/api/v1/users", admin_);
    ASSERT_EQ(users.status, 200);
    EXPECT_EQ(users.body.find("argon2"), std::string::npos);
    EXPECT_EQ(users.body.find("password"), std::string::npos);

    // A workplace that does not exist is refused, and no session is left behind.
    EXPECT_EQ(Identity::login(login, kPassword, R"(,"workplace":"nowhere")").status, 400);
}

TEST_F(Identity, ASignInGivesABrokerAccountForItsSessionThatEndsWithIt) {
    const std::string login = "live-" + tag_;
    makeUser(login, R"(["supervisor"])");
    const HttpResult in = Identity::login(login, kPassword);
    ASSERT_EQ(in.status, 200) << in.body;
    const auto mqtt = in.json()->getObject("mqtt");
    ASSERT_TRUE(mqtt) << in.body;
    const MqttLogin account{mqtt->getValue<std::string>("username"), mqtt->getValue<std::string>("password")};
    EXPECT_EQ(mqtt->getArray("topics")->getElement<std::string>(0), "omnigate/v1/#");
    // A supervisor's account reads every event.
    EXPECT_NO_THROW(MqttProbe("omnigate/v1/#", "", account));
    // A business administrator reads nothing live: no account.
    const HttpResult admin = Identity::login("seed-" + tag_, "seeded-password-" + tag_);
    ASSERT_EQ(admin.status, 200);
    EXPECT_TRUE(admin.json()->isNull("mqtt")) << admin.body;

    EXPECT_EQ(call("POST", "/api/v1/auth/logout", in.json()->getValue<std::string>("access_token")).status, 204);
    EXPECT_THROW(MqttProbe("omnigate/v1/#", "", account), std::exception) << "the account outlived its session";
}

TEST_F(Identity, ASessionNobodyRefreshedUntilItExpiredLosesItsBrokerAccountAndTakesTheOperatorOffline) {
    const std::string op = "exop-" + tag_;
    ASSERT_EQ(call("POST", "/api/v1/operators", daemon_->adminToken(),
                   R"({"id":")" + op + R"(","name":"Gone home","capacities":{"webchat":1}})")
                  .status,
              201);
    const std::string login = "exp-" + tag_;
    makeUser(login, R"(["operator"])", op);
    const HttpResult in = Identity::login(login, kPassword);
    ASSERT_EQ(in.status, 200) << in.body;
    const auto mqtt = in.json()->getObject("mqtt");
    ASSERT_TRUE(mqtt) << in.body;
    const MqttLogin account{mqtt->getValue<std::string>("username"), mqtt->getValue<std::string>("password")};
    const std::string topic = "omnigate/v1/operators/" + op + "/#";
    ASSERT_NO_THROW(MqttProbe(topic, "", account));
    ASSERT_EQ(call("PUT", "/api/v1/operators/" + op + "/status", in.json()->getValue<std::string>("access_token"),
                   R"({"status":"ready"})")
                  .status,
              200);

    // The browser was closed without signing out, and the refresh token's lifetime has passed since.
    DbProbe db;
    const std::string family = account.username.substr(3);
    db.execute("UPDATE refresh_tokens SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE family = '" +
               family + "'");
    // The sweep (every second here) takes the operator offline last.
    const std::string status = "SELECT status FROM operators WHERE id = '" + op + "'";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (db.text(status) != "offline" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(db.text(status), "offline");
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM refresh_tokens WHERE family = '" + family + "' AND revoked_at IS NULL"),
              0);
    EXPECT_THROW(MqttProbe(topic, "", account), std::exception) << "the account outlived its session";
}

TEST_F(Identity, WrongCredentialsSayNothingOfTheLoginAndFiveFailuresLockIt) {
    const std::string login = "lock-" + tag_;
    makeUser(login, R"(["supervisor"])");
    const HttpResult unknown = Identity::login("nobody-" + tag_, "whatever-password");
    const HttpResult wrong = Identity::login(login, "wrong-password-1");
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.json()->getObject("error")->getValue<std::string>("message"),
              wrong.json()->getObject("error")->getValue<std::string>("message"));
    for (int i = 0; i < 4; ++i) EXPECT_EQ(Identity::login(login, "wrong-password-2").status, 401);
    // Locked now, even with the right password, with the time to wait.
    const HttpResult locked = Identity::login(login, kPassword);
    EXPECT_EQ(locked.status, 429) << locked.body;
    ASSERT_EQ(locked.headers.count("Retry-After"), 1u);
    EXPECT_GT(std::stoi(locked.headers.at("Retry-After")), 0);
    // The failures are in the audit log.
    EXPECT_GE(auditActions("action=auth.sign_in_failed&limit=1000").size(), 5u);
}

TEST_F(Identity, ARefreshRotatesAndAReplayedRefreshTokenEndsTheWholeSession) {
    const std::string login = "rot-" + tag_;
    makeUser(login, R"(["supervisor"])");
    const HttpResult signedIn = Identity::login(login, kPassword);
    ASSERT_EQ(signedIn.status, 200);
    const std::string first = signedIn.json()->getValue<std::string>("refresh_token");
    const std::string access = signedIn.json()->getValue<std::string>("access_token");

    const HttpResult rotated = daemon_->http().postJson("/api/v1/auth/refresh", R"({"refresh_token":")" + first + "\"}");
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    const std::string second = rotated.json()->getValue<std::string>("refresh_token");
    EXPECT_NE(second, first);
    EXPECT_EQ(call("GET", "/api/v1/auth/me", rotated.json()->getValue<std::string>("access_token")).status, 200);

    // The first token again: someone copied it. Refused, and the session is over for every holder.
    const HttpResult replay = daemon_->http().postJson("/api/v1/auth/refresh", R"({"refresh_token":")" + first + "\"}");
    EXPECT_EQ(replay.status, 401);
    EXPECT_EQ(replay.json()->getObject("error")->getValue<std::string>("code"), "refresh_token_reused");
    const HttpResult after = daemon_->http().postJson("/api/v1/auth/refresh", R"({"refresh_token":")" + second + "\"}");
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(call("GET", "/api/v1/auth/me", access).status, 401);
    EXPECT_EQ(daemon_->http().postJson("/api/v1/auth/refresh", R"({"refresh_token":"ogr_garbage"})").status, 401);
}

TEST_F(Identity, AnOperatorWorksOnWhatTheyHoldAndSignsOutOffline) {
    const std::string login = "opu-" + tag_;
    makeUser(login, R"(["operator"])", operator_);
    const std::string token = accessToken(login);
    const std::int64_t mine = webchatInteraction("Mine " + tag_);
    const std::int64_t theirs = webchatInteraction("Theirs " + tag_);
    DbProbe db;
    db.execute("UPDATE interactions SET operator = '" + operator_ + "' WHERE id = " + std::to_string(mine));

    EXPECT_EQ(call("GET", "/api/v1/interactions/" + std::to_string(mine), token).status, 200);
    const HttpResult other = call("GET", "/api/v1/interactions/" + std::to_string(theirs), token);
    EXPECT_EQ(other.status, 403) << other.body;
    EXPECT_EQ(call("GET", "/api/v1/interactions/" + std::to_string(theirs) + "/messages", token).status, 403);
    // The list is theirs only.
    const HttpResult list = call("GET", "/api/v1/interactions?limit=100", token);
    ASSERT_EQ(list.status, 200) << list.body;
    const auto items = list.json()->getArray("interactions");
    ASSERT_GE(items->size(), 1u);
    for (std::size_t i = 0; i < items->size(); ++i) {
        EXPECT_EQ(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("operator"), operator_);
    }
    EXPECT_EQ(call("GET", "/api/v1/interactions?operator=someone-else", token).status, 403);
    // Their own status, not a colleague's; no supervision, no catalogs to change.
    EXPECT_EQ(call("PUT", "/api/v1/operators/" + operator_ + "/status", token, R"({"status":"ready"})").status, 200);
    EXPECT_EQ(call("PUT", "/api/v1/operators/ivanov/status", token, R"({"status":"ready"})").status, 403);
    const HttpResult supervise = call("GET", "/api/v1/supervisor/interactions", token);
    EXPECT_EQ(supervise.status, 403);
    EXPECT_NE(supervise.body.find("interactions:supervise"), std::string::npos) << supervise.body;
    EXPECT_EQ(call("POST", "/api/v1/topics", token, R"({"name":"X"})").status, 403);
    EXPECT_EQ(call("GET", "/api/v1/topics", token).status, 200);
    // Acting in another's name is the admin token's break-glass only.
    EXPECT_EQ(call("GET", "/api/v1/interactions/" + std::to_string(mine), token, "",
                   {{"X-Omnigate-Actor", "operator:ivanov"}})
                  .status,
              400);

    // Signing out: the operator goes offline and the token stops working.
    EXPECT_EQ(call("POST", "/api/v1/auth/logout", token).status, 204);
    EXPECT_EQ(db.text("SELECT status FROM operators WHERE id = '" + operator_ + "'"), "offline");
    EXPECT_EQ(call("GET", "/api/v1/interactions/" + std::to_string(mine), token).status, 401);
}

TEST_F(Identity, ADeactivatedOperatorTakesNoMoreWork) {
    const std::string op = "deop-" + tag_;
    ASSERT_EQ(call("POST", "/api/v1/operators", daemon_->adminToken(),
                   R"({"id":")" + op + R"(","name":"Deactivated","capacities":{"webchat":1}})")
                  .status,
              201);
    const std::int64_t id = makeUser("deop-" + tag_, R"(["operator"])", op);
    const std::string token = accessToken("deop-" + tag_);
    ASSERT_EQ(call("PUT", "/api/v1/operators/" + op + "/status", token, R"({"status":"ready"})").status, 200);
    ASSERT_EQ(call("PATCH", "/api/v1/users/" + std::to_string(id), admin_, R"({"active":false})").status, 200);
    DbProbe db;
    EXPECT_EQ(db.text("SELECT status FROM operators WHERE id = '" + op + "'"), "offline");
}

TEST_F(Identity, ADeactivatedUserIsOutAtTheirNextRequestAndEveryChangeIsAudited) {
    const std::string login = "deact-" + tag_;
    const std::int64_t id = makeUser(login, R"(["supervisor"])");
    const std::string token = accessToken(login);
    EXPECT_EQ(call("GET", "/api/v1/supervisor/interactions", token).status, 200);
    const HttpResult off = call("PATCH", "/api/v1/users/" + std::to_string(id), admin_, R"({"active":false})");
    ASSERT_EQ(off.status, 200) << off.body;
    const HttpResult refused = call("GET", "/api/v1/supervisor/interactions", token);
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(refused.json()->getObject("error")->getValue<std::string>("code"), "user_inactive");
    EXPECT_NE(Identity::login(login, kPassword).status, 200);

    // The audit log: the change with its state before and after, and who made it from where.
    const std::string target = "target=user:" + std::to_string(id);
    // Newest first: the refused sign-in (right password, deactivated), the change, the sign-in, the creation.
    EXPECT_EQ(auditActions(target), (std::vector<std::string>{"auth.sign_in_failed", "user.updated", "auth.sign_in",
                                                              "user.created"}));
    const HttpResult audit = call("GET", "/api/v1/audit?action=user.updated&" + target, admin_);
    ASSERT_EQ(audit.status, 200) << audit.body;
    const auto entries = audit.json()->getArray("entries");
    ASSERT_EQ(entries->size(), 1u) << audit.body;
    const auto updated = entries->getObject(0);
    EXPECT_EQ(updated->getValue<std::string>("action"), "user.updated");
    EXPECT_TRUE(updated->getObject("before")->getValue<bool>("active"));
    EXPECT_FALSE(updated->getObject("after")->getValue<bool>("active"));
    EXPECT_EQ(updated->getObject("actor")->getValue<std::string>("user"), "seed-" + tag_);
    EXPECT_EQ(updated->getValue<std::string>("address"), "127.0.0.1");

    // A catalog change by the admin token is recorded too; the audit is the business administrator's alone.
    const HttpResult topic = call("POST", "/api/v1/topics", daemon_->adminToken(), R"({"name":"T-)" + tag_ + R"("})");
    ASSERT_EQ(topic.status, 201) << topic.body;
    const auto topics = auditActions("actor_kind=admin&action=POST%20/api/v1/topics");
    ASSERT_FALSE(topics.empty());
    // A change records the resource as it was just before and as it is after; a deletion only the before.
    const std::string path = "/api/v1/topics/" + std::to_string(topic.json()->getValue<std::int64_t>("id"));
    ASSERT_EQ(call("PATCH", path, admin_, R"({"name":"Renamed-)" + tag_ + R"("})").status, 200);
    ASSERT_EQ(call("DELETE", path, admin_).status, 204);
    const HttpResult changes = call("GET", "/api/v1/audit?target=" + path, admin_);
    ASSERT_EQ(changes.status, 200) << changes.body;
    const auto changed = changes.json()->getArray("entries");
    ASSERT_EQ(changed->size(), 2u) << changes.body;
    const auto deleted = changed->getObject(0), renamed = changed->getObject(1);
    EXPECT_EQ(deleted->getValue<std::string>("action"), "DELETE " + path);
    EXPECT_EQ(deleted->getObject("before")->getValue<std::string>("name"), "Renamed-" + tag_);
    EXPECT_TRUE(deleted->isNull("after")) << changes.body;
    EXPECT_EQ(renamed->getObject("before")->getValue<std::string>("name"), "T-" + tag_);
    EXPECT_EQ(renamed->getObject("after")->getValue<std::string>("name"), "Renamed-" + tag_);
    makeUser("aud-" + tag_, R"(["supervisor"])");
    const HttpResult notTheirs = call("GET", "/api/v1/audit", accessToken("aud-" + tag_));
    EXPECT_EQ(notTheirs.status, 403);
    EXPECT_NE(notTheirs.body.find("audit:read"), std::string::npos) << notTheirs.body;
}

TEST_F(Identity, BadUsersAreRefusedWithTheField) {
    const auto refused = [&](const std::string& body, const std::string& field) {
        const HttpResult r = call("POST", "/api/v1/users", admin_, body);
        EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
        EXPECT_NE(r.body.find(field), std::string::npos) << body << " -> " << r.body;
    };
    refused(R"({"login":"short-)" + tag_ + R"(","roles":["supervisor"],"password":"123"})", "password");
    refused(R"({"login":"x y","roles":["supervisor"],"password":"long-enough-pw"})", "login");
    refused(R"({"login":"r-)" + tag_ + R"(","roles":["root"],"password":"long-enough-pw"})", "roles");
    refused(R"({"login":"o-)" + tag_ + R"(","roles":["operator"],"password":"long-enough-pw"})", "operator_id");
    refused(R"({"login":"o2-)" + tag_ + R"(","roles":["operator"],"operator_id":"no-such-op","password":"long-enough-pw"})",
            "operator_id");
    const HttpResult twice = call("POST", "/api/v1/users", admin_,
                                  R"({"login":"seed-)" + tag_ + R"(","roles":["supervisor"],"password":"long-enough-pw"})");
    EXPECT_EQ(twice.status, 409) << twice.body;
}

}  // namespace
}  // namespace omnigate::test
