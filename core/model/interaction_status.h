// The lifecycle of an interaction as a table: which status may follow which. Routing, operators and the
// pipeline all change statuses through it, so an illegal change is refused the same way everywhere (409, with
// the allowed ones named).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace omnigate {

enum class InteractionStatus {
    New,          // registered, not yet queued
    Queued,       // waiting in a queue for an operator
    Offered,      // offered to an operator, not yet accepted
    Assigned,     // an operator works on it (in progress)
    Waiting,      // waiting for the client's reply
    Postponed,    // put off until a time
    Transferred,  // handed to another queue or operator, not yet taken
    Closed,       // done, with a resolution; never reopened
    Blocked,      // from a black-listed address; never routed
    Spam,         // matched the spam words; never routed
    Bot,          // a chatbot answers it (a bot-first queue) until it hands it to people or closes it
};

const char* toString(InteractionStatus status);
std::optional<InteractionStatus> parseInteractionStatus(const std::string& text);
std::vector<InteractionStatus> allInteractionStatuses();

// The statuses `from` may change to.
const std::vector<InteractionStatus>& allowedTransitions(InteractionStatus from);
bool canTransition(InteractionStatus from, InteractionStatus to);

// Every status but closed: a client's new message joins such an interaction.
bool isOpen(InteractionStatus status);

}  // namespace omnigate
