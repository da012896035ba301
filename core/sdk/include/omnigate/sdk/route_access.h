// Who may call a plugin's route when the core guards it (PluginHost::addGuardedRoute): the same permissions, and
// the same own form of them, as the core's own routes, so a plugin's page in the console is opened by the roles
// that open the core's. Which role holds which permission is the table in docs/security.md ("Who may do what").
#pragma once

namespace omnigate {

// What a route needs. A role holds a permission fully (on everything) or in its own form (only on what the user
// owns, see Ownership); an API token holds the grantable ones it was given, fully; the admin token holds all.
enum class Permission {
    InteractionsRead,       // list and read interactions and their messages           (grantable)
    InteractionsWrite,      // start outbound interactions, reply in one                (grantable)
    InteractionsHandle,     // the lifecycle: accept, decline, transfer, close, status, topics, rating…
    InteractionsSupervise,  // the unified queue, exports, assign, mass operations, any operator's work
    ClientsRead,            // search and read clients and their interactions           (grantable)
    ClientsWrite,           // create clients, edit their cards                         (grantable)
    ClientsMerge,           // addresses, merging clients, moving an interaction to another client
    OperatorsStatus,        // an operator's status and its history
    CatalogsRead,           // queues, operator groups, operators, topics, break reasons
    CatalogsWrite,          // every routing catalog, rules, auto-replies, spam words, the blacklist
    UsersManage,            // users, branches, workplaces
    TokensManage,           // integration API tokens
    AuditRead,              // the audit log
    SegmentsRead,           // client segments (marketing)
    FilesManage,            // the file store: every file with its uses, deleting one, the quota
    OffersManage,           // marketing offers: create, edit, schedule, retire, and their results
    CampaignsManage,        // outbound campaigns: create, launch, pause, cancel, their results; clients' opt-outs
};

// What a user holding only the own form of the route's permission must own for the route to admit them.
enum class Ownership {
    None,         // nothing: the own form is not enough
    Interaction,  // the interaction {id} in the path is offered to or held by their operator
    Client,       // the client {id} in the path has an interaction offered to or held by their operator
    Operator,     // the operator {id} in the path is their own
    Caller,       // the handler keeps them to their own (a list filtered to their operator, or a new interaction
                  // that their operator will hold); it reads Actor::ownOnly. The core's routes only: a plugin's
                  // handler is not told who calls, so addGuardedRoute refuses it
};

struct RouteAccess {
    Permission permission;
    Ownership ownership = Ownership::None;
};

}  // namespace omnigate
