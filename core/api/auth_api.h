// Signing in: /api/v1/auth/login, refresh, logout and me. A sign-in answers a short-lived access token (a JWT, see
// auth/access_tokens.h) and an opaque refresh token kept only as its SHA-256; each refresh uses its token up and
// answers the next one, and presenting a used one again revokes the whole session (someone copied it). Failed
// sign-ins are throttled per login and address, and never tell whether the login exists.
#pragma once

#include "api/authenticator.h"
#include "auth/login_throttle.h"
#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "routing/routing_service.h"

namespace omnigate {

class AuthApi {
public:
    AuthApi(const AuthConfig& config, Authenticator& authenticator, RoutingService& routing, WriteBatcher& writer,
            ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse login(const HttpRequest& request);
    HttpResponse refresh(const HttpRequest& request);
    HttpResponse logout(const HttpRequest& request, const Actor& actor);
    HttpResponse me(const HttpRequest& request);

    const AuthConfig& config_;
    Authenticator& authenticator_;
    RoutingService& routing_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
    LoginThrottle throttle_;
};

}  // namespace omnigate
