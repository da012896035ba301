// The business administrator's /api/v1/users: who may sign in, with which roles, as which operator, in which
// branch. Users are deactivated, never deleted (the audit log and the status history keep naming them); a
// deactivation or a role change takes effect at the user's next request, and ends their sessions.
#pragma once

#include <functional>
#include <string>

#include "api/authenticator.h"
#include "api/mqtt_sessions.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "store/user_store.h"

namespace omnigate {

class UsersApi {
public:
    // Routing's way to make an operator offline (the daemon wires RoutingService in: the API sits below it here).
    using TakeOffline = std::function<void(const std::string& operatorId, const Actor& by)>;

    UsersApi(Authenticator& authenticator, WriteBatcher& writer, ConnectionPool& pool, MqttSessions& mqtt,
             TakeOffline takeOffline);

    void registerRoutes(Router& router);

    // What POST /users checks, for users the config seeds: 400 naming the field.
    static void validate(const User& user);

private:
    HttpResponse list();
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request, const Actor& actor);
    HttpResponse update(const HttpRequest& request, const Actor& actor);

    Authenticator& authenticator_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
    MqttSessions& mqtt_;
    TakeOffline takeOffline_;
};

}  // namespace omnigate
