// The bot's side of a conversation: takes the durable queue of interaction.updated and message.created events
// (IntegrationHost::subscribeEvents), tells the bot when an interaction comes to it (conversation.started) and when its
// client writes again (message.created), and carries out what the bot answers at once. When the bot fails (timeout,
// error status, connection refused, garbage, a body too large) the interaction goes to people at once instead of
// waiting out the bot's clock. It also follows every interaction in and out of status bot for the counts.
#pragma once

#include <cstdint>
#include <string>

#include "bot_answer.h"
#include "bot_client.h"
#include "bot_stats.h"
#include "chatbot_config.h"
#include "omnigate/sdk/bot_host.h"
#include "omnigate/sdk/polling_thread.h"

namespace omnigate::chatbot {

class ConversationWorker {
public:
    ConversationWorker(BotHost& host, const ChatbotConfig& config, BotStats& stats, std::string sink);
    ~ConversationWorker();

    void start();  // subscribes the sink and starts the thread
    void stop();   // aborts running calls and joins the thread

    // One round: leases due deliveries and handles them (concurrently: they are of different interactions).
    // Returns how many it leased. For the thread and tests.
    std::size_t processOnce();
    // One event; throws only when the store fails (the delivery is retried then).
    void handle(const EventDelivery& delivery);

private:
    void process(const EventDelivery& delivery);
    void onInteractionUpdated(const EventDelivery& delivery, const Poco::JSON::Object::Ptr& data);
    void onMessageCreated(const EventDelivery& delivery, const Poco::JSON::Object::Ptr& data);
    // Calls the bot and does what it answers; on its failure gives the interaction to people.
    void callBot(std::int64_t interactionId, const std::string& event, const std::string& deliveryId,
                 const std::string& body);
    void perform(std::int64_t interactionId, const std::vector<BotAction>& actions);
    void handToPeople(std::int64_t interactionId, const std::string& why);
    // The interaction's current status, or "" when there is none.
    std::string statusOf(std::int64_t interactionId, std::string* json = nullptr);

    BotHost& host_;
    const ChatbotConfig& config_;
    BotStats& stats_;
    BotClient client_;
    std::string sink_;

    PollingThread loop_;
};

}  // namespace omnigate::chatbot
