// The WhatsApp account settings: valid YAML becomes a typed config with documented defaults, and every mistake is a
// ConfigError naming the file, line, column and key, which is all an administrator has to fix it by.
#include <gtest/gtest.h>

#include <cstdlib>

#include "omnigate/sdk/config_node.h"
#include "whatsapp_config.h"

namespace omnigate::whatsapp {
namespace {

const std::string required =
    "settings:\n"
    "  phone_number_id: \"106540352242922\"\n"
    "  app_secret: app-secret-0123\n"
    "  verify_token: verify-me\n"
    "  access_token: EAAG-token\n";

ConfigNode settingsOf(const std::string& yaml) { return ConfigNode::parseString(yaml, "test.yaml")["settings"]; }

ConfigError errorOf(const std::string& yaml) {
    try {
        parseWhatsappConfig(settingsOf(yaml));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
    return ConfigError("", 0, 0, "", "");
}

TEST(WhatsappConfig, AppliesDefaults) {
    const WhatsappConfig config = parseWhatsappConfig(settingsOf(required));
    EXPECT_EQ(config.phoneNumberId, "106540352242922");
    EXPECT_EQ(config.appSecret, "app-secret-0123");
    EXPECT_EQ(config.verifyToken, "verify-me");
    EXPECT_EQ(config.accessToken, "EAAG-token");
    EXPECT_EQ(config.graphUrl, "https://graph.facebook.com");
    EXPECT_EQ(config.apiVersion, "v19.0");
    EXPECT_EQ(config.endpoint("123/messages"), "https://graph.facebook.com/v19.0/123/messages");
    EXPECT_EQ(config.sendAttempts, 3);
    EXPECT_EQ(config.retryBackoff.count(), 500);
    EXPECT_EQ(config.mediaRetryInterval.count(), 60);
    EXPECT_EQ(config.maxMediaBytes, 16u * 1024 * 1024);
}

TEST(WhatsappConfig, ReadsEveryKey) {
    const WhatsappConfig config = parseWhatsappConfig(settingsOf(required +
                                                                 "  graph_url: http://127.0.0.1:9999/\n"
                                                                 "  api_version: v21.0\n"
                                                                 "  send_attempts: 5\n"
                                                                 "  retry_backoff_ms: 10\n"
                                                                 "  request_timeout_ms: 2000\n"
                                                                 "  media_retry_seconds: 1\n"
                                                                 "  media_max_attempts: 4\n"
                                                                 "  max_media_bytes: 1000\n"));
    EXPECT_EQ(config.graphUrl, "http://127.0.0.1:9999");  // the trailing slash is dropped
    EXPECT_EQ(config.endpoint("m"), "http://127.0.0.1:9999/v21.0/m");
    EXPECT_EQ(config.sendAttempts, 5);
    EXPECT_EQ(config.retryBackoff.count(), 10);
    EXPECT_EQ(config.requestTimeout.count(), 2000);
    EXPECT_EQ(config.mediaRetryInterval.count(), 1);
    EXPECT_EQ(config.mediaMaxAttempts, 4);
    EXPECT_EQ(config.maxMediaBytes, 1000u);
}

TEST(WhatsappConfig, TakesSecretsFromTheEnvironment) {
    ::setenv("OMNIGATE_TEST_WA_SECRET", "secret-from-env", 1);
    const WhatsappConfig config = parseWhatsappConfig(settingsOf(
        "settings:\n  phone_number_id: '1'\n  app_secret: ${OMNIGATE_TEST_WA_SECRET}\n  verify_token: v\n"
        "  access_token: ${OMNIGATE_TEST_WA_UNSET:-fallback-token}\n"));
    ::unsetenv("OMNIGATE_TEST_WA_SECRET");
    EXPECT_EQ(config.appSecret, "secret-from-env");
    EXPECT_EQ(config.accessToken, "fallback-token");
}

TEST(WhatsappConfig, MissingKeyIsAnErrorAtTheSettings) {
    const ConfigError e = errorOf("settings:\n  phone_number_id: '1'\n  app_secret: s\n  verify_token: v\n");
    EXPECT_EQ(e.file(), "test.yaml");
    EXPECT_EQ(e.keyPath(), "settings.access_token");
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
}

TEST(WhatsappConfig, PhoneNumberIdMustBeDigitsWithItsPosition) {
    const ConfigError e = errorOf("settings:\n  app_secret: s\n  verify_token: v\n  access_token: t\n"
                                  "  phone_number_id: +1 650 555\n");
    EXPECT_EQ(e.keyPath(), "settings.phone_number_id");
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.column(), 20);
}

TEST(WhatsappConfig, EmptySecretIsRefused) {
    const ConfigError e = errorOf("settings:\n  phone_number_id: '1'\n  app_secret: ''\n  verify_token: v\n"
                                  "  access_token: t\n");
    EXPECT_EQ(e.keyPath(), "settings.app_secret");
    EXPECT_EQ(e.line(), 3);
}

TEST(WhatsappConfig, GraphUrlMustBeHttp) {
    const ConfigError e = errorOf(required + "  graph_url: ftp://graph.facebook.com\n");
    EXPECT_EQ(e.keyPath(), "settings.graph_url");
    EXPECT_EQ(e.line(), 6);
}

TEST(WhatsappConfig, ApiVersionMustLookLikeOne) {
    EXPECT_EQ(errorOf(required + "  api_version: '19'\n").keyPath(), "settings.api_version");
    EXPECT_EQ(errorOf(required + "  api_version: v19\n").keyPath(), "settings.api_version");
}

TEST(WhatsappConfig, OutOfRangeAndUnknownKeysAreErrors) {
    EXPECT_EQ(errorOf(required + "  send_attempts: 0\n").keyPath(), "settings.send_attempts");
    EXPECT_EQ(errorOf(required + "  media_retry_seconds: lots\n").keyPath(), "settings.media_retry_seconds");
    const ConfigError unknown = errorOf(required + "  phone_number: '+1650'\n");
    EXPECT_NE(std::string(unknown.what()).find("phone_number"), std::string::npos) << unknown.what();
    EXPECT_EQ(unknown.line(), 6);
}

}  // namespace
}  // namespace omnigate::whatsapp
