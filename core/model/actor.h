// Who made a change or calls a route: kept in the status history and in events, and what the HTTP server hands a
// route's handler once the route's declared access let the request through.
#pragma once

#include <string>

namespace omnigate {

struct Actor {
    std::string kind = "system";  // client, operator, user, admin, integration, system, bot, anonymous
    std::string id;               // the operator's id for an operator; the login for a user
    // A signed-in user: their login (also for kind operator), and the workplace they signed in at.
    std::string user;
    std::string workplace;
    // True when a signed-in operator was admitted by the own form of the route's permission (Ownership::Caller):
    // the handler shows and lets them touch only what operator `id` is offered or holds.
    bool ownOnly = false;
};

}  // namespace omnigate
