// Who may call each route, proven from the route table itself: the daemon logs every route it serves with its
// declared access ("serving POST /api/v1/queues (catalogs:write)"), and this test knocks on every /api/v1 route:
// without credentials (401), with an API token that lacks what the route needs (403), and signed in as each role
// that does not hold the route's permission (403 naming it), the roles' permissions read from GET /auth/me. The
// routes come from the daemon, not from a list here, so a route is covered the day it is added. Every plugin with
// routes is loaded.
// A route a plugin checks itself ("plugin": a provider's signature, a visitor's or a bot's token) must answer 401
// without credentials like any other, and refuse an API token with 403; a plugin's guarded route declares a
// permission and is held to it like the core's.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "support/daemon_process.h"

namespace omnigate::test {
namespace {

struct ServedRoute {
    std::string method;   // WEBSOCKET for an upgrade
    std::string pattern;  // "/api/v1/interactions/{id}"
    std::string access;   // "catalogs:write", "interactions:read, own interaction"…, "plugin", "signed-in", "open"
    // The permission alone, without what its own form needs: "interactions:read".
    std::string permission() const { return access.substr(0, access.find(',')); }
    bool ownFormAdmits() const { return access.find(", own") != std::string::npos; }
    std::string name() const { return method + " " + pattern + " (" + access + ")"; }
};

// The only /api/v1 routes open to anyone: a visitor starts a web chat session there, a person signs in, before
// holding any token, and a client unsubscribes with the signed address a campaign's mail gave them alone.
const std::set<std::string> kOpenOnPurpose{"POST /api/v1/webchat/{account}/sessions", "POST /api/v1/auth/login",
                                           "POST /api/v1/auth/refresh", "GET /api/v1/unsubscribe/{token}",
                                           "POST /api/v1/unsubscribe/{token}"};

const std::vector<std::string> kRoles{"operator", "supervisor", "business_admin", "marketer"};

const std::vector<std::string> kGrantable{"interactions:read", "interactions:write", "clients:read", "clients:write"};

const char* const kBotIntegration = "route-access-bot";

std::vector<ServedRoute> servedRoutes(const std::string& log) {
    std::vector<ServedRoute> routes;
    const std::regex line(R"(serving (\w+) (\S+) \(([^)]+)\))");
    for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it) {
        routes.push_back({(*it)[1].str(), (*it)[2].str(), (*it)[3].str()});
    }
    return routes;
}

// A concrete path for a pattern: the configured accounts where the path names one, 1 for any id.
std::string samplePath(const std::string& pattern) {
    std::string path = std::regex_replace(pattern, std::regex(R"(\{account\})"), "demo");
    path = std::regex_replace(path, std::regex(R"(\{integration\})"), kBotIntegration);
    return std::regex_replace(path, std::regex(R"(\{[^}]+\})"), "1");
}

class RouteAccess : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "route-access";
        options.channelsYaml += "  - type: vk\n    id: demo\n    settings:\n      group_id: 1\n"
                                "      access_token: route-vk-token\n      secret: route-vk-secret\n"
                                "      confirmation: route-vk-confirmation\n      api_url: http://127.0.0.1:9/method\n";
        options.channelsYaml += "  - type: whatsapp\n    id: demo\n    settings:\n      phone_number_id: '1'\n"
                                "      app_secret: route-wa-secret\n      verify_token: route-wa-verify\n"
                                "      access_token: route-wa-token\n      graph_url: http://127.0.0.1:9\n";
        // SIP on a port no other test uses (the voice tests take 15060-15070, the documents test 15098).
        options.channelsYaml += "  - type: voice\n    id: demo\n    settings:\n      listen: 127.0.0.1:15097\n"
                                "      rtp_ports: {min: 16440, max: 16479}\n      max_concurrent_calls: 5\n";
        options.channelsYaml += std::string("integrations:\n"
                                            "  - type: crm\n    id: crm\n"
                                            "  - type: chatbot\n    id: ") +
                                kBotIntegration +
                                "\n    settings:\n"
                                "      bot_url: http://127.0.0.1:9/hook\n"
                                "      secret: route-access-chatbot-secret\n"
                                "      bot_token: route-access-bot-token\n"
                                "  - type: knowledge_base\n    id: kb\n    settings:\n      templates: []\n";
        options.extraYaml = "auth:\n  token_secret: route-access-token-secret-0123456789abcdef\n";
        daemon_ = new DaemonProcess(options);
        ready_ = daemon_->waitReady();
        // The route table is logged once start-up is complete, which is a moment after /readyz first answers.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (ready_ && daemon_->log().find("listening on http://") == std::string::npos &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    // Checked per test: a failure in SetUpTestSuite would leave the test skipped, which ctest does not count.
    void SetUp() override { ASSERT_TRUE(ready_) << daemon_->log(); }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static std::string issue(const std::vector<std::string>& scopes) {
        std::string list;
        for (const std::string& s : scopes) list += (list.empty() ? "\"" : ",\"") + s + "\"";
        const std::string name = "route-access-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        const HttpResult r = daemon_->http().request(
            "POST", "/api/v1/api-tokens", R"({"name":")" + name + R"(","scopes":[)" + list + "]}",
            {{"Authorization", "Bearer " + daemon_->adminToken()}, {"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::string>("token") : "";
    }

    // Every grantable scope but the one the route needs: for the other routes, all of them.
    static std::string tokenLacking(const std::string& permission) {
        static std::map<std::string, std::string> tokens;
        auto found = tokens.find(permission);
        if (found != tokens.end()) return found->second;
        std::vector<std::string> scopes;
        for (const std::string& s : kGrantable) {
            if (s != permission) scopes.push_back(s);
        }
        return tokens[permission] = issue(scopes);
    }

    struct SignedInRole {
        std::string token;
        std::set<std::string> permissions;  // as GET /auth/me lists them: "catalogs:read", "interactions:read:own"
    };
    // A user with only `role`, signed in; an operator works as a routing operator made for them.
    static SignedInRole signIn(const std::string& role) {
        const std::string tag = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
        const std::map<std::string, std::string> admin{{"Authorization", "Bearer " + daemon_->adminToken()},
                                                       {"Content-Type", "application/json"}};
        std::string op;
        if (role == "operator") {
            op = "route-op-" + tag;
            const HttpResult made = daemon_->http().request(
                "POST", "/api/v1/operators", R"({"id":")" + op + R"(","name":"Op","capacities":{}})", admin);
            EXPECT_EQ(made.status, 201) << made.body;
        }
        const std::string login = "route-" + role + "-" + tag;
        const HttpResult user = daemon_->http().request(
            "POST", "/api/v1/users",
            R"({"login":")" + login + R"(","roles":[")" + role + R"("],)" +
                (op.empty() ? "" : R"("operator_id":")" + op + R"(",)") + R"("password":"route-access-password"})",
            admin);
        EXPECT_EQ(user.status, 201) << user.body;
        const HttpResult in = daemon_->http().postJson(
            "/api/v1/auth/login", R"({"login":")" + login + R"(","password":"route-access-password"})");
        EXPECT_EQ(in.status, 200) << in.body;
        if (in.status != 200) return {};
        SignedInRole signedIn{in.json()->getValue<std::string>("access_token"), {}};
        const HttpResult me = daemon_->http().get("/api/v1/auth/me", signedIn.token);
        EXPECT_EQ(me.status, 200) << me.body;
        const auto list = me.json()->getArray("permissions");
        for (std::size_t i = 0; i < list->size(); ++i) signedIn.permissions.insert(list->getElement<std::string>(i));
        return signedIn;
    }

    static HttpResult call(const ServedRoute& route, const std::string& bearer) {
        std::map<std::string, std::string> headers;
        if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
        const std::string path = samplePath(route.pattern);
        if (route.method == "WEBSOCKET") {
            headers["Upgrade"] = "websocket";
            headers["Connection"] = "Upgrade";
            headers["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ==";
            headers["Sec-WebSocket-Version"] = "13";
            return daemon_->http().request("GET", path, "", headers);
        }
        const bool hasBody = route.method == "POST" || route.method == "PUT" || route.method == "PATCH";
        if (hasBody) headers["Content-Type"] = "application/json";
        return daemon_->http().request(route.method, path, hasBody ? "{}" : "", headers);
    }

    static DaemonProcess* daemon_;
    static bool ready_;
};

DaemonProcess* RouteAccess::daemon_ = nullptr;
bool RouteAccess::ready_ = false;

TEST_F(RouteAccess, EveryApiRouteRefusesNoCredentialsAndAnApiTokenWithoutItsScope) {
    std::vector<ServedRoute> api;
    for (const ServedRoute& route : servedRoutes(daemon_->log())) {
        if (route.pattern.rfind("/api/v1/", 0) == 0) api.push_back(route);
    }
    // The table is really read: the core's resources and every loaded plugin's routes are in it.
    std::set<std::string> names;
    for (const ServedRoute& route : api) names.insert(route.method + " " + route.pattern);
    for (const char* expected :
         {"POST /api/v1/interactions/bulk", "PUT /api/v1/operators/{id}/status", "GET /api/v1/files/{id}",
          "PATCH /api/v1/clients/{id}", "GET /api/v1/recordings/{fileId}", "GET /api/v1/whatsapp/templates",
          "GET /api/v1/integrations/crm/subscriptions",
          "GET /api/v1/integrations/chatbot/{integration}/stats", "WEBSOCKET /api/v1/webchat/{account}/ws",
          "GET /api/v1/templates", "PATCH /api/v1/template-catalogs/{id}", "POST /api/v1/operators/{id}/templates",
          "GET /api/v1/interactions/{id}/templates/{template}/rendered", "GET /api/v1/files",
          "DELETE /api/v1/files/{id}", "POST /api/v1/template-files"}) {
        EXPECT_EQ(names.count(expected), 1u) << expected << " is not in the route table";
    }

    int checked = 0;
    for (const ServedRoute& route : api) {
        const std::string name = route.method + " " + route.pattern;
        const HttpResult anonymous = call(route, "");
        if (kOpenOnPurpose.count(name) != 0) {
            EXPECT_NE(anonymous.status, 401) << route.name() << " is listed as open on purpose but refused: "
                                             << anonymous.body;
            continue;
        }
        if (route.access == "open") {
            ADD_FAILURE() << route.name() << " is open to anyone: an /api/v1 route must declare who may call it";
            continue;
        }
        EXPECT_EQ(anonymous.status, 401) << route.name() << " without credentials answered " << anonymous.body;

        const HttpResult lacking = call(route, tokenLacking(route.permission()));
        // A signed-in user's own routes take no API token at all: it is not a user.
        EXPECT_EQ(lacking.status, route.access == "signed-in" ? 401 : 403)
            << route.name() << " with an API token of every scope but '" << route.permission() << "' answered "
            << lacking.body;
        ++checked;
    }
    std::cout << "checked " << checked << " /api/v1 routes, " << kOpenOnPurpose.size() << " open on purpose\n";
}

}  // namespace
}  // namespace omnigate::test

namespace omnigate::test {
namespace {

TEST_F(RouteAccess, EveryRoleIsRefusedEveryRouteWhosePermissionItLacksAndToldWhichOne) {
    std::map<std::string, SignedInRole> roles;
    for (const std::string& role : kRoles) {
        roles[role] = signIn(role);
        ASSERT_FALSE(roles[role].token.empty()) << role;
    }
    // The roles really differ: the table is read, not assumed.
    EXPECT_EQ(roles["operator"].permissions.count("interactions:read:own"), 1u);
    EXPECT_EQ(roles["supervisor"].permissions.count("interactions:read"), 1u);
    EXPECT_EQ(roles["business_admin"].permissions.count("users:manage"), 1u);
    EXPECT_EQ(roles["business_admin"].permissions.count("files:manage"), 1u);
    EXPECT_EQ(roles["marketer"].permissions.count("segments:read"), 1u);
    EXPECT_EQ(roles["marketer"].permissions.count("offers:manage"), 1u);

    int refused = 0;
    for (const ServedRoute& route : servedRoutes(daemon_->log())) {
        if (route.pattern.rfind("/api/v1/", 0) != 0) continue;
        if (route.access == "plugin") {
            // A plugin takes its own credentials; a user's token carries the core's permissions and is refused.
            for (const auto& [role, user] : roles) {
                EXPECT_EQ(call(route, user.token).status, 403) << route.name() << " as " << role;
            }
            continue;
        }
        if (route.access == "signed-in" || route.access == "open") continue;
        for (const auto& [role, user] : roles) {
            const bool full = user.permissions.count(route.permission()) != 0;
            const bool own = user.permissions.count(route.permission() + ":own") != 0;
            if (full || (own && route.ownFormAdmits())) continue;
            const HttpResult r = call(route, user.token);
            EXPECT_EQ(r.status, 403) << route.name() << " as " << role << " answered " << r.body;
            EXPECT_NE(r.body.find("'" + route.permission() + "'"), std::string::npos)
                << route.name() << " as " << role << " did not name the permission: " << r.body;
            ++refused;
        }
    }
    std::cout << "refused " << refused << " route-role pairs\n";
    EXPECT_GT(refused, 50);
}

}  // namespace
}  // namespace omnigate::test
