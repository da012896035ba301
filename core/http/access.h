// Who may call a route, as the route table declares it. Every route is registered with its Access, and the HTTP
// server asks the RouteGuard to admit each request against it before the handler runs, so what a route says and
// what is checked cannot drift apart; the daemon logs each route with its access at start-up. The permissions, and
// which role holds which, are the table in docs/security.md ("Who may do what").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "omnigate/sdk/route_access.h"

namespace omnigate {

const char* toString(Permission permission);
std::optional<Permission> parsePermission(const std::string& name);
const std::vector<Permission>& allPermissions();

class Access {
public:
    enum class Kind {
        Open,        // anyone: probes; the Actor is {monitoring} for a caller Monitoring would admit
        Monitoring,  // scrapers: the http.metrics_token (or the admin token) once one is configured, else anyone
        Permitted,   // a caller holding the permission: the admin token, a user by their roles, an API token
        Plugin,      // a plugin's route: the plugin checks its own credentials (a visitor's or a bot's token, a
                     // provider's signature, the admin token); a valid API token or user token is refused first
        SignedIn,    // any signed-in user, for their own session (GET /auth/me, logout)
    };

    static Access open() { return Access(Kind::Open); }
    static Access monitoring() { return Access(Kind::Monitoring); }
    static Access needs(Permission permission, Ownership ownership = Ownership::None) {
        Access access(Kind::Permitted);
        access.permission_ = permission;
        access.ownership_ = ownership;
        return access;
    }
    static Access needs(RouteAccess access) { return needs(access.permission, access.ownership); }
    static Access plugin() { return Access(Kind::Plugin); }
    static Access signedIn() { return Access(Kind::SignedIn); }

    Kind kind() const { return kind_; }
    Permission permission() const { return permission_; }  // meaningful for Kind::Permitted only
    Ownership ownership() const { return ownership_; }

    // "open", "monitoring", "plugin", "signed-in", or the permission and what its own form needs:
    // "catalogs:write", "interactions:read, own interaction".
    std::string describe() const;

private:
    explicit Access(Kind kind) : kind_(kind) {}

    Kind kind_;
    Permission permission_ = Permission::InteractionsRead;
    Ownership ownership_ = Ownership::None;
};

}  // namespace omnigate
