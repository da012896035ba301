// The worker against a fake host and a real local HTTP server playing the bot: who is told what (signed), what
// the bot's answer makes happen, that a failing bot (error status, hang, huge or garbage answer) hands the
// interaction to people at once, how the counts follow interactions out of status bot, and that a bot takes only
// what its own queues send it and no other bot holds.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "bot_server.h"
#include "conversation_worker.h"
#include "fake_host.h"
#include "omnigate/sdk/secrets.h"

namespace omnigate::chatbot {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

class ConversationWorkerTest : public ::testing::Test {
protected:
    void SetUp() override {
        config.id = "support-bot";
        config.botUrl = bot.url();
        config.secret = "webhook-secret-0123456789";
        config.botToken = "bot-token-0123456789ab";
        config.timeout = 500ms;
        config.maxResponseBytes = 1024;
        host.interactions[7] = R"({"id":7,"status":"bot","queue":"first-line","priority":10})";
        StoredMessage m;
        m.id = 70;
        m.interactionId = 7;
        m.clientId = 3;
        m.channel = "webchat";
        m.account = "demo";
        m.text = "Where is my order?";
        m.createdAt = "2026-01-01T10:00:00.000Z";
        host.history.push_back(m);
    }

    void enqueue(const std::string& type, const std::string& data) {
        EventDelivery d;
        d.id = ++nextId;
        d.sink = "bot-support-bot";
        d.eventId = "event-" + std::to_string(d.id);
        d.type = type;
        d.topic = "omnigate/v1/interactions/7/events";
        d.payload = R"({"id":")" + d.eventId + R"(","type":")" + type + R"(","data":)" + data + "}";
        host.queued.push_back(d);
    }
    void enterBot() { enqueue("interaction.updated", R"({"id":7,"status":"bot","changes":["status"],"actor":{"kind":"system","id":"distributor"}})"); }
    void leaveBot(const std::string& status, const std::string& actorKind) {
        enqueue("interaction.updated", R"({"id":7,"status":")" + status +
                                           R"(","changes":["status"],"actor":{"kind":")" + actorKind + R"(","id":"x"}})");
    }

    std::size_t run() { return worker.processOnce(); }
    std::string count(const std::string& name) {
        const auto it = host.state.find("stats." + name);
        return it == host.state.end() ? "0" : it->second;
    }

    test::BotServer bot;
    test::FakeHost host;
    ChatbotConfig config;
    BotStats stats{host};
    ConversationWorker worker{host, config, stats, "bot-support-bot"};
    std::int64_t nextId = 0;
};

TEST_F(ConversationWorkerTest, SubscribesToTheEventsItNeeds) {
    worker.start();
    worker.stop();
    EXPECT_EQ(host.subscriptions["bot-support-bot"],
              (std::vector<std::string>{"interaction.updated", "message.created"}));
}

TEST_F(ConversationWorkerTest, AnInteractionReachingTheBotIsPostedSignedWithItsHistory) {
    enterBot();
    EXPECT_EQ(run(), 1u);
    const auto received = bot.received();
    ASSERT_EQ(received.size(), 1u);
    const auto& r = received.front();
    EXPECT_EQ(r.event, "conversation.started");
    EXPECT_EQ(r.delivery, "event-1");
    EXPECT_EQ(r.contentType, "application/json");
    EXPECT_EQ(r.signature, webhookSignature(config.secret, r.timestamp, r.body));
    const auto body = parse(r.body);
    EXPECT_EQ(body->getValue<std::string>("type"), "conversation.started");
    EXPECT_EQ(body->getValue<std::string>("integration"), "support-bot");
    EXPECT_EQ(body->getObject("interaction")->getValue<int>("id"), 7);
    const auto messages = body->getArray("messages");
    ASSERT_EQ(messages->size(), 1u);
    EXPECT_EQ(messages->getObject(0)->getValue<std::string>("text"), "Where is my order?");
    EXPECT_EQ(messages->getObject(0)->getValue<std::string>("direction"), "in");
    EXPECT_EQ(messages->getObject(0)->getValue<std::string>("author"), "client");
    EXPECT_EQ(host.completed, std::vector<std::int64_t>{1});
    EXPECT_TRUE(host.handOffs.empty());
    EXPECT_EQ(count("conversations"), "1");
    EXPECT_EQ(host.gauges["conversations_total"], 1);
}

