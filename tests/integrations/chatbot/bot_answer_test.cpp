// The bot's synchronous answer: the contract is read in full before anything is done, and everything else
// (garbage, HTML, a wrong shape, a field out of range) is an error naming where, which makes the interaction go to
// people rather than half of an answer being carried out.
#include <gtest/gtest.h>

#include "bot_answer.h"

namespace omnigate::chatbot {
namespace {

std::string errorOf(const std::string& body) {
    try {
        parseBotAnswer(body);
    } catch (const BotAnswerError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no BotAnswerError for: " << body;
    return "";
}

TEST(BotAnswer, ReadsEveryAction) {
    const auto actions = parseBotAnswer(
        R"({"actions":[{"reply":"Hello"},{"reply":"One moment"},)"
        R"({"handoff":{"queue_id":"sales","priority":70,"topic_ids":[3,4],"comment":"wants a discount"}}]})");
    ASSERT_EQ(actions.size(), 3u);
    EXPECT_EQ(actions[0].kind, BotAction::Kind::Reply);
    EXPECT_EQ(actions[0].text, "Hello");
    EXPECT_EQ(actions[1].text, "One moment");
    EXPECT_EQ(actions[2].kind, BotAction::Kind::HandOff);
    EXPECT_EQ(actions[2].handOff.queue, "sales");
    EXPECT_EQ(actions[2].handOff.priority, 70);
    EXPECT_EQ(actions[2].handOff.topics, (std::vector<std::int64_t>{3, 4}));
    EXPECT_EQ(actions[2].handOff.comment, "wants a discount");

    const auto close = parseBotAnswer(R"({"actions":[{"reply":"Bye"},{"close":{"resolution":"answered"}}]})");
    ASSERT_EQ(close.size(), 2u);
    EXPECT_EQ(close[1].kind, BotAction::Kind::Close);
    EXPECT_EQ(close[1].resolution, "answered");
}

TEST(BotAnswer, EverythingIsOptional) {
    EXPECT_TRUE(parseBotAnswer("").empty());
    EXPECT_TRUE(parseBotAnswer("  \n").empty());
    EXPECT_TRUE(parseBotAnswer("{}").empty());
    EXPECT_TRUE(parseBotAnswer(R"({"ok":true,"actions":null})").empty());
    EXPECT_TRUE(parseBotAnswer(R"({"actions":[]})").empty());
    const auto bare = parseBotAnswer(R"({"actions":[{"handoff":{}}]})");
    ASSERT_EQ(bare.size(), 1u);
    EXPECT_TRUE(bare[0].handOff.queue.empty());
    EXPECT_FALSE(bare[0].handOff.priority.has_value());
    EXPECT_EQ(parseBotAnswer(R"({"actions":[{"close":null}]})").at(0).kind, BotAction::Kind::Close);
}

TEST(BotAnswer, GarbageIsAnError) {
    EXPECT_NE(errorOf("<html><body>Bad gateway</body></html>").find("not JSON"), std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"reply":"cut off)").find("not JSON"), std::string::npos);
    EXPECT_NE(errorOf("[1,2,3]").find("not a JSON object"), std::string::npos);
    EXPECT_FALSE(errorOf("\"ok\"").empty());  // POCO's parser refuses a bare scalar itself
    EXPECT_FALSE(errorOf("null").empty());
}

TEST(BotAnswer, AWrongShapeNamesTheField) {
    EXPECT_NE(errorOf(R"({"actions":{"reply":"x"}})").find("'actions' must be an array"), std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":["reply"]})").find("'actions[0]' must be an object"), std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"dance":{}}]})").find("'actions[0].dance' is not an action"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"reply":"a","close":{}}]})").find("exactly one"), std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"reply":"  "}]})").find("'actions[0].reply' must not be blank"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"reply":42}]})").find("'actions[0].reply' must be a string"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"reply":"a"},{"handoff":{"priority":101}}]})")
                  .find("'actions[1].handoff.priority' must be an integer from 0 to 100"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"handoff":{"priority":"high"}}]})").find("priority"), std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"handoff":{"topic_ids":[1,0]}}]})")
                  .find("'actions[0].handoff.topic_ids[1]' must be a positive integer"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"handoff":{"queue":"sales"}}]})")
                  .find("'actions[0].handoff.queue' is not a known field"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"close":{"resolution":7}}]})").find("'actions[0].close.resolution'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"close":"now"}]})").find("'actions[0].close' must be an object"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"reply":")" + std::string(maxReplyBytes + 1, 'x') + R"("}]})")
                  .find("at most"),
              std::string::npos);
}

TEST(BotAnswer, NothingFollowsAHandOffOrAClose) {
    EXPECT_NE(errorOf(R"({"actions":[{"close":{}},{"reply":"after"}]})").find("'actions[1]': nothing may follow"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"actions":[{"handoff":{}},{"close":{}}]})").find("nothing may follow"), std::string::npos);
}

}  // namespace
}  // namespace omnigate::chatbot
