// Who made a change or calls a route: kept in the status history and in events, and what the HTTP server hands a
// route's handler once the route's declared access let the request through.
#pragma once

#include <string>
#include <utility>

namespace omnigate {

struct Actor {
    // A constructor rather than an aggregate: most actors name a kind and an id only, and the rest stay empty
    // without every brace list spelling them out.
    Actor(std::string kind = "system", std::string id = "", std::string user = "", std::string workplace = "")
        : kind(std::move(kind)), id(std::move(id)), user(std::move(user)), workplace(std::move(workplace)) {}

    std::string kind;  // client, operator, user, admin, integration, system, bot, anonymous
    std::string id;    // the operator's id for an operator; the login for a user
    // A signed-in user: their login (also for kind operator), and the workplace they signed in at.
    std::string user;
    std::string workplace;
    // True when a signed-in operator was admitted by the own form of the route's permission (Ownership::Caller):
    // the handler shows and lets them touch only what operator `id` is offered or holds.
    bool ownOnly = false;
    // A signed-in user's operator, whichever way they were admitted (kind user when the route's permission is held
    // in full): what is theirs as an operator, such as personal templates, follows them there too.
    std::string operatorId;
};

}  // namespace omnigate