TEST_F(ConversationWorkerTest, ABotThatHasAlreadyLostTheInteractionIsNotTold) {
    host.interactions[7] = R"({"id":7,"status":"queued"})";
    enterBot();
    run();
    EXPECT_TRUE(bot.received().empty());
    EXPECT_EQ(host.completed.size(), 1u);
}

TEST_F(ConversationWorkerTest, TheBotHoldsWhatItGetsAndLeavesOtherBotsInteractionsAlone) {
    enterBot();
    run();
    EXPECT_EQ(host.holders[7], "support-bot") << "recorded when the bot gets it";
    EXPECT_EQ(bot.received().size(), 1u);

    host.holders[8] = "sales-bot";
    host.interactions[8] = R"({"id":8,"status":"bot","queue":"first-line"})";
    enqueue("interaction.updated", R"({"id":8,"status":"bot","queue":"first-line","changes":["status"]})");
    config.queues = {"sales"};
    host.interactions[9] = R"({"id":9,"status":"bot","queue":"first-line"})";
    enqueue("interaction.updated", R"({"id":9,"status":"bot","queue":"first-line","changes":["status"]})");
    run();
    run();
    EXPECT_EQ(bot.received().size(), 1u) << "neither another bot's nor another queue's interaction is told";
    EXPECT_EQ(host.holders[8], "sales-bot");
    EXPECT_EQ(host.holders.count(9), 0u);
    EXPECT_EQ(count("conversations"), "1");
}

TEST_F(ConversationWorkerTest, TheClientsNextMessageReachesTheBotOnlyWhileItHoldsTheInteraction) {
    const std::string inbound = R"({"id":71,"interaction_id":7,"direction":"in","author":"client","text":"Hello?"})";
    enqueue("message.created", inbound);  // before the bot had it: part of conversation.started's history
    run();
    EXPECT_TRUE(bot.received().empty());

    enterBot();
    run();
    enqueue("message.created", inbound);
    enqueue("message.created", R"({"id":72,"interaction_id":7,"direction":"out","author":"bot","text":"Hi"})");
    run();
    auto received = bot.received();
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(received[1].event, "message.created");
    EXPECT_EQ(received[1].signature, webhookSignature(config.secret, received[1].timestamp, received[1].body));
    const auto body = parse(received[1].body);
    EXPECT_EQ(body->getObject("message")->getValue<std::string>("text"), "Hello?");
    EXPECT_EQ(body->getArray("messages")->size(), 1u);

    host.interactions[7] = R"({"id":7,"status":"queued"})";  // people have it now
    enqueue("message.created", inbound);
    run();
    EXPECT_EQ(bot.received().size(), 2u);
}

TEST_F(ConversationWorkerTest, TheBotsSynchronousAnswerIsCarriedOut) {
    bot.answer(200, R"({"actions":[{"reply":"It ships tomorrow."},{"close":{"resolution":"order status"}}]})");
    enterBot();
    run();
    ASSERT_EQ(host.replies.size(), 1u);
    EXPECT_EQ(host.replies[0], std::make_pair(std::int64_t{7}, std::string("It ships tomorrow.")));
    ASSERT_EQ(host.closes.size(), 1u);
    EXPECT_EQ(host.closes[0].second, "order status");
    EXPECT_TRUE(host.handOffs.empty());
    EXPECT_EQ(count("failures"), "0");
}

TEST_F(ConversationWorkerTest, ASynchronousHandOffKeepsItsPriorityAndTopics) {
    bot.answer(200, R"({"actions":[{"handoff":{"queue_id":"sales","priority":70,"topic_ids":[5],"comment":"vip"}}]})");
    enterBot();
    run();
    ASSERT_EQ(host.handOffs.size(), 1u);
    const auto& h = host.handOffs[0].second;
    EXPECT_EQ(h.queue, "sales");
    EXPECT_EQ(h.priority, 70);
    EXPECT_EQ(h.topics, std::vector<std::int64_t>{5});
    EXPECT_EQ(h.reason, "vip");
}

