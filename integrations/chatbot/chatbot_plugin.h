// The chatbot hand-off: interactions of bot-first queues go to a bot endpoint first (a signed webhook with the
// message and the history), the bot answers in its reply or through our REST (reply, hand off, close), and when it
// fails the interaction goes to people at once. One entry under `integrations:` per bot: a sole entry may answer
// every bot-first queue, several each name their own queues. A bot acts only on what its own entry holds.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bot_api.h"
#include "bot_stats.h"
#include "chatbot_config.h"
#include "conversation_worker.h"
#include "omnigate/sdk/plugin.h"

namespace omnigate::chatbot {

class ChatbotPlugin : public BotPlugin {
public:
    ChatbotPlugin();
    ~ChatbotPlugin() override;

    std::string name() const override { return "chatbot"; }
    LoadResult load(BotHost& host) override;
    void start() override;
    void stop() override;

private:
    BotHost* host_ = nullptr;
    std::vector<ChatbotConfig> configs_;  // filled once in load(): the API and the workers keep references
    std::unique_ptr<BotStats> stats_;
    std::unique_ptr<BotApi> api_;
    std::vector<std::unique_ptr<ConversationWorker>> workers_;
};

}  // namespace omnigate::chatbot
