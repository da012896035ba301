// The webchat settings: valid YAML becomes a typed config, and every mistake becomes a ConfigError that points at
// the file, line, column and key, because that is all an administrator gets to fix it by.
#include <gtest/gtest.h>

#include <cstdlib>

#include "omnigate/sdk/config_node.h"
#include "webchat_config.h"

namespace omnigate::webchat {
namespace {

const char* const goodSecret = "0123456789abcdef0123";

ConfigNode settingsOf(const std::string& yaml) { return ConfigNode::parseString(yaml, "test.yaml")["settings"]; }

ConfigError errorOf(const std::string& yaml) {
    try {
        parseWebchatConfig(settingsOf(yaml));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
    return ConfigError("", 0, 0, "", "");
}

TEST(WebchatConfig, AppliesDefaults) {
    const WebchatConfig config = parseWebchatConfig(settingsOf("settings:\n  token_secret: " + std::string(goodSecret)));
    EXPECT_EQ(config.tokenSecret, goodSecret);
    EXPECT_EQ(config.tokenTtl.count(), 86400);
    EXPECT_EQ(config.maxTextBytes, 4096u);
    EXPECT_EQ(config.historyLimit, 100u);
    EXPECT_EQ(config.maxSocketsPerVisitor, 8u);
}

TEST(WebchatConfig, ReadsEveryKey) {
    const WebchatConfig config = parseWebchatConfig(settingsOf(
        "settings:\n"
        "  token_secret: " + std::string(goodSecret) + "\n"
        "  token_ttl_seconds: 3600\n"
        "  max_text_bytes: 65536\n"
        "  history_limit: 1\n"
        "  max_sockets_per_visitor: 2\n"));
    EXPECT_EQ(config.tokenTtl.count(), 3600);
    EXPECT_EQ(config.maxTextBytes, 65536u);
    EXPECT_EQ(config.historyLimit, 1u);
    EXPECT_EQ(config.maxSocketsPerVisitor, 2u);
}

TEST(WebchatConfig, TakesTheSecretFromTheEnvironment) {
    ::setenv("OMNIGATE_TEST_WEBCHAT_SECRET", "from-the-environment-0123", 1);
    const WebchatConfig config =
        parseWebchatConfig(settingsOf("settings:\n  token_secret: ${OMNIGATE_TEST_WEBCHAT_SECRET}\n"));
    ::unsetenv("OMNIGATE_TEST_WEBCHAT_SECRET");
    EXPECT_EQ(config.tokenSecret, "from-the-environment-0123");
}

TEST(WebchatConfig, MissingSecretIsAnErrorAtTheSettings) {
    const ConfigError e = errorOf("settings:\n  history_limit: 10\n");
    EXPECT_EQ(e.file(), "test.yaml");
    EXPECT_EQ(e.keyPath(), "settings.token_secret");
    EXPECT_EQ(e.problem(), "missing");
    EXPECT_EQ(e.line(), 2);
}

TEST(WebchatConfig, MissingSettingsSectionNamesTheSecret) {
    const ConfigError e = errorOf("other: 1\n");
    EXPECT_EQ(e.keyPath(), "settings.token_secret");
    EXPECT_EQ(e.problem(), "missing");
}

TEST(WebchatConfig, ShortSecretIsRefusedWithItsPosition) {
    const ConfigError e = errorOf("settings:\n  token_secret: short\n");
    EXPECT_EQ(e.file(), "test.yaml");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 17);
    EXPECT_EQ(e.keyPath(), "settings.token_secret");
    EXPECT_NE(e.problem().find("at least 16 characters"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("test.yaml:2:17: settings.token_secret: ", 0), 0u) << e.what();
}

TEST(WebchatConfig, UnsetEnvironmentVariableIsAnError) {
    ::unsetenv("OMNIGATE_TEST_WEBCHAT_UNSET");
    const ConfigError e = errorOf("settings:\n  token_secret: ${OMNIGATE_TEST_WEBCHAT_UNSET}\n");
    EXPECT_EQ(e.keyPath(), "settings.token_secret");
    EXPECT_NE(e.problem().find("OMNIGATE_TEST_WEBCHAT_UNSET"), std::string::npos) << e.what();
}

TEST(WebchatConfig, UnknownKeyIsAnErrorAtThatKey) {
    const ConfigError e = errorOf(
        "settings:\n"
        "  token_secret: 0123456789abcdef0123\n"
        "  history_limt: 10\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 3);
    EXPECT_EQ(e.keyPath(), "settings.history_limt");
    EXPECT_NE(e.problem().find("unknown key"), std::string::npos) << e.what();
    EXPECT_NE(e.problem().find("history_limit"), std::string::npos) << e.what();
}

TEST(WebchatConfig, OutOfRangeValuesAreErrors) {
    const std::string secret = "settings:\n  token_secret: 0123456789abcdef0123\n";
    struct Case {
        std::string line;
        std::string keyPath;
    };
    const Case cases[] = {
        {"  token_ttl_seconds: 59\n", "settings.token_ttl_seconds"},
        {"  token_ttl_seconds: 31536001\n", "settings.token_ttl_seconds"},
        {"  max_text_bytes: 0\n", "settings.max_text_bytes"},
        {"  max_text_bytes: 65537\n", "settings.max_text_bytes"},
        {"  history_limit: 0\n", "settings.history_limit"},
        {"  history_limit: 1001\n", "settings.history_limit"},
    };
    for (const Case& c : cases) {
        const ConfigError e = errorOf(secret + c.line);
        EXPECT_EQ(e.keyPath(), c.keyPath) << c.line;
        EXPECT_EQ(e.line(), 3) << c.line;
        EXPECT_NE(e.problem().find("must be between"), std::string::npos) << e.what();
    }
}

TEST(WebchatConfig, MistypedValueIsAnError) {
    const ConfigError e = errorOf("settings:\n  token_secret: 0123456789abcdef0123\n  history_limit: lots\n");
    EXPECT_EQ(e.keyPath(), "settings.history_limit");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 18);
    EXPECT_NE(e.problem().find("expected an integer"), std::string::npos) << e.what();
}

TEST(WebchatConfig, SettingsMustBeAMapping) {
    const ConfigError e = errorOf("settings: [1, 2]\n");
    EXPECT_EQ(e.keyPath(), "settings");
    EXPECT_NE(e.problem().find("mapping"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace omnigate::webchat
