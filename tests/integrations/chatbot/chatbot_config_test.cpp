// The chatbot settings: valid YAML becomes a typed config, and every mistake becomes a ConfigError that points at
// the file, line, column and key, because that is all an administrator gets to fix it by.
#include <gtest/gtest.h>

#include <cstdlib>

#include "chatbot_config.h"
#include "omnigate/sdk/config_node.h"

namespace omnigate::chatbot {
namespace {

const std::string good =
    "settings:\n"
    "  bot_url: http://bot.example/hook\n"
    "  secret: webhook-secret-0123456789\n"
    "  bot_token: bot-token-0123456789ab\n";

ConfigNode settingsOf(const std::string& yaml) { return ConfigNode::parseString(yaml, "test.yaml")["settings"]; }

ConfigError errorOf(const std::string& yaml) {
    try {
        parseChatbotConfig("bot", settingsOf(yaml));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
    return ConfigError("", 0, 0, "", "");
}

TEST(ChatbotConfig, AppliesDefaults) {
    const ChatbotConfig config = parseChatbotConfig("support-bot", settingsOf(good));
    EXPECT_EQ(config.id, "support-bot");
    EXPECT_EQ(config.botUrl, "http://bot.example/hook");
    EXPECT_EQ(config.secret, "webhook-secret-0123456789");
    EXPECT_EQ(config.botToken, "bot-token-0123456789ab");
    EXPECT_EQ(config.timeout.count(), 5000);
    EXPECT_EQ(config.historyLimit, 20u);
    EXPECT_EQ(config.maxResponseBytes, 65536u);
}

TEST(ChatbotConfig, ReadsEveryKey) {
    const ChatbotConfig config = parseChatbotConfig("bot", settingsOf(good +
                                                                      "  timeout_ms: 1500\n"
                                                                      "  history_limit: 5\n"
                                                                      "  max_response_bytes: 2048\n"));
    EXPECT_EQ(config.timeout.count(), 1500);
    EXPECT_EQ(config.historyLimit, 5u);
    EXPECT_EQ(config.maxResponseBytes, 2048u);
}

TEST(ChatbotConfig, ReadsTheQueuesItsBotAnswers) {
    EXPECT_TRUE(parseChatbotConfig("bot", settingsOf(good)).serves("any-queue")) << "no list: every queue";
    const ChatbotConfig config = parseChatbotConfig("bot", settingsOf(good + "  queues: [sales, vip]\n"));
    EXPECT_EQ(config.queues, (std::vector<std::string>{"sales", "vip"}));
    EXPECT_TRUE(config.serves("vip"));
    EXPECT_FALSE(config.serves("support"));
    EXPECT_EQ(errorOf(good + "  queues: sales\n").keyPath(), "settings.queues");
    EXPECT_EQ(errorOf(good + "  queues: []\n").keyPath(), "settings.queues");
}

TEST(ChatbotConfig, TakesTheSecretsFromTheEnvironment) {
    ::setenv("OMNIGATE_TEST_CHATBOT_SECRET", "from-the-environment-0123", 1);
    ::setenv("OMNIGATE_TEST_CHATBOT_TOKEN", "token-from-the-environment", 1);
    const ChatbotConfig config = parseChatbotConfig("bot", settingsOf("settings:\n"
                                                                      "  bot_url: https://bot.example/hook\n"
                                                                      "  secret: ${OMNIGATE_TEST_CHATBOT_SECRET}\n"
                                                                      "  bot_token: ${OMNIGATE_TEST_CHATBOT_TOKEN}\n"));
    ::unsetenv("OMNIGATE_TEST_CHATBOT_SECRET");
    ::unsetenv("OMNIGATE_TEST_CHATBOT_TOKEN");
    EXPECT_EQ(config.secret, "from-the-environment-0123");
    EXPECT_EQ(config.botToken, "token-from-the-environment");
}

TEST(ChatbotConfig, AMissingUrlIsAnErrorAtTheSettings) {
    const ConfigError e = errorOf("settings:\n  secret: webhook-secret-0123456789\n  bot_token: bot-token-0123456789ab\n");
    EXPECT_EQ(e.file(), "test.yaml");
    EXPECT_EQ(e.keyPath(), "settings.bot_url");
    EXPECT_EQ(e.line(), 2);
}

TEST(ChatbotConfig, UnknownKeysAreRefusedWithTheirPosition) {
    const ConfigError e = errorOf(good + "  bot_urll: http://typo.example/\n");
    EXPECT_EQ(e.keyPath(), "settings.bot_urll");
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.column(), 3);
}

TEST(ChatbotConfig, RefusesWhatCannotWork) {
    const std::string secrets = "  secret: webhook-secret-0123456789\n  bot_token: bot-token-0123456789ab\n";
    EXPECT_EQ(errorOf("settings:\n  bot_url: ftp://bot.example/\n" + secrets).keyPath(), "settings.bot_url");
    EXPECT_EQ(errorOf("settings:\n  bot_url: http://bot.example/a b\n" + secrets).keyPath(), "settings.bot_url");
    EXPECT_EQ(errorOf("settings:\n  bot_url: http://bot.example/\n  secret: short\n  bot_token: bot-token-0123456789ab\n")
                  .keyPath(),
              "settings.secret");
    EXPECT_EQ(errorOf("settings:\n  bot_url: http://bot.example/\n  secret: webhook-secret-0123456789\n  bot_token: x\n")
                  .keyPath(),
              "settings.bot_token");
    EXPECT_EQ(errorOf(good + "  timeout_ms: 10\n").keyPath(), "settings.timeout_ms");
    EXPECT_EQ(errorOf(good + "  timeout_ms: soon\n").keyPath(), "settings.timeout_ms");
    EXPECT_EQ(errorOf(good + "  history_limit: -1\n").keyPath(), "settings.history_limit");
    EXPECT_EQ(errorOf(good + "  max_response_bytes: 10\n").keyPath(), "settings.max_response_bytes");
    EXPECT_EQ(errorOf("settings: [1, 2]\n").keyPath(), "settings");
}

}  // namespace
}  // namespace omnigate::chatbot
