// The VK account settings: what a valid account reads as, and that every mistake names its position and key.
#include <gtest/gtest.h>

#include "vk_config.h"

namespace omnigate::vk {
namespace {

VkConfig parse(const std::string& yaml) {
    return parseVkConfig(ConfigNode::parseString(yaml, "omnigate.yaml")["settings"]);
}

std::string problem(const std::string& yaml) {
    try {
        parse(yaml);
    } catch (const ConfigError& e) {
        return e.keyPath() + ": " + e.problem();
    }
    return "no error";
}

const std::string callback =
    "settings:\n  group_id: 123\n  access_token: tok\n  secret: secret-123\n  confirmation: abc123\n";

TEST(VkConfig, ACallbackAccountWithDefaults) {
    const VkConfig config = parse(callback);
    EXPECT_EQ(config.groupId, 123);
    EXPECT_EQ(config.accessToken, "tok");
    EXPECT_EQ(config.secret, "secret-123");
    EXPECT_EQ(config.confirmation, "abc123");
    EXPECT_EQ(config.mode, VkMode::Callback);
    EXPECT_EQ(config.apiUrl, "https://api.vk.com/method");
    EXPECT_EQ(config.apiVersion, "5.199");
    EXPECT_EQ(config.longPollWait.count(), 25);
    EXPECT_TRUE(config.fetchNames);
}

TEST(VkConfig, ALongPollAccountNeedsNoSecretNorConfirmation) {
    const VkConfig config = parse(
        "settings:\n  group_id: 5\n  access_token: tok\n  mode: longpoll\n  api_url: http://127.0.0.1:9/method/\n"
        "  long_poll_wait_seconds: 3\n");
    EXPECT_EQ(config.mode, VkMode::LongPoll);
    EXPECT_EQ(config.apiUrl, "http://127.0.0.1:9/method");  // the trailing slash is dropped
    EXPECT_EQ(config.longPollWait.count(), 3);
}

TEST(VkConfig, MistakesNameTheKey) {
    EXPECT_EQ(problem("settings:\n  access_token: t\n  secret: secret-123\n  confirmation: c\n"),
              "settings.group_id: missing");
    EXPECT_EQ(problem("settings:\n  group_id: 1\n  secret: secret-123\n  confirmation: c\n"),
              "settings.access_token: missing");
    EXPECT_EQ(problem("settings:\n  group_id: 1\n  access_token: t\n  confirmation: c\n"), "settings.secret: missing");
    EXPECT_EQ(problem("settings:\n  group_id: 1\n  access_token: t\n  secret: secret-123\n"),
              "settings.confirmation: missing");
    EXPECT_NE(problem(callback + "  mode: webhook\n").find("settings.mode: must be 'callback' or 'longpoll'"),
              std::string::npos);
    EXPECT_NE(problem("settings:\n  group_id: 1\n  access_token: t\n  secret: short\n  confirmation: c\n")
                  .find("settings.secret: must be at least 8"),
              std::string::npos);
    EXPECT_NE(problem(callback + "  api_url: ftp://x\n").find("settings.api_url"), std::string::npos);
    EXPECT_NE(problem(callback + "  api_version: latest\n").find("settings.api_version"), std::string::npos);
    EXPECT_NE(problem(callback + "  long_poll_wait_seconds: 91\n").find("settings.long_poll_wait_seconds"),
              std::string::npos);
    EXPECT_NE(problem(callback + "  group_id_typo: 1\n").find("group_id_typo"), std::string::npos);
    EXPECT_NE(problem("settings:\n  group_id: -1\n  access_token: t\n  secret: secret-123\n  confirmation: c\n")
                  .find("settings.group_id"),
              std::string::npos);
}

TEST(VkConfig, SecretsComeFromTheEnvironment) {
    ::setenv("VK_CONFIG_TEST_TOKEN", "from-env", 1);
    const VkConfig config = parse(
        "settings:\n  group_id: ${VK_NOT_SET_GROUP:-7}\n  access_token: ${VK_CONFIG_TEST_TOKEN}\n"
        "  secret: ${VK_NOT_SET:-default-secret}\n  confirmation: c\n");
    EXPECT_EQ(config.accessToken, "from-env");
    EXPECT_EQ(config.secret, "default-secret");
    EXPECT_EQ(config.groupId, 7);  // as the demo config reads ${OMNIGATE_VK_GROUP_ID:-1}
}

}  // namespace
}  // namespace omnigate::vk
