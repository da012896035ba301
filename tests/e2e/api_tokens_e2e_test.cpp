// The integration API against the real daemon: the administrator gives a CRM a scoped API token; the CRM reads
// interactions and clients, starts outbound interactions and edits client cards within its scopes and is refused
// (403, naming the scope) outside them; a revoked token is refused at once; the token is shown once and only its
// SHA-256 is stored. The admin token's behaviour is covered by the InteractionsApi and ClientsApi suites.
// The shared database is never wiped: every assertion is scoped to tokens, clients and interactions made here.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>
#include <Poco/UUIDGenerator.h>

#include <set>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kEventWait = 30s;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }
std::string str(std::int64_t id) { return std::to_string(id); }

std::string sha256Hex(const std::string& text) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(text);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string errorCode(const HttpResult& r) { return r.json()->getObject("error")->getValue<std::string>("code"); }
std::string errorMessage(const HttpResult& r) { return r.json()->getObject("error")->getValue<std::string>("message"); }

struct IssuedToken {
    std::int64_t id = 0;
    std::string name;
    std::string token;
};

struct Visitor {
    std::int64_t clientId = 0;
    std::int64_t interactionId = 0;
};

class ApiTokens : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "api-tokens-" + uniqueId().substr(0, 8);
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult as(const std::string& bearer, const std::string& method, const std::string& path,
                         const std::string& body = "", std::map<std::string, std::string> headers = {}) {
        if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }
    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        return as(daemon_->adminToken(), method, path, body);
    }

    static IssuedToken issue(const std::string& scopes) {
        IssuedToken t;
        t.name = "crm-" + uniqueId().substr(0, 8);
        const HttpResult r = admin("POST", "/api/v1/api-tokens", R"({"name":")" + t.name + R"(","scopes":)" + scopes + "}");
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status != 201) return t;
        t.id = r.json()->getValue<std::int64_t>("id");
        t.token = r.json()->getValue<std::string>("token");
        return t;
    }

    // A web chat visitor who wrote once, their interaction closed: a client an outbound interaction can reach.
    static Visitor closedVisitor() {
        Visitor v;
        const HttpResult session = daemon_->http().postJson("/api/v1/webchat/demo/sessions",
                                                            R"({"name":"Visitor )" + uniqueId() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const HttpResult m = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"Hello"})",
                                                      session.json()->getValue<std::string>("token"));
        EXPECT_EQ(m.status, 201) << m.body;
        v.clientId = m.json()->getValue<std::int64_t>("client_id");
        v.interactionId = m.json()->getValue<std::int64_t>("interaction_id");
        const HttpResult closed =
            admin("POST", "/api/v1/interactions/" + str(v.interactionId) + "/status", R"({"status":"closed"})");
        EXPECT_EQ(closed.status, 200) << closed.body;
        return v;
    }

    static std::string outbound(std::int64_t clientId) {
        return R"({"client_id":)" + str(clientId) + R"(,"channel":"webchat","account":"demo","text":"We called"})";
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
};

DaemonProcess* ApiTokens::daemon_ = nullptr;

TEST_F(ApiTokens, AReadOnlyTokenReadsInteractionsButCannotStartOrAnswerOne) {
    const Visitor v = closedVisitor();
    const IssuedToken t = issue(R"(["interactions:read"])");
    const std::string path = "/api/v1/interactions/" + str(v.interactionId);

    const HttpResult one = as(t.token, "GET", path);
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(one.json()->getObject("interaction")->getValue<std::int64_t>("client_id"), v.clientId);
    const HttpResult list = as(t.token, "GET", "/api/v1/interactions?client_id=" + str(v.clientId));
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json()->getArray("interactions")->size(), 1u);
    EXPECT_EQ(as(t.token, "GET", path + "/messages").status, 200);

    const std::int64_t before = db_.scalar("SELECT COUNT(*) FROM interactions WHERE client_id = " + str(v.clientId));
    const HttpResult start = as(t.token, "POST", "/api/v1/interactions", outbound(v.clientId));
    ASSERT_EQ(start.status, 403) << start.body;
    EXPECT_EQ(errorCode(start), "insufficient_scope");
    EXPECT_NE(errorMessage(start).find("'interactions:write'"), std::string::npos) << start.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE client_id = " + str(v.clientId)), before);
    EXPECT_EQ(as(t.token, "POST", path + "/messages", R"({"text":"hi"})").status, 403);

    // Another resource's scope, and the routes that stay the administrator's.
    const HttpResult client = as(t.token, "GET", "/api/v1/clients/" + str(v.clientId));
    ASSERT_EQ(client.status, 403) << client.body;
    EXPECT_NE(errorMessage(client).find("'clients:read'"), std::string::npos) << client.body;
    const HttpResult status = as(t.token, "POST", path + "/status", R"({"status":"queued"})");
    ASSERT_EQ(status.status, 403) << status.body;
    EXPECT_EQ(errorCode(status), "insufficient_scope");
    EXPECT_NE(errorMessage(status).find("'interactions:handle'"), std::string::npos) << status.body;
    EXPECT_EQ(db_.text("SELECT status FROM interactions WHERE id = " + str(v.interactionId)), "closed");
}

