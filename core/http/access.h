// Who may call a route, as the route table declares it. Every route is registered with its Access, and the HTTP
// server asks the RouteGuard to admit each request against it before the handler runs, so what a route says and
// what is checked cannot drift apart; the daemon logs each route with its access at start-up.
#pragma once

#include <string>

namespace omnigate {

enum class Scope {
    Admin,              // the admin token only; never granted to an API token
    InteractionsRead,   // list and read interactions and their messages
    InteractionsWrite,  // start outbound interactions, reply in one
    ClientsRead,        // search and read clients and their interactions
    ClientsWrite,       // create clients, edit their cards
};

const char* toString(Scope scope);

class Access {
public:
    enum class Kind {
        Open,        // anyone: probes; the Actor is {monitoring} for a caller Monitoring would admit
        Monitoring,  // scrapers: the http.metrics_token (or the admin token) once one is configured, else anyone
        Scoped,      // the admin token, or an API token granted the scope; Scope::Admin: the admin token only
        Plugin,      // a plugin's route: the plugin checks its own credentials (a visitor's or a bot's token, a
                     // provider's signature, the admin token); a valid API token is refused before the plugin runs
    };

    static Access open() { return Access(Kind::Open, Scope::Admin); }
    static Access monitoring() { return Access(Kind::Monitoring, Scope::Admin); }
    static Access scoped(Scope scope) { return Access(Kind::Scoped, scope); }
    static Access admin() { return scoped(Scope::Admin); }
    static Access plugin() { return Access(Kind::Plugin, Scope::Admin); }

    Kind kind() const { return kind_; }
    Scope scope() const { return scope_; }  // meaningful for Kind::Scoped only

    // "open", "monitoring", "plugin", or the scope: "admin", "interactions:read"…
    std::string describe() const;

private:
    Access(Kind kind, Scope scope) : kind_(kind), scope_(scope) {}

    Kind kind_;
    Scope scope_;
};

}  // namespace omnigate
