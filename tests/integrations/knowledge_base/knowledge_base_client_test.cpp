// The knowledge base as the suggester meets it: the answer contract parsed strictly enough that garbage never
// becomes a suggestion, and a real local server that answers well, hangs, drips, redirects, fails or floods, each
// bounded by timeout_ms and max_response_bytes.
#include <gtest/gtest.h>

#include "kb_server.h"
#include "knowledge_base_client.h"

namespace omnigate::knowledge_base {
namespace {

using namespace std::chrono_literals;

std::string errorOf(const std::string& body) {
    try {
        parseSearchAnswer(body, 5);
    } catch (const KnowledgeBaseError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no KnowledgeBaseError for: " << body;
    return "";
}

TEST(SearchAnswer, ReadsTheContract) {
    const auto results = parseSearchAnswer(
        R"({"total":2,"results":[{"title":"Сроки","text":"1-2 дня","url":"https://kb/1","score":0.8,"extra":1},)"
        R"({"text":"Без заголовка"}]})",
        5);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].source, "knowledge_base");
    EXPECT_EQ(results[0].title, "Сроки");
    EXPECT_EQ(results[0].text, "1-2 дня");
    EXPECT_EQ(results[0].url, "https://kb/1");
    EXPECT_DOUBLE_EQ(results[0].score, 0.8);
    EXPECT_EQ(results[1].title, "");
    EXPECT_DOUBLE_EQ(results[1].score, 0.5) << "a missing score is the middle";
    EXPECT_TRUE(parseSearchAnswer(R"({"results":[]})", 5).empty());
}

TEST(SearchAnswer, GarbageIsAnError) {
    EXPECT_NE(errorOf("").find("not JSON"), std::string::npos);
    EXPECT_NE(errorOf("<html>oops</html>").find("not JSON"), std::string::npos);
    EXPECT_NE(errorOf(R"({"results":[{"text":"cut off)").find("not JSON"), std::string::npos);
    EXPECT_NE(errorOf("[1,2,3]").find("not a JSON object"), std::string::npos);
    EXPECT_FALSE(errorOf(R"("results")").empty());
    EXPECT_NE(errorOf(R"({"items":[]})").find("\"results\""), std::string::npos);
    EXPECT_NE(errorOf(R"({"results":{"text":"x"}})").find("\"results\""), std::string::npos);
    EXPECT_NE(errorOf(R"({"results":[1,"two",null,{"title":"no text"},{"text":""},{"text":5}]})").find("none of"),
              std::string::npos);
}

TEST(SearchAnswer, SkipsBadResultsAndKeepsGoodOnes) {
    const auto results = parseSearchAnswer(
        R"({"results":[{"text":42},{"text":"ok 1","score":"high"},{"text":"  "},)"
        R"J({"text":"ok 2","score":7,"url":"javascript:alert(1)"},{"text":"ok 3","score":-1,"title":5}]})J",
        5);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].text, "ok 2");
    EXPECT_DOUBLE_EQ(results[0].score, 1.0) << "scores are clamped to 0..1";
    EXPECT_EQ(results[0].url, "") << "only http(s) links are passed on";
    EXPECT_EQ(results[1].text, "ok 3");
    EXPECT_DOUBLE_EQ(results[1].score, 0.0);
}

TEST(SearchAnswer, KeepsTheLimitAndCutsLongTexts) {
    std::string many = R"({"results":[)";
    for (int i = 0; i < 50; ++i) many += std::string(i ? "," : "") + R"({"text":"r)" + std::to_string(i) + R"("})";
    EXPECT_EQ(parseSearchAnswer(many + "]}", 3).size(), 3u);

    std::string longText;
    for (int i = 0; i < 10000; ++i) longText += "я";
    const auto cut = parseSearchAnswer(R"({"results":[{"text":")" + longText + R"("}]})", 3);
    ASSERT_EQ(cut.size(), 1u);
    EXPECT_LE(cut[0].text.size(), maxTextBytes);
    EXPECT_EQ(cut[0].text.size() % 2, 0u) << "cut inside a character";
}

