// Loading the chatbot with several entries: each must name the bot-first queues its bot answers, and no queue may
// have two bots; a sole entry answers every bot-first queue as before. The routes are registered once for all.
#include <gtest/gtest.h>

#include "chatbot_plugin.h"
#include "fake_host.h"

namespace omnigate::chatbot {
namespace {

AccountConfig entry(const std::string& id, const std::string& extra = "") {
    const std::string yaml = "settings:\n"
                             "  bot_url: http://bot.example/" + id + "\n"
                             "  secret: webhook-secret-0123456789\n"
                             "  bot_token: bot-token-of-" + id + "-0123456789\n" + extra;
    return {id, ConfigNode::parseString(yaml, "test.yaml")["settings"]};
}

LoadResult load(const std::vector<AccountConfig>& entries, test::FakeHost& host) {
    host.entries = entries;
    ChatbotPlugin plugin;
    return plugin.load(host);
}

TEST(ChatbotPlugin, SeveralBotsEachNameTheirOwnQueues) {
    test::FakeHost sole;
    EXPECT_EQ(load({entry("support-bot")}, sole).code, LoadResult::Code::Success);

    test::FakeHost unnamed;
    const LoadResult missing = load({entry("a", "  queues: [sales]\n"), entry("b")}, unnamed);
    EXPECT_EQ(missing.code, LoadResult::Code::Failure);
    EXPECT_NE(missing.message.find("'b' names no `queues`"), std::string::npos) << missing.message;

    test::FakeHost shared;
    const LoadResult twice = load({entry("a", "  queues: [sales, vip]\n"), entry("b", "  queues: [vip]\n")}, shared);
    EXPECT_EQ(twice.code, LoadResult::Code::Failure);
    EXPECT_NE(twice.message.find("the queue 'vip' is named by the chatbots 'a' and 'b'"), std::string::npos)
        << twice.message;

    test::FakeHost two;
    EXPECT_EQ(load({entry("a", "  queues: [sales]\n"), entry("b", "  queues: [vip]\n")}, two).code,
              LoadResult::Code::Success);
    EXPECT_EQ(two.routes.size(), 4u) << "one set of routes, the {integration} telling the bots apart";
}

}  // namespace
}  // namespace omnigate::chatbot