struct Failure {
    int status;
    std::string body;
    std::chrono::milliseconds delay;
    std::string reason;
};

class FailingBot : public ConversationWorkerTest, public ::testing::WithParamInterface<Failure> {};

TEST_P(FailingBot, HandsTheInteractionToPeopleAtOnce) {
    bot.answer(GetParam().status, GetParam().body, GetParam().delay);
    enterBot();
    const auto started = std::chrono::steady_clock::now();
    run();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);  // timeout_ms is 500
    ASSERT_EQ(host.handOffs.size(), 1u);
    EXPECT_EQ(host.handOffs[0].first, 7);
    EXPECT_TRUE(host.handOffs[0].second.queue.empty());  // its own queue
    EXPECT_NE(host.handOffs[0].second.reason.find(GetParam().reason), std::string::npos)
        << host.handOffs[0].second.reason;
    EXPECT_TRUE(host.replies.empty());
    EXPECT_EQ(count("failures"), "1");
    EXPECT_EQ(host.completed.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Chatbot, FailingBot,
    ::testing::Values(Failure{500, "{}", 0ms, "it answered HTTP 500"},
                      Failure{404, "", 0ms, "it answered HTTP 404"},
                      Failure{302, "", 0ms, "it answered HTTP 302"},
                      Failure{200, "", 1500ms, "no answer within timeout_ms (500 ms)"},
                      Failure{200, std::string(4096, ' '), 0ms, "larger than max_response_bytes"},
                      Failure{200, "<html>maintenance</html>", 0ms, "its answer is not understood"},
                      Failure{200, R"({"actions":[{"reply":"a"},{"launch":{}}]})", 0ms, "actions[1].launch"}));

TEST_F(ConversationWorkerTest, AnUnreachableBotHandsTheInteractionToPeople) {
    config.botUrl = "http://127.0.0.1:1/hook";
    enterBot();
    run();
    ASSERT_EQ(host.handOffs.size(), 1u);
    EXPECT_NE(host.handOffs[0].second.reason.find("the bot failed: the call failed"), std::string::npos);
}

TEST_F(ConversationWorkerTest, ARefusedHandOffIsFineWhenSomeoneElseMovedItFirst) {
    bot.answer(500, "");
    host.notHeld = true;
    enterBot();
    run();
    EXPECT_EQ(host.completed.size(), 1u);
    EXPECT_TRUE(host.retried.empty());
    EXPECT_EQ(count("failures"), "1");
}

TEST_F(ConversationWorkerTest, CountsHowInteractionsLeaveTheBot) {
    enterBot();
    leaveBot("queued", "system");  // the core's timeout
    run();
    run();
    EXPECT_EQ(count("timed_out"), "1");
    EXPECT_EQ(host.state.count("held.support-bot.7"), 0u);

    enterBot();
    leaveBot("queued", "bot");
    run();
    run();
    EXPECT_EQ(count("handed_off"), "1");

    enterBot();
    leaveBot("closed", "bot");
    run();
    run();
    EXPECT_EQ(count("resolved_by_bot"), "1");

    enterBot();
    leaveBot("assigned", "admin");  // a supervisor took it: neither the bot's success nor its failure
    run();
    run();
    EXPECT_EQ(count("conversations"), "4");
    EXPECT_EQ(count("timed_out"), "1");
    EXPECT_EQ(count("handed_off"), "1");
    EXPECT_EQ(count("resolved_by_bot"), "1");
    EXPECT_EQ(host.gauges["timed_out_total"], 1);

    leaveBot("closed", "operator");  // never with the bot (not held): not counted
    run();
    EXPECT_EQ(count("resolved_by_bot"), "1");
}

TEST_F(ConversationWorkerTest, SkipsWhatIsNotAnEvent) {
    EventDelivery d;
    d.id = 99;
    d.type = "interaction.updated";
    d.payload = "not json";
    host.queued.push_back(d);
    run();
    EXPECT_EQ(host.completed, std::vector<std::int64_t>{99});
    EXPECT_TRUE(bot.received().empty());
}

}  // namespace
}  // namespace omnigate::chatbot