TEST(SearchAnswer, InvalidUtf8IsAnError) {
    EXPECT_FALSE(errorOf(R"({"results":[{"text":"ok"},{"text":")" + std::string("\xff\xfe") + R"("}]})").empty());
}

TEST(SearchAnswer, DeepNestingIsAnErrorNotACrash) {
    std::string deep(100000, '[');
    EXPECT_FALSE(errorOf(deep).empty());
}

class KnowledgeBaseClientTest : public ::testing::Test {
protected:
    KnowledgeBaseConfig configFor(const std::string& path, int timeoutMs = 500) {
        KnowledgeBaseConfig config;
        config.searchUrl = server.url(path);
        config.timeout = std::chrono::milliseconds(timeoutMs);
        config.maxResponseBytes = 64 * 1024;
        return config;
    }
    std::string failure(const KnowledgeBaseConfig& config) {
        try {
            KnowledgeBaseClient(config).search("доставка", 3, cancel);
        } catch (const KnowledgeBaseError& e) {
            return e.what();
        }
        ADD_FAILURE() << "the search did not fail";
        return "";
    }

    test::KbServer server;
    std::atomic<bool> cancel{false};
};

TEST_F(KnowledgeBaseClientTest, AsksWithTheEncodedTextTheLimitAndTheAuthHeader) {
    KnowledgeBaseConfig config = configFor("/ok?lang=ru");
    config.authHeader = "Bearer kb-token";
    const auto results = KnowledgeBaseClient(config).search("Где мой заказ & доставка?", 4, cancel);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].title, "Сроки доставки");
    EXPECT_EQ(results[0].url, "https://kb.example/1");
    const auto seen = server.seen();
    EXPECT_EQ(seen.query, "Где мой заказ & доставка?");
    EXPECT_EQ(seen.limit, "4");
    EXPECT_EQ(seen.authorization, "Bearer kb-token");
}

TEST_F(KnowledgeBaseClientTest, AHangingKnowledgeBaseTimesOutWithinTimeoutMs) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_NE(failure(configFor("/hang", 300)).find("timeout_ms"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST_F(KnowledgeBaseClientTest, ADrippingKnowledgeBaseIsStoppedByTheTotalTimeout) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_NE(failure(configFor("/drip", 400)).find("timeout_ms"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST_F(KnowledgeBaseClientTest, AHugeAnswerIsDroppedAtTheLimit) {
    EXPECT_NE(failure(configFor("/huge", 5000)).find("max_response_bytes"), std::string::npos);
}

TEST_F(KnowledgeBaseClientTest, ErrorsRedirectsAndHtmlAreFailures) {
    EXPECT_NE(failure(configFor("/status500")).find("HTTP 500"), std::string::npos);
    EXPECT_NE(failure(configFor("/redirect")).find("HTTP 30"), std::string::npos);
    EXPECT_NE(failure(configFor("/html")).find("not JSON"), std::string::npos);
}

TEST_F(KnowledgeBaseClientTest, NobodyListeningIsAFailure) {
    KnowledgeBaseConfig config = configFor("/ok");
    config.searchUrl = "http://127.0.0.1:1/search";
    EXPECT_NE(failure(config).find("request failed"), std::string::npos);
}

TEST_F(KnowledgeBaseClientTest, StoppingCancelsARunningSearch) {
    const auto started = std::chrono::steady_clock::now();
    std::thread stopper([this] {
        std::this_thread::sleep_for(200ms);
        cancel = true;
    });
    const std::string why = failure(configFor("/hang", 10000));
    stopper.join();
    EXPECT_NE(why.find("cancelled"), std::string::npos) << why;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

}  // namespace
}  // namespace omnigate::knowledge_base