TEST_F(ApiTokens, AWriteTokenStartsAnOutboundInteractionAndRepliesAsItsIntegration) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const Visitor v = closedVisitor();
    const IssuedToken t = issue(R"(["interactions:write"])");

    const HttpResult created = as(t.token, "POST", "/api/v1/interactions", outbound(v.clientId));
    ASSERT_EQ(created.status, 201) << created.body;
    const std::int64_t id = created.json()->getObject("interaction")->getValue<std::int64_t>("id");
    EXPECT_EQ(db_.text("SELECT CONCAT(actor_kind, ':', actor_id) FROM interaction_status_history WHERE interaction_id = " +
                       str(id)),
              "integration:" + t.name);
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) {
            return m.topic == "omnigate/v1/interactions/" + str(id) + "/events" &&
                   parse(m.payload)->getValue<std::string>("type") == "interaction.created";
        },
        1, kEventWait);
    EXPECT_EQ(events.size(), 1u);

    const HttpResult reply = as(t.token, "POST", "/api/v1/interactions/" + str(id) + "/messages", R"({"text":"More"})");
    ASSERT_EQ(reply.status, 201) << reply.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + str(id) + " AND direction = 'out'"), 2);

    // The use is recorded (at most once a minute), for the administrator to see which tokens are still in use.
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM api_tokens WHERE id = " + str(t.id) + " AND last_used_at IS NOT NULL"), 1);
    // An integration acts as itself, never in an operator's name.
    const HttpResult named = as(t.token, "POST", "/api/v1/interactions", outbound(v.clientId),
                                {{"X-Omnigate-Actor", "operator:anna"}});
    ASSERT_EQ(named.status, 400) << named.body;
    EXPECT_NE(errorMessage(named).find("X-Omnigate-Actor"), std::string::npos) << named.body;
}

TEST_F(ApiTokens, AClientsWriteTokenEditsACardAndCreatesClients) {
    const std::string email = "card-" + uniqueId() + "@example.com";
    const HttpResult made = admin("POST", "/api/v1/clients",
                                  R"({"name":"Card Holder","addresses":[{"kind":"email","value":")" + email + R"("}]})");
    ASSERT_EQ(made.status, 201) << made.body;
    const std::int64_t clientId = made.json()->getValue<std::int64_t>("id");
    MqttProbe probe("omnigate/v1/clients/" + str(clientId) + "/events");
    const IssuedToken t = issue(R"(["clients:write"])");

    const HttpResult patched = as(t.token, "PATCH", "/api/v1/clients/" + str(clientId),
                                  R"({"version":1,"card":{"crm_id":"C-1042","segment":"gold"}})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json()->getObject("card")->getValue<std::string>("crm_id"), "C-1042");
    EXPECT_NE(db_.text("SELECT card FROM clients WHERE id = " + str(clientId)).find("C-1042"), std::string::npos);
    const auto updated = probe.waitFor(
        [](const ReceivedMessage& m) { return parse(m.payload)->getValue<std::string>("type") == "client.updated"; }, 1,
        kEventWait);
    ASSERT_EQ(updated.size(), 1u);
    const auto by = parse(updated[0].payload)->getObject("data")->getObject("actor");
    EXPECT_EQ(by->getValue<std::string>("kind"), "integration");
    EXPECT_EQ(by->getValue<std::string>("id"), t.name);

    const HttpResult created = as(t.token, "POST", "/api/v1/clients",
                                  R"({"name":"From the CRM","addresses":[{"kind":"email","value":"new-)" + email + R"("}]})");
    EXPECT_EQ(created.status, 201) << created.body;

    // Writing is not reading, and merging or moving addresses stays the administrator's.
    const HttpResult read = as(t.token, "GET", "/api/v1/clients/" + str(clientId));
    ASSERT_EQ(read.status, 403) << read.body;
    EXPECT_NE(errorMessage(read).find("'clients:read'"), std::string::npos) << read.body;
    EXPECT_EQ(as(t.token, "POST", "/api/v1/clients/" + str(clientId) + "/merge", R"({"from_client_id":1})").status, 403);
    EXPECT_EQ(as(t.token, "POST", "/api/v1/clients/" + str(clientId) + "/addresses",
                 R"({"kind":"phone","value":"+15550001111"})")
                  .status,
              403);
}

TEST_F(ApiTokens, ARevokedTokenIsRefusedAtOnceAndKeptForTheAudit) {
    const IssuedToken t = issue(R"(["clients:read"])");
    ASSERT_EQ(as(t.token, "GET", "/api/v1/clients?limit=1").status, 200);  // now in the daemon's cache

    const HttpResult revoked = admin("DELETE", "/api/v1/api-tokens/" + str(t.id));
    ASSERT_EQ(revoked.status, 200) << revoked.body;
    EXPECT_FALSE(revoked.json()->isNull("revoked_at"));
    const HttpResult refused = as(t.token, "GET", "/api/v1/clients?limit=1");
    ASSERT_EQ(refused.status, 401) << refused.body;
    EXPECT_NE(errorMessage(refused).find("revoked"), std::string::npos) << refused.body;

    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM api_tokens WHERE id = " + str(t.id) + " AND revoked_at IS NOT NULL"), 1);
    // Revoking again changes nothing; an unknown id is 404.
    const HttpResult again = admin("DELETE", "/api/v1/api-tokens/" + str(t.id));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()->getValue<std::string>("revoked_at"), revoked.json()->getValue<std::string>("revoked_at"));
    EXPECT_EQ(admin("DELETE", "/api/v1/api-tokens/999999999").status, 404);
}

