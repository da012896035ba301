// The typed settings of the chatbot hand-off. Read and range-checked once at load time, so the worker and the REST
// handlers only ever see valid values, and a mistake in the file is reported with its position before the daemon
// serves anything.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "omnigate/sdk/config_node.h"

namespace omnigate::chatbot {

struct ChatbotConfig {
    std::string id;                             // the entry's id: the {integration} of the bot's REST paths
    std::string botUrl;                         // where conversation.started and message.created are POSTed
    std::string secret;                         // signs those webhooks (X-Omnigate-Signature)
    std::string botToken;                       // what the bot presents (Bearer) when it calls us
    std::chrono::milliseconds timeout{5000};    // one webhook call, connect included
    std::size_t historyLimit = 20;              // messages sent along with each webhook
    std::size_t maxResponseBytes = 65536;       // a larger synchronous answer is a failure, not read to the end
    // The bot-first queues this bot answers; empty: every one (only when it is the sole chatbot entry).
    std::vector<std::string> queues;

    bool serves(const std::string& queue) const;
};

// Reads `integrations: [{type: chatbot, id: …, settings: {…}}]`. Throws ConfigError (file, line, column, key path)
// on a missing, mistyped, out-of-range or unknown key.
ChatbotConfig parseChatbotConfig(const std::string& id, const ConfigNode& settings);

}  // namespace omnigate::chatbot
