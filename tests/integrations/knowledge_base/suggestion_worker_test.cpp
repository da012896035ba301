// The worker against a fake host and a real local knowledge base: which events ask for suggestions, where the
// suggestion goes (the interaction's topic always, the holding operator's too), what a failing knowledge base
// changes (nothing but the source of the suggestions) and what a failing store changes (a retry, no loss).
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "fake_host.h"
#include "kb_server.h"
#include "suggestion_worker.h"

namespace omnigate::knowledge_base {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string messageEvent(std::int64_t interaction, std::int64_t message, const std::string& text,
                         const std::string& direction = "in", const std::string& author = "client") {
    return R"({"id":"e-)" + std::to_string(message) + R"(","type":"message.created","time":"2024-01-01T00:00:00Z",)"
           R"("schema_version":1,"data":{"id":)" + std::to_string(message) + R"(,"interaction_id":)" +
           std::to_string(interaction) + R"(,"direction":")" + direction + R"(","author":")" + author +
           R"(","text":")" + text + R"("}})";
}

std::string interactionJson(std::int64_t id, const std::string& status, const std::string& queue,
                            const std::string& op) {
    return R"({"id":)" + std::to_string(id) + R"(,"status":")" + status + R"(","queue":)" +
           (queue.empty() ? "null" : "\"" + queue + "\"") + R"(,"operator":)" + (op.empty() ? "null" : "\"" + op + "\"") +
           "}";
}

class SuggestionWorkerTest : public ::testing::Test {
protected:
    SuggestionWorkerTest() {
        config.searchUrl = kb.url("/ok");
        config.timeout = 400ms;
        config.maxSuggestions = 4;
        host.shared.push_back({"delivery", "Доставка", "Доставка по Москве занимает 1-2 дня", {}});
    }

    void queue(std::int64_t deliveryId, const std::string& payload, int attempts = 0) {
        EventDelivery d;
        d.id = deliveryId;
        d.eventId = "e-" + std::to_string(deliveryId);
        d.type = "message.created";
        d.payload = payload;
        d.attempts = attempts;
        host.queued.push_back(d);
    }

    std::size_t runOnce() {
        SuggestionWorker worker(host, config, "suggest-test");
        return worker.processOnce();
    }

    test::KbServer kb;
    test::FakeHost host;
    KnowledgeBaseConfig config;
};

TEST_F(SuggestionWorkerTest, AClientMessageGetsKnowledgeBaseAndTemplateSuggestionsOnTheInteractionTopic) {
    host.interactions[7] = interactionJson(7, "queued", "sales", "");
    queue(1, messageEvent(7, 70, "Сколько идёт доставка?"));
    EXPECT_EQ(runOnce(), 1u);

    ASSERT_EQ(host.published.size(), 1u);
    EXPECT_EQ(host.published[0].topic, "omnigate/v1/interactions/7/suggestions");
    EXPECT_EQ(host.published[0].type, "suggestion.created");
    const auto data = parse(host.published[0].data);
    EXPECT_EQ(data->getValue<std::int64_t>("interaction_id"), 7);
    EXPECT_EQ(data->getValue<std::int64_t>("message_id"), 70);
    EXPECT_TRUE(data->isNull("operator_id"));
    EXPECT_EQ(data->getValue<std::string>("queue"), "sales");
    const auto suggestions = data->getArray("suggestions");
    ASSERT_EQ(suggestions->size(), 3u) << host.published[0].data;
    EXPECT_EQ(suggestions->getObject(0)->getValue<std::string>("source"), "knowledge_base");
    EXPECT_EQ(suggestions->getObject(0)->getValue<std::string>("url"), "https://kb.example/1");
    bool template_ = false;
    for (std::size_t i = 0; i < suggestions->size(); ++i) {
        const auto s = suggestions->getObject(static_cast<unsigned>(i));
        if (s->getValue<std::string>("source") == "template") {
            template_ = true;
            EXPECT_EQ(s->getValue<std::string>("id"), "delivery");
        }
    }
    EXPECT_TRUE(template_) << host.published[0].data;
    EXPECT_EQ(kb.seen().query, "Сколько идёт доставка?");
    EXPECT_EQ(host.completed, (std::vector<std::int64_t>{1}));
    EXPECT_TRUE(host.retried.empty());
}

