// The suggester's settings: valid YAML becomes a typed config, every mistake a ConfigError that points at the file,
// line, column and key, and unknown keys are refused rather than ignored.
#include <gtest/gtest.h>

#include <cstdlib>

#include "knowledge_base_config.h"
#include "omnigate/sdk/config_node.h"

namespace omnigate::knowledge_base {
namespace {

ConfigNode settingsOf(const std::string& yaml) { return ConfigNode::parseString(yaml, "kb.yaml")["settings"]; }

ConfigError errorOf(const std::string& yaml) {
    try {
        parseKnowledgeBaseConfig(settingsOf(yaml));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
    return ConfigError("", 0, 0, "", "");
}

TEST(KnowledgeBaseConfig, AppliesDefaults) {
    const KnowledgeBaseConfig config = parseKnowledgeBaseConfig(settingsOf("settings:\n  search_url: http://kb/search\n"));
    EXPECT_EQ(config.searchUrl, "http://kb/search");
    EXPECT_EQ(config.authHeader, "");
    EXPECT_EQ(config.timeout.count(), 2000);
    EXPECT_EQ(config.maxResponseBytes, 262144u);
    EXPECT_EQ(config.maxSuggestions, 3u);
    EXPECT_TRUE(config.templates.empty());
}

TEST(KnowledgeBaseConfig, TemplatesOnlyNeedsNoSearchUrl) {
    const KnowledgeBaseConfig config = parseKnowledgeBaseConfig(settingsOf(
        "settings:\n"
        "  templates:\n"
        "    - {id: hello, title: Hello, text: Hello there}\n"));
    EXPECT_TRUE(config.searchUrl.empty());
    ASSERT_EQ(config.templates.size(), 1u);
}

TEST(KnowledgeBaseConfig, ReadsEveryKeyAndTheSecretFromTheEnvironment) {
    ::setenv("OMNIGATE_TEST_KB_TOKEN", "Bearer s3cret", 1);
    const KnowledgeBaseConfig config = parseKnowledgeBaseConfig(settingsOf(
        "settings:\n"
        "  search_url: https://kb.example.com/api/search?lang=ru\n"
        "  auth_header: ${OMNIGATE_TEST_KB_TOKEN}\n"
        "  timeout_ms: 500\n"
        "  max_response_bytes: 4096\n"
        "  max_suggestions: 5\n"
        "  templates:\n"
        "    - id: delivery-times\n"
        "      title: Сроки доставки\n"
        "      text: Доставка занимает 2-3 дня.\n"
        "      queues: [sales, support]\n"
        "    - id: greeting\n"
        "      title: Hello\n"
        "      text: Hello, how can I help?\n"));
    ::unsetenv("OMNIGATE_TEST_KB_TOKEN");
    EXPECT_EQ(config.authHeader, "Bearer s3cret");
    EXPECT_EQ(config.timeout.count(), 500);
    EXPECT_EQ(config.maxResponseBytes, 4096u);
    EXPECT_EQ(config.maxSuggestions, 5u);
    ASSERT_EQ(config.templates.size(), 2u);
    EXPECT_EQ(config.templates[0].id, "delivery-times");
    EXPECT_EQ(config.templates[0].title, "Сроки доставки");
    EXPECT_EQ(config.templates[0].queues, (std::vector<std::string>{"sales", "support"}));
    EXPECT_TRUE(config.templates[1].queues.empty());
}

TEST(KnowledgeBaseConfig, UnknownKeyIsRefusedWithItsPosition) {
    const ConfigError e = errorOf("settings:\n  search_url: http://kb/search\n  serch_limit: 3\n");
    EXPECT_EQ(e.file(), "kb.yaml");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.keyPath(), "settings.serch_limit");
}

TEST(KnowledgeBaseConfig, UnknownTemplateKeyIsRefused) {
    const ConfigError e = errorOf(
        "settings:\n  templates:\n    - id: a\n      title: A\n      text: aaa\n      body: nope\n");
    EXPECT_EQ(e.keyPath(), "settings.templates[0].body");
    EXPECT_EQ(e.line(), 6);
}

TEST(KnowledgeBaseConfig, SearchUrlMustBeHttp) {
    const ConfigError e = errorOf("settings:\n  search_url: ftp://kb/search\n");
    EXPECT_EQ(e.keyPath(), "settings.search_url");
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(e.problem().find("http://"), std::string::npos) << e.what();
}

TEST(KnowledgeBaseConfig, RangesAreChecked) {
    EXPECT_EQ(errorOf("settings:\n  timeout_ms: 10\n").keyPath(), "settings.timeout_ms");
    EXPECT_EQ(errorOf("settings:\n  timeout_ms: 600000\n").keyPath(), "settings.timeout_ms");
    EXPECT_EQ(errorOf("settings:\n  max_suggestions: 0\n").keyPath(), "settings.max_suggestions");
    EXPECT_EQ(errorOf("settings:\n  max_response_bytes: 10\n").keyPath(), "settings.max_response_bytes");
    EXPECT_EQ(errorOf("settings:\n  timeout_ms: soon\n").keyPath(), "settings.timeout_ms");
}

TEST(KnowledgeBaseConfig, TemplateMistakesNameTheTemplate) {
    EXPECT_EQ(errorOf("settings:\n  templates:\n    - {title: A, text: aaa}\n").keyPath(), "settings.templates[0].id");
    EXPECT_EQ(errorOf("settings:\n  templates:\n    - {id: Big Id, title: A, text: aaa}\n").keyPath(),
              "settings.templates[0].id");
    EXPECT_EQ(errorOf("settings:\n  templates:\n    - {id: a, title: '  ', text: aaa}\n").keyPath(),
              "settings.templates[0].title");
    EXPECT_EQ(errorOf("settings:\n  templates:\n    - {id: a, title: A}\n").keyPath(), "settings.templates[0].text");
    EXPECT_EQ(errorOf("settings:\n  templates:\n    - {id: a, title: A, text: aaa, queues: [Sales!]}\n").keyPath(),
              "settings.templates[0].queues[0]");
    const ConfigError twice =
        errorOf("settings:\n  templates:\n    - {id: a, title: A, text: aaa}\n    - {id: a, title: B, text: bbb}\n");
    EXPECT_EQ(twice.keyPath(), "settings.templates[1].id");
    EXPECT_NE(twice.problem().find("twice"), std::string::npos);
}

TEST(KnowledgeBaseConfig, AuthHeaderWithoutSearchUrlIsAMistake) {
    EXPECT_EQ(errorOf("settings:\n  auth_header: Bearer x\n").keyPath(), "settings.auth_header");
}

}  // namespace
}  // namespace omnigate::knowledge_base
