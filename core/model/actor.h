// Who made a change or calls a route: kept in the status history and in events, and what the HTTP server hands a
// route's handler once the route's declared access let the request through.
#pragma once

#include <string>

namespace omnigate {

struct Actor {
    std::string kind = "system";  // client, operator, admin, integration, system, bot, anonymous
    std::string id;
};

}  // namespace omnigate
