// Signing in: /api/v1/auth/login, refresh, logout and me. A sign-in answers a short-lived access token (a JWT, see
// auth/access_tokens.h) and an opaque refresh token kept only as its SHA-256; each refresh uses its token up and
// answers the next one, and presenting a used one again revokes the whole session (someone copied it). Failed
// sign-ins are throttled per login and address, and never tell whether the login exists. With auth.ldap, a login
// that is not a local user's is checked against the directory, which sets the user's roles at every sign-in.
#pragma once

#include "api/authenticator.h"
#include "api/mqtt_sessions.h"
#include "auth/ldap_directory.h"
#include "auth/login_throttle.h"
#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "routing/routing_service.h"
#include "store/user_store.h"

namespace omnigate {

class AuthApi {
public:
    // `directory` may be null: local users only.
    AuthApi(const AuthConfig& config, Authenticator& authenticator, RoutingService& routing, WriteBatcher& writer,
            ConnectionPool& pool, const LdapDirectory* directory, MqttSessions& mqtt);

    void registerRoutes(Router& router);
    // Ends the sessions whose refresh token expired unused (nobody signed out): their broker accounts are deleted,
    // then the session is marked revoked; one whose account the broker could not delete stays for the next sweep.
    // Answers how many ended. Called every auth.session_sweep_seconds.
    int endExpiredSessions();

private:
    HttpResponse login(const HttpRequest& request);
    HttpResponse refresh(const HttpRequest& request);
    HttpResponse logout(const HttpRequest& request, const Actor& actor);
    HttpResponse me(const HttpRequest& request);
    // The directory's answer for a login with no local password: the user as stored after it (created or updated
    // with the directory's name, mail and roles), nullopt for wrong credentials. 503 when the directory is down;
    // 403 when it makes them an operator and no routing operator has their login.
    std::optional<User> signInWithDirectory(const std::string& login, const std::string& password,
                                            const std::optional<User>& known);

    const AuthConfig& config_;
    Authenticator& authenticator_;
    RoutingService& routing_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
    const LdapDirectory* directory_;
    MqttSessions& mqtt_;
    LoginThrottle throttle_;
};

}  // namespace omnigate
