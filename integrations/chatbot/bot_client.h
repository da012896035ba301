// The webhook call to the bot. The bot is outside our control: it may hang, drip bytes, redirect, answer HTML or
// gigabytes, and a client is waiting meanwhile. Every call is bounded in time (the whole request, connect
// included) and in the size of the answer; anything but a 2xx within both is a BotCallError, and the caller hands
// the interaction to people.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>

#include "chatbot_config.h"

namespace omnigate::chatbot {

class BotCallError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class BotClient {
public:
    explicit BotClient(const ChatbotConfig& config);

    // POSTs `body` to bot_url, signed with the headers X-Omnigate-Event (`event`), X-Omnigate-Delivery
    // (`deliveryId`), X-Omnigate-Timestamp and X-Omnigate-Signature. Returns the body of the bot's 2xx answer;
    // throws BotCallError on a timeout, a transport error, another status, or an answer over max_response_bytes.
    // `cancel` set aborts the call at once (the plugin is stopping).
    std::string post(const std::string& event, const std::string& deliveryId, const std::string& body,
                     const std::atomic<bool>& cancel) const;

private:
    const ChatbotConfig& config_;
};

}  // namespace omnigate::chatbot
