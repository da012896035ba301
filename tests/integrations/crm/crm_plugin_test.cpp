// The plugin against a fake host: what it subscribes for its subscriptions, and its admin API's rules (tokens:manage
// on every route, config-file subscriptions read-only, REST ones stored in the plugin's state).
#include "crm_plugin.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "omnigate/sdk/api_error.h"
#include "support/unused_host.h"

namespace omnigate::crm {
namespace {


class FakeHost : public test::UnusedIntegrationHost {
public:
    explicit FakeHost(const std::string& yaml) {
        accounts_.push_back({"crm", ConfigNode::parseString(yaml, "test.yaml")["settings"]});
    }
    const std::vector<AccountConfig>& accounts() const override { return accounts_; }
    void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) override {
        routes[method + " " + pattern] = std::move(handler);
    }
    // The core guards these before the handler: a test checks what each declares and calls it as admitted.
    void addGuardedRoute(const std::string& method, const std::string& pattern, RouteAccess access,
                         HttpHandler handler) override {
        guarded.emplace(method + " " + pattern, access);
        routes[method + " " + pattern] = std::move(handler);
    }
    void subscribeEvents(const std::string& sink, const std::vector<std::string>& types) override {
        subscribed[sink] = types;
    }
    std::optional<std::string> loadState(const std::string& key) override {
        const auto it = state.find(key);
        return it == state.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void saveState(const std::string& key, const std::string& value) override { state[key] = value; }
    void eraseState(const std::string& key) override { state.erase(key); }
    std::vector<std::pair<std::string, std::string>> listState(const std::string& prefix) override {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [k, v] : state) {
            if (k.rfind(prefix, 0) == 0) out.emplace_back(k, v);
        }
        return out;
    }
    std::size_t backlog(const std::string&) override { return 0; }
    std::size_t purgeDeliveries(const std::string& sink) override {
        purged.push_back(sink);
        return 0;
    }
    std::vector<std::string> purged;
    void setGauge(const std::string&, const std::string&, double) override {}
    void setReadiness(const std::string&, bool, const std::string&) override {}

    HttpResponse call(const std::string& method, const std::string& route, const std::string& body = "",
                      std::map<std::string, std::string> params = {}) {
        HttpRequest request;
        request.method = method;
        request.body = body;
        request.pathParams = std::move(params);
        try {
            return routes.at(method + " " + route)(request);
        } catch (const ApiError& e) {
            HttpResponse r;
            r.status = e.status();
            r.body = e.code() + ": " + e.what();
            return r;
        }
    }

    std::vector<AccountConfig> accounts_;
    std::map<std::string, HttpHandler> routes;
    std::map<std::string, RouteAccess> guarded;
    std::map<std::string, std::vector<std::string>> subscribed;
    std::map<std::string, std::string> state;
};

const std::string yaml =
    "settings:\n"
    "  subscriptions:\n"
    "    - id: sales\n"
    "      url: http://127.0.0.1:9/hook\n"
    "      secret: 0123456789abcdef0123\n"
    "      events: [interaction.closed, message.created]\n"
    "    - id: off\n"
    "      url: http://127.0.0.1:9/hook\n"
    "      secret: 0123456789abcdef0123\n"
    "      events: [client.created]\n"
    "      active: false\n";

const std::string base = "/api/v1/integrations/crm";

TEST(CrmPlugin, SubscribesEachActiveSubscriptionToTheTypesItNeeds) {
    FakeHost host(yaml);
    CrmPlugin plugin;
    ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);
    EXPECT_EQ(host.subscribed["sub:sales"], (std::vector<std::string>{"interaction.updated", "message.created"}));
    EXPECT_TRUE(host.subscribed["sub:off"].empty());
    EXPECT_TRUE(host.subscribed["lookup"].empty());  // no client_lookup configured
}

TEST(CrmPlugin, EveryRouteIsGuardedAsAnIntegrationsSecret) {
    FakeHost host(yaml);
    CrmPlugin plugin;
    ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);
    EXPECT_EQ(host.routes.size(), 8u);
    EXPECT_EQ(host.guarded.size(), 8u);
    for (const auto& [route, access] : host.guarded) {
        EXPECT_EQ(access.permission, Permission::TokensManage) << route;
        EXPECT_EQ(access.ownership, Ownership::None) << route;
    }
}

TEST(CrmPlugin, RestSubscriptionsAreStoredAndConfigOnesAreReadOnly) {
    FakeHost host(yaml);
    CrmPlugin plugin;
    ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);

    const HttpResponse created = host.call(
        "POST", base + "/subscriptions",
        R"({"id":"support","url":"http://127.0.0.1:9/x","secret":"0123456789abcdef0123","events":["rating.created"]})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.body.find("0123456789abcdef0123"), std::string::npos);
    EXPECT_EQ(host.state.count("subscription/support"), 1u);
    EXPECT_EQ(host.subscribed["sub:support"], std::vector<std::string>{"rating.created"});

    EXPECT_EQ(
        host.call("POST", base + "/subscriptions",
                  R"({"id":"sales","url":"http://h/x","secret":"0123456789abcdef0123","events":["rating.created"]})")
            .status,
        409);
    EXPECT_EQ(host.call("PATCH", base + "/subscriptions/{id}", R"({"active":false})", {{"id", "sales"}}).status, 409);
    EXPECT_EQ(host.call("DELETE", base + "/subscriptions/{id}", "", {{"id", "sales"}}).status, 409);

    const HttpResponse stale =
        host.call("PATCH", base + "/subscriptions/{id}", R"({"active":false,"version":7})", {{"id", "support"}});
    EXPECT_EQ(stale.status, 409) << stale.body;
    EXPECT_NE(stale.body.find("version_conflict"), std::string::npos);
    const HttpResponse patched =
        host.call("PATCH", base + "/subscriptions/{id}", R"({"active":false,"version":1})", {{"id", "support"}});
    EXPECT_EQ(patched.status, 200) << patched.body;
    EXPECT_TRUE(host.subscribed["sub:support"].empty());

    const HttpResponse list = host.call("GET", base + "/subscriptions");
    ASSERT_EQ(list.status, 200);
    const auto subscriptions =
        Poco::JSON::Parser().parse(list.body).extract<Poco::JSON::Object::Ptr>()->getArray("subscriptions");
    ASSERT_EQ(subscriptions->size(), 3u);

    EXPECT_EQ(host.call("DELETE", base + "/subscriptions/{id}", "", {{"id", "support"}}).status, 204);
    EXPECT_EQ(host.purged, std::vector<std::string>{"sub:support"}) << "what was queued for it is forgotten";
    EXPECT_EQ(host.state.count("subscription/support"), 0u);
    EXPECT_EQ(host.call("GET", base + "/subscriptions/{id}", "", {{"id", "support"}}).status, 404);
}

TEST(CrmPlugin, RefusesToBeConfiguredTwice) {
    FakeHost host(yaml);
    host.accounts_.push_back(host.accounts_.front());
    CrmPlugin plugin;
    EXPECT_EQ(plugin.load(host).code, LoadResult::Code::Failure);
}

}  // namespace
}  // namespace omnigate::crm