TEST_F(ApiTokens, TheTokenIsShownOnceAndOnlyItsHashIsStored) {
    MqttProbe probe("omnigate/v1/catalogs/api-tokens/events");
    const IssuedToken t = issue(R"(["interactions:read","clients:read","interactions:read"])");
    ASSERT_EQ(t.token.rfind("og_", 0), 0u) << t.token;
    EXPECT_GE(t.token.size(), 40u);

    const HttpResult list = admin("GET", "/api/v1/api-tokens");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.body.find(t.token), std::string::npos);
    EXPECT_EQ(list.body.find(sha256Hex(t.token)), std::string::npos);
    Poco::JSON::Object::Ptr listed;
    const auto tokens = list.json()->getArray("api_tokens");
    for (std::size_t i = 0; i < tokens->size(); ++i) {
        if (tokens->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id") == t.id)
            listed = tokens->getObject(static_cast<unsigned>(i));
    }
    ASSERT_TRUE(listed) << list.body;
    EXPECT_EQ(listed->getValue<std::string>("name"), t.name);
    EXPECT_EQ(listed->getArray("scopes")->size(), 2u);  // the repeated scope once
    EXPECT_TRUE(listed->isNull("revoked_at"));
    EXPECT_FALSE(listed->has("token"));

    EXPECT_EQ(db_.text("SELECT token_hash FROM api_tokens WHERE id = " + str(t.id)), sha256Hex(t.token));
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM api_tokens WHERE id = " + str(t.id) + " AND (token_hash = '" + t.token +
                         "' OR name = '" + t.token + "' OR scopes LIKE '%" + t.token + "%')"),
              0);
    const auto created = probe.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            return event->getValue<std::string>("type") == "api_token.created" &&
                   event->getObject("data")->getValue<std::int64_t>("id") == t.id;
        },
        1, kEventWait);
    ASSERT_EQ(created.size(), 1u);
    EXPECT_EQ(created[0].payload.find(t.token), std::string::npos);
    EXPECT_EQ(daemon_->log().find(t.token), std::string::npos);
}

TEST_F(ApiTokens, BadRequestsAreRefusedNamingTheFieldAndNothingIsStored) {
    const std::string name = "bad-" + uniqueId().substr(0, 8);
    const HttpResult unknown = admin("POST", "/api/v1/api-tokens",
                                     R"({"name":")" + name + R"(","scopes":["interactions:read","admin","clients:delete"]})");
    ASSERT_EQ(unknown.status, 400) << unknown.body;
    const std::string message = errorMessage(unknown);
    EXPECT_NE(message.find("'admin', 'clients:delete'"), std::string::npos) << message;
    EXPECT_NE(message.find("interactions:read, interactions:write, clients:read, clients:write"), std::string::npos)
        << message;
    for (const std::string& body : std::vector<std::string>{
             R"({"name":")" + name + R"(","scopes":[]})", R"({"name":")" + name + R"(","scopes":"clients:read"})",
          R"({"name":")" + name + R"("})", R"({"scopes":["clients:read"]})",
          R"({"name":"has spaces","scopes":["clients:read"]})",
          R"({"name":")" + name + R"(","scopes":["clients:read"],"expires":"never"})"}) {
        EXPECT_EQ(admin("POST", "/api/v1/api-tokens", body).status, 400) << body;
    }
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM api_tokens WHERE name = '" + name + "'"), 0);
}

TEST_F(ApiTokens, OnlyTheAdminTokenManagesTokens) {
    const IssuedToken t = issue(R"(["interactions:read","interactions:write","clients:read","clients:write"])");
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/api/v1/api-tokens"}, {"POST", "/api/v1/api-tokens"}, {"DELETE", "/api/v1/api-tokens/" + str(t.id)}}) {
        const std::string body = method == "POST" ? R"({"name":"escalate","scopes":["clients:read"]})" : "";
        EXPECT_EQ(as(t.token, method, path, body).status, 403) << method << " " << path;
        EXPECT_EQ(as("", method, path, body).status, 401) << method << " " << path;
        EXPECT_EQ(as("og_not-a-token", method, path, body).status, 401) << method << " " << path;
    }
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM api_tokens WHERE id = " + str(t.id) + " AND revoked_at IS NULL"), 1);
}

}  // namespace
}  // namespace omnigate::test
