// The REST the bot calls to act on what it holds (reply, hand off, close), authenticated with the bot_token of its
// integration, and the counts for administrators. The host refuses (409 not_held_by_bot) whatever the bot does
// to an interaction that is not with it, or is with another integration's bot; that answer goes back as it is.
//   POST /api/v1/integrations/chatbot/{integration}/interactions/{id}/messages  {text}
//   POST /api/v1/integrations/chatbot/{integration}/interactions/{id}/handoff   {queue_id?, priority?, topic_ids?, comment?}
//   POST /api/v1/integrations/chatbot/{integration}/interactions/{id}/close     {resolution?}
//   GET  /api/v1/integrations/chatbot/{integration}/stats                       (admin token)
#pragma once

#include <vector>

#include "bot_stats.h"
#include "chatbot_config.h"
#include "omnigate/sdk/bot_host.h"
#include "omnigate/sdk/http.h"

namespace omnigate::chatbot {

class BotApi {
public:
    // One for every entry: the routes are the same, {integration} says whose bot calls.
    BotApi(BotHost& host, const std::vector<ChatbotConfig>& configs, BotStats& stats);

    void registerRoutes();

    HttpResponse reply(const HttpRequest& request);
    HttpResponse handOff(const HttpRequest& request);
    HttpResponse close(const HttpRequest& request);
    HttpResponse stats(const HttpRequest& request);

private:
    // The integration known (404) and its bot's token checked (401); the interaction id of the path.
    std::int64_t authorize(const HttpRequest& request, const ChatbotConfig*& config) const;
    const ChatbotConfig& requireIntegration(const HttpRequest& request) const;
    HttpResponse interactionResponse(std::int64_t id);

    BotHost& host_;
    const std::vector<ChatbotConfig>& configs_;
    BotStats& stats_;
};

}  // namespace omnigate::chatbot
