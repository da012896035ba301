// The CRM settings: valid YAML becomes a typed config, and every mistake a ConfigError that points at the file,
// line, column and key, because that is all an administrator gets to fix it by.
#include "crm_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "omnigate/sdk/config_node.h"

namespace omnigate::crm {
namespace {

const std::string goodSecret = "0123456789abcdef0123";

ConfigNode settingsOf(const std::string& yaml) { return ConfigNode::parseString(yaml, "test.yaml")["settings"]; }

ConfigError errorOf(const std::string& yaml) {
    try {
        parseCrmConfig(settingsOf(yaml));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
    return ConfigError("", 0, 0, "", "");
}

std::string oneSubscription(const std::string& extra = "") {
    return "settings:\n"
           "  subscriptions:\n"
           "    - id: sales\n"
           "      url: https://crm.example.com/hooks/omnigate\n"
           "      secret: " +
           goodSecret +
           "\n"
           "      events: [interaction.created, interaction.closed]\n" +
           extra;
}

TEST(CrmConfig, NoSettingsMeansNoSubscriptionsAndTheDefaults) {
    const CrmConfig c = parseCrmConfig(ConfigNode::parseString("settings: ~\n", "test.yaml")["absent"]);
    EXPECT_TRUE(c.subscriptions.empty());
    EXPECT_EQ(c.connectTimeout.count(), 2000);
    EXPECT_EQ(c.timeout.count(), 10000);
    EXPECT_EQ(c.retryFor, std::chrono::hours(24));
    EXPECT_EQ(c.pauseAfterFailures, 10);
    EXPECT_EQ(c.pauseFor.count(), 60);
    EXPECT_FALSE(c.clientLookup.has_value());
}

TEST(CrmConfig, ReadsSubscriptionsAndEveryKey) {
    const CrmConfig c = parseCrmConfig(
        settingsOf(oneSubscription("      active: false\n") +
                   "  connect_timeout_ms: 500\n  timeout_ms: 1500\n  retry_for_hours: 0.5\n  backoff_base_ms: 10\n"
                   "  backoff_max_ms: 100\n  pause_after_failures: 3\n  pause_seconds: 5\n  max_response_bytes: 1024\n"
                   "  concurrency: 4\n  poll_interval_ms: 50\n"
                   "  client_lookup:\n    url: http://127.0.0.1:9/lookup\n    secret: " +
                   goodSecret + "\n    timeout_ms: 700\n    cache_seconds: 30\n"));
    ASSERT_EQ(c.subscriptions.size(), 1u);
    const Subscription& s = c.subscriptions[0];
    EXPECT_EQ(s.id, "sales");
    EXPECT_EQ(s.url, "https://crm.example.com/hooks/omnigate");
    EXPECT_EQ(s.secret, goodSecret);
    EXPECT_EQ(s.events, (std::vector<std::string>{"interaction.created", "interaction.closed"}));
    EXPECT_FALSE(s.active);
    EXPECT_TRUE(s.fromConfig);
    EXPECT_EQ(c.connectTimeout.count(), 500);
    EXPECT_EQ(c.timeout.count(), 1500);
    EXPECT_EQ(c.retryFor, std::chrono::minutes(30));
    EXPECT_EQ(c.backoffBase.count(), 10);
    EXPECT_EQ(c.backoffMax.count(), 100);
    EXPECT_EQ(c.pauseAfterFailures, 3);
    EXPECT_EQ(c.pauseFor.count(), 5);
    EXPECT_EQ(c.maxResponseBytes, 1024u);
    EXPECT_EQ(c.concurrency, 4u);
    EXPECT_EQ(c.pollInterval.count(), 50);
    ASSERT_TRUE(c.clientLookup.has_value());
    EXPECT_EQ(c.clientLookup->url, "http://127.0.0.1:9/lookup");
    EXPECT_EQ(c.clientLookup->timeout.count(), 700);
    EXPECT_EQ(c.clientLookup->cacheFor.count(), 30);
}

TEST(CrmConfig, TakesSecretsFromTheEnvironment) {
    ::setenv("OMNIGATE_TEST_CRM_SECRET", "from-the-environment-0123", 1);
    const CrmConfig c = parseCrmConfig(settingsOf(
        "settings:\n  subscriptions:\n    - id: a\n      url: http://h/x\n      secret: ${OMNIGATE_TEST_CRM_SECRET}\n"
        "      events: [client.created]\n"));
    ::unsetenv("OMNIGATE_TEST_CRM_SECRET");
    EXPECT_EQ(c.subscriptions.at(0).secret, "from-the-environment-0123");
}

TEST(CrmConfig, UnknownKeysAreErrorsWithTheirPosition) {
    const ConfigError top = errorOf("settings:\n  retries: 3\n");
    EXPECT_EQ(top.keyPath(), "settings.retries");
    EXPECT_EQ(top.line(), 2);
    EXPECT_EQ(top.column(), 3);

    const ConfigError inner = errorOf(oneSubscription("      colour: red\n"));
    EXPECT_EQ(inner.keyPath(), "settings.subscriptions[0].colour");
    EXPECT_EQ(inner.line(), 7);
}

TEST(CrmConfig, AnUnknownEventTypeNamesTheItem) {
    const ConfigError e =
        errorOf("settings:\n  subscriptions:\n    - id: a\n      url: http://h/x\n      secret: " + goodSecret +
                "\n"
                "      events:\n        - client.created\n        - interaction.exploded\n");
    EXPECT_EQ(e.keyPath(), "settings.subscriptions[0].events[1]");
    EXPECT_EQ(e.line(), 8);
    EXPECT_EQ(e.column(), 11);
    EXPECT_NE(e.problem().find("interaction.exploded"), std::string::npos) << e.what();
}

TEST(CrmConfig, BadValuesPointAtTheirKey) {
    EXPECT_EQ(errorOf("settings:\n  subscriptions:\n    - id: a\n      url: ftp://h/x\n      secret: " + goodSecret +
                      "\n      events: [client.created]\n")
                  .keyPath(),
              "settings.subscriptions[0].url");
    EXPECT_EQ(errorOf("settings:\n  subscriptions:\n    - id: a\n      url: http://h/x\n      secret: short\n"
                      "      events: [client.created]\n")
                  .keyPath(),
              "settings.subscriptions[0].secret");
    EXPECT_EQ(errorOf("settings:\n  subscriptions:\n    - id: a b\n      url: http://h/x\n      secret: " + goodSecret +
                      "\n      events: [client.created]\n")
                  .keyPath(),
              "settings.subscriptions[0].id");
    EXPECT_EQ(errorOf("settings:\n  subscriptions:\n    - id: a\n      url: http://h/x\n      secret: " + goodSecret +
                      "\n      events: []\n")
                  .keyPath(),
              "settings.subscriptions[0].events");
    EXPECT_EQ(
        errorOf("settings:\n  subscriptions:\n    - id: a\n      url: http://h/x\n      secret: " + goodSecret + "\n")
            .keyPath(),
        "settings.subscriptions[0].events");
    EXPECT_EQ(errorOf("settings:\n  timeout_ms: soon\n").keyPath(), "settings.timeout_ms");
    EXPECT_EQ(errorOf("settings:\n  retry_for_hours: 0\n").keyPath(), "settings.retry_for_hours");
    EXPECT_EQ(errorOf("settings:\n  connect_timeout_ms: 5000\n  timeout_ms: 1000\n").keyPath(),
              "settings.connect_timeout_ms");
    EXPECT_EQ(errorOf("settings:\n  backoff_base_ms: 5000\n  backoff_max_ms: 1000\n").keyPath(),
              "settings.backoff_base_ms");
    EXPECT_EQ(errorOf("settings:\n  client_lookup:\n    url: http://h/x\n").keyPath(), "settings.client_lookup.secret");
}

TEST(CrmConfig, ASubscriptionIdIsConfiguredOnce) {
    const ConfigError e =
        errorOf(oneSubscription() + "    - id: sales\n      url: http://h/y\n      secret: " + goodSecret +
                "\n      events: [client.created]\n");
    EXPECT_EQ(e.keyPath(), "settings.subscriptions[1].id");
    EXPECT_EQ(e.line(), 7);
}

TEST(CrmConfig, TheDemoConfigsCrmEntryIsValid) {
    const ConfigNode root = ConfigNode::parseFile(std::string(OMNIGATE_CONFIG_DIR) + "/omnigate.yaml");
    int found = 0;
    for (const ConfigNode& entry : root["integrations"].elements()) {
        if (entry["type"].asString() != "crm") continue;
        ++found;
        EXPECT_NO_THROW(parseCrmConfig(entry["settings"]));
    }
    EXPECT_EQ(found, 1);
}

}  // namespace
}  // namespace omnigate::crm
