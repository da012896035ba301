#include "model/interaction_status.h"

#include <algorithm>
#include <map>

namespace omnigate {

namespace {

using S = InteractionStatus;

struct Name {
    S status;
    const char* text;
};

constexpr Name kNames[] = {
    {S::New, "new"},         {S::Queued, "queued"},       {S::Offered, "offered"}, {S::Assigned, "assigned"},
    {S::Waiting, "waiting"}, {S::Postponed, "postponed"}, {S::Transferred, "transferred"},
    {S::Closed, "closed"},   {S::Blocked, "blocked"},     {S::Spam, "spam"},           {S::Bot, "bot"},
};

// The table. Closed is final: a client writing again gets a new interaction linked to the closed one. Waiting goes
// back to the queue when the client answers and their operator is not ready (routing). Transferred is an offer made
// by a person (to a colleague): accepted it is assigned, declined or lapsed it returns to the queue. Bot: a chatbot
// holds it (bot-first queues) until it hands it to people (queued), a supervisor assigns it, or it is closed.
const std::map<S, std::vector<S>>& table() {
    static const std::map<S, std::vector<S>> transitions{
        {S::New,
         {S::Queued, S::Offered, S::Assigned, S::Postponed, S::Transferred, S::Closed, S::Blocked, S::Spam, S::Bot}},
        {S::Queued,
         {S::Offered, S::Assigned, S::Postponed, S::Transferred, S::Closed, S::Blocked, S::Spam, S::Bot}},
        {S::Offered, {S::Queued, S::Assigned, S::Transferred, S::Closed}},
        {S::Assigned, {S::Waiting, S::Postponed, S::Transferred, S::Queued, S::Closed}},
        {S::Waiting, {S::Assigned, S::Queued, S::Postponed, S::Transferred, S::Closed}},
        {S::Postponed, {S::Queued, S::Assigned, S::Transferred, S::Closed}},
        {S::Transferred, {S::Queued, S::Offered, S::Assigned, S::Closed}},
        {S::Closed, {}},
        {S::Blocked, {S::New, S::Closed}},
        {S::Spam, {S::New, S::Closed}},
        {S::Bot, {S::Queued, S::Assigned, S::Closed}},
    };
    return transitions;
}

}  // namespace

const char* toString(InteractionStatus status) {
    for (const Name& n : kNames) {
        if (n.status == status) return n.text;
    }
    return "new";
}

std::optional<InteractionStatus> parseInteractionStatus(const std::string& text) {
    for (const Name& n : kNames) {
        if (text == n.text) return n.status;
    }
    return std::nullopt;
}

std::vector<InteractionStatus> allInteractionStatuses() {
    std::vector<InteractionStatus> all;
    for (const Name& n : kNames) all.push_back(n.status);
    return all;
}

const std::vector<InteractionStatus>& allowedTransitions(InteractionStatus from) { return table().at(from); }

bool canTransition(InteractionStatus from, InteractionStatus to) {
    const auto& allowed = allowedTransitions(from);
    return std::find(allowed.begin(), allowed.end(), to) != allowed.end();
}

// Blocked and spam interactions stay open too: further messages from that sender collect there instead of
// opening one more interaction each.
bool isOpen(InteractionStatus status) { return status != S::Closed; }

}  // namespace omnigate
