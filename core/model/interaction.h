// An interaction [обращение]: one conversation with a client on one channel account, from its first message to
// its resolution. Routing (queue, operator, priority) and reports (times, rating) read these fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/interaction_status.h"
#include "omnigate/sdk/messages.h"

namespace omnigate {

enum class InteractionKind { Private, Public };  // public: a VK wall comment answered in public

struct Interaction {
    std::int64_t id = 0;
    std::string channel;
    std::string account;
    InteractionKind kind = InteractionKind::Private;
    std::int64_t clientId = 0;
    Address address;  // where the conversation runs
    std::string threadKey;
    std::string subject;
    InteractionStatus status = InteractionStatus::New;
    std::string queue;
    std::string operatorId;
    int priority = 0;
    double priorityStep = 0;          // priority added per minute of waiting (from the rule that queued it)
    std::int64_t routingRuleId = 0;   // that rule; 0 when the queue took it by default or a person put it there
    std::vector<std::int64_t> topics;
    std::string resolution;
    std::string postponedUntil;
    std::int64_t previousInteractionId = 0;  // the closed interaction this one continues
    std::string createdAt;
    std::string updatedAt;
    std::string firstResponseAt;
    std::string closedAt;
    std::optional<int> rating;
    std::string ratingComment;
    std::string ratingRequestedAt;  // set when the client was asked to rate; their digit reply is the rating
    std::string queuedAt;           // its place in line: first queued; kept when it returns or overflows
    std::string queueEnteredAt;     // entered its current queue: the queue's maximum wait counts from here
    std::string offerExpiresAt;     // while offered
    std::string declinedBy;         // the operator who declined or missed the last offer
    std::string acceptedAt;         // handling time runs from here
    std::string bot;                // in status bot: the chatbot integration whose bot got it (empty: none yet)
    std::int64_t campaignId = 0;    // the campaign whose message it answers (docs/campaigns.md); 0: none
    int version = 1;
};

}  // namespace omnigate