TEST_F(SuggestionWorkerTest, TheHoldingOperatorGetsItOnTheirTopicToo) {
    host.interactions[8] = interactionJson(8, "assigned", "sales", "op-anna");
    queue(1, messageEvent(8, 80, "доставка"));
    runOnce();
    ASSERT_EQ(host.published.size(), 2u);
    EXPECT_EQ(host.published[0].topic, "omnigate/v1/interactions/8/suggestions");
    EXPECT_EQ(host.published[1].topic, "omnigate/v1/operators/op-anna/suggestions");
    EXPECT_EQ(parse(host.published[1].data)->getValue<std::string>("operator_id"), "op-anna");
}

TEST_F(SuggestionWorkerTest, AnOfferIsNotHeldYet) {
    host.interactions[9] = interactionJson(9, "offered", "sales", "op-anna");
    queue(1, messageEvent(9, 90, "доставка"));
    runOnce();
    ASSERT_EQ(host.published.size(), 1u);
    EXPECT_TRUE(parse(host.published[0].data)->isNull("operator_id"));
}

TEST_F(SuggestionWorkerTest, OperatorsBotsClosedAndUnknownInteractionsGetNothing) {
    host.interactions[7] = interactionJson(7, "assigned", "sales", "op-anna");
    host.interactions[6] = interactionJson(6, "closed", "sales", "");
    queue(1, messageEvent(7, 71, "доставка", "out", "operator"));
    queue(2, messageEvent(7, 72, "доставка", "in", "bot"));
    queue(3, messageEvent(6, 60, "доставка"));
    queue(4, messageEvent(404, 40, "доставка"));
    queue(5, "not json at all");
    queue(6, messageEvent(7, 73, "   "));
    EXPECT_EQ(runOnce(), 6u);
    EXPECT_TRUE(host.published.empty());
    EXPECT_EQ(host.completed, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST_F(SuggestionWorkerTest, AFailingKnowledgeBaseLeavesTheTemplatesAndIsCounted) {
    for (const char* path : {"/hang", "/html", "/status500"}) {
        host.published.clear();
        config.searchUrl = kb.url(path);
        host.interactions[7] = interactionJson(7, "queued", "", "");
        queue(1, messageEvent(7, 70, "доставка"));
        const auto started = std::chrono::steady_clock::now();
        runOnce();
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << path;
        ASSERT_EQ(host.published.size(), 1u) << path;
        const auto suggestions = parse(host.published[0].data)->getArray("suggestions");
        ASSERT_EQ(suggestions->size(), 1u) << path;
        EXPECT_EQ(suggestions->getObject(0)->getValue<std::string>("source"), "template");
    }
    EXPECT_EQ(host.gauges["kb_failures_total"], 1) << "each run is a new worker with its own count";
    EXPECT_TRUE(host.retried.empty()) << "a knowledge-base failure is no reason to retry";
}

TEST_F(SuggestionWorkerTest, AStoreFailureRetriesTheDelivery) {
    host.interactions[7] = interactionJson(7, "queued", "", "");
    host.failPublish = true;
    queue(1, messageEvent(7, 70, "доставка"));
    runOnce();
    EXPECT_TRUE(host.completed.empty());
    ASSERT_EQ(host.retried.size(), 1u);
    EXPECT_EQ(host.retried[0].first, 1);
    EXPECT_NE(host.retried[0].second.find("outbox"), std::string::npos);

    // Late enough to help nobody: put aside.
    host.retried.clear();
    queue(2, messageEvent(7, 70, "доставка"), 7);
    runOnce();
    EXPECT_EQ(host.dead, (std::vector<std::int64_t>{2}));
}

TEST_F(SuggestionWorkerTest, TheThreadSubscribesAndWorksUntilStopped) {
    host.interactions[7] = interactionJson(7, "queued", "", "");
    SuggestionWorker worker(host, config, "suggest-test");
    worker.start();
    {
        std::lock_guard<std::mutex> lock(host.mutex);
        EXPECT_EQ(host.subscriptions["suggest-test"], (std::vector<std::string>{"message.created"}));
        queue(1, messageEvent(7, 70, "доставка"));
    }
    for (int i = 0; i < 50; ++i) {
        {
            std::lock_guard<std::mutex> lock(host.mutex);
            if (!host.completed.empty()) break;
        }
        std::this_thread::sleep_for(50ms);
    }
    worker.stop();
    EXPECT_EQ(host.completed, (std::vector<std::int64_t>{1}));
    EXPECT_EQ(host.published.size(), 1u);
}

}  // namespace
}  // namespace omnigate::knowledge_base
