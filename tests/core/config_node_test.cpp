// ConfigNode as a plugin uses it on its own settings: typed getters, required and optional keys, unknown keys, and
// errors that carry the position and dotted path of the value at fault.
#include <gtest/gtest.h>

#include <string>

#include "omnigate/sdk/config_node.h"

namespace omnigate {
namespace {

// Line numbers below refer to this document.
const char* const kDocument =
    "name: webchat\n"              // 1
    "limits:\n"                    // 2
    "  port: 8080\n"               // 3
    "  ttl: abc\n"                 // 4
    "  enabled: yes\n"             // 5
    "  strict: maybe\n"            // 6
    "  ratio: 0.25\n"              // 7
    "accounts:\n"                  // 8
    "  - id: a\n"                  // 9
    "  - id: b\n"                  // 10
    "    secret: s3cret\n";        // 11

ConfigNode document() { return ConfigNode::parseString(kDocument, "node.yaml"); }

// Runs `read` and returns the ConfigError it must throw.
template <typename Read>
ConfigError errorOf(Read read) {
    try {
        read();
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError was thrown";
    return ConfigError("", 0, 0, "", "");
}

TEST(ConfigNode, ReadsTypedValuesWithTheirPosition) {
    const ConfigNode root = document();
    EXPECT_EQ(root.getString("name"), "webchat");
    const ConfigNode port = root["limits"]["port"];
    EXPECT_EQ(port.path(), "limits.port");
    EXPECT_EQ(port.line(), 3);
    EXPECT_EQ(port.column(), 9);
    EXPECT_EQ(port.asInt(), 8080);
    EXPECT_DOUBLE_EQ(root["limits"]["ratio"].asDouble(), 0.25);
    EXPECT_EQ(root.keys(), (std::vector<std::string>{"name", "limits", "accounts"}));
}

TEST(ConfigNode, GetIntEnforcesItsRange) {
    const ConfigNode limits = document()["limits"];
    EXPECT_EQ(limits.getInt("port", 1, 65535), 8080);
    EXPECT_EQ(limits.getInt("port", 8080, 8080), 8080);  // both bounds are inclusive

    const ConfigError low = errorOf([&] { limits.getInt("port", 8081, 9000); });
    EXPECT_EQ(low.keyPath(), "limits.port");
    EXPECT_EQ(low.problem(), "must be between 8081 and 9000, got 8080");
    EXPECT_EQ(low.line(), 3);

    const ConfigError high = errorOf([&] { limits.getInt("port", 1, 8079); });
    EXPECT_EQ(high.problem(), "must be between 1 and 8079, got 8080");
}

TEST(ConfigNode, GetIntWithAFallback) {
    const ConfigNode limits = document()["limits"];
    EXPECT_EQ(limits.getInt("absent", 42, 1, 100), 42);
    // The fallback only stands in for an absent key: a present value is still checked.
    const ConfigError e = errorOf([&] { limits.getInt("ttl", 42, 1, 100); });
    EXPECT_EQ(e.keyPath(), "limits.ttl");
    EXPECT_EQ(e.problem(), "expected an integer, got 'abc'");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 8);
}

TEST(ConfigNode, GetIntRejectsTrailingGarbage) {
    const ConfigNode node = ConfigNode::parseString("port: 80x\n", "t.yaml");
    EXPECT_EQ(errorOf([&] { node.getInt("port"); }).problem(), "expected an integer, got '80x'");
}

TEST(ConfigNode, GetBool) {
    const ConfigNode limits = document()["limits"];
    EXPECT_TRUE(limits.getBool("enabled", false));
    EXPECT_TRUE(limits.getBool("absent", true));
    EXPECT_FALSE(limits.getBool("absent", false));
    const ConfigError e = errorOf([&] { limits.getBool("strict", false); });
    EXPECT_EQ(e.keyPath(), "limits.strict");
    EXPECT_EQ(e.problem(), "expected true or false, got 'maybe'");
    EXPECT_EQ(e.line(), 6);
}

TEST(ConfigNode, RequiredKeyMissing) {
    const ConfigNode accounts0 = document()["accounts"].elements().at(0);
    const ConfigError e = errorOf([&] { accounts0.getString("secret"); });
    EXPECT_EQ(e.keyPath(), "accounts[0].secret");
    EXPECT_EQ(e.problem(), "missing");
    EXPECT_EQ(e.line(), 9);  // the entry it is missing from
    EXPECT_EQ(accounts0.getString("secret", "fallback"), "fallback");
    EXPECT_FALSE(accounts0.has("secret"));
    EXPECT_TRUE(accounts0.has("id"));
}

TEST(ConfigNode, ElementsOfAList) {
    const std::vector<ConfigNode> accounts = document()["accounts"].elements();
    ASSERT_EQ(accounts.size(), 2u);
    EXPECT_EQ(accounts[1].path(), "accounts[1]");
    EXPECT_EQ(accounts[1].line(), 10);
    EXPECT_EQ(accounts[1].getString("secret"), "s3cret");
    EXPECT_EQ(accounts[1]["secret"].path(), "accounts[1].secret");
    // An absent list is an empty one: optional lists need no special case.
    EXPECT_TRUE(document()["absent"].elements().empty());
}

TEST(ConfigNode, ElementsOfSomethingElse) {
    const ConfigNode limits = document()["limits"];
    const ConfigError e = errorOf([&] { limits.elements(); });
    EXPECT_EQ(e.keyPath(), "limits");
    EXPECT_EQ(e.problem(), "expected a list");
    EXPECT_EQ(errorOf([&] { document()["name"].elements(); }).problem(), "expected a list");
}

TEST(ConfigNode, AsStringOnAMapping) {
    const ConfigError e = errorOf([] { document()["limits"].asString(); });
    EXPECT_EQ(e.keyPath(), "limits");
    EXPECT_EQ(e.problem(), "expected a single value, not a list or mapping");
}

TEST(ConfigNode, KeyOfAScalar) {
    // `name: webchat` then asking for name.port is a structural mistake, not an absent key.
    const ConfigError e = errorOf([] { document()["name"]["port"]; });
    EXPECT_EQ(e.keyPath(), "name");
    EXPECT_EQ(e.line(), 1);
}

TEST(ConfigNode, ExpectKeysAcceptsKnownKeys) {
    EXPECT_NO_THROW(document()["limits"].expectKeys({"port", "ttl", "enabled", "strict", "ratio"}));
    EXPECT_NO_THROW(document()["absent"].expectKeys({"port"}));  // an absent section has no unknown keys
}

TEST(ConfigNode, ExpectKeysRejectsAnUnknownKeyAtItsPosition) {
    const ConfigError e = errorOf([] { document()["limits"].expectKeys({"port", "ttl", "enabled", "ratio"}); });
    EXPECT_EQ(e.keyPath(), "limits.strict");
    EXPECT_EQ(e.line(), 6);
    EXPECT_EQ(e.column(), 3);
    EXPECT_EQ(e.problem(), "unknown key (expected one of: port, ttl, enabled, ratio)");
}

TEST(ConfigNode, ExpectKeysOnAScalar) {
    const ConfigError e = errorOf([] { document()["name"].expectKeys({"x"}); });
    EXPECT_EQ(e.keyPath(), "name");
    EXPECT_EQ(e.problem(), "expected a mapping of keys to values");
}

TEST(ConfigNode, AnEmptyDocumentIsAnEmptyMap) {
    const ConfigNode root = ConfigNode::parseString("", "empty.yaml");
    EXPECT_TRUE(root.isMap());
    EXPECT_EQ(errorOf([&] { root.getString("anything"); }).keyPath(), "anything");
}

TEST(ConfigNode, NullValueCountsAsAbsent) {
    // `password:` with nothing after it is treated like a missing key, not as an empty string.
    const ConfigNode root = ConfigNode::parseString("password:\n", "t.yaml");
    EXPECT_FALSE(root.has("password"));
    EXPECT_EQ(errorOf([&] { root.getString("password"); }).problem(), "missing");
    EXPECT_EQ(root.getString("password", "none"), "none");
}

TEST(ConfigNode, QuotedNumbersAreStillNumbers) {
    // Environment substitution yields strings; "8080" must read like 8080.
    const ConfigNode root = ConfigNode::parseString("port: \"8080\"\n", "t.yaml");
    EXPECT_EQ(root.getInt("port"), 8080);
}

TEST(ConfigNode, FailNamesThePosition) {
    const ConfigNode port = document()["limits"]["port"];
    const ConfigError e = errorOf([&] { port.fail("is already used by the admin API"); });
    EXPECT_STREQ(e.what(), "node.yaml:3:9: limits.port: is already used by the admin API");
}

TEST(SubstituteEnvironment, LeavesTextWithoutReferencesAlone) {
    EXPECT_EQ(substituteEnvironment("plain $HOME and {braces}"), "plain $HOME and {braces}");
}

TEST(SubstituteEnvironment, UsesTheDefaultAndNamesAMissingVariable) {
    ::unsetenv("OMNIGATE_TEST_NEVER_SET");
    EXPECT_EQ(substituteEnvironment("a${OMNIGATE_TEST_NEVER_SET:-b}c"), "abc");
    EXPECT_EQ(substituteEnvironment("${OMNIGATE_TEST_NEVER_SET:-}"), "");
    try {
        substituteEnvironment("x${OMNIGATE_TEST_NEVER_SET}y");
        FAIL() << "an unset variable without a default was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("OMNIGATE_TEST_NEVER_SET"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace omnigate
