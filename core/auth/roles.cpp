#include "auth/roles.h"

#include <algorithm>

namespace omnigate {

namespace {

using P = Permission;

PermissionSet operatorRole() {
    // Their own work: the interactions offered to or held by them, those clients' cards and history, their own
    // status and figures; the catalogs to pick a topic, a break reason, a queue or a colleague to transfer to.
    PermissionSet set;
    for (P p : {P::InteractionsRead, P::InteractionsWrite, P::InteractionsHandle, P::ClientsRead, P::ClientsWrite,
                P::OperatorsStatus}) {
        set.grantOwn(p);
    }
    set.grant(P::CatalogsRead);
    return set;
}

PermissionSet supervisorRole() {
    // Everything operational, on every interaction, client and operator.
    PermissionSet set;
    for (P p : {P::InteractionsRead, P::InteractionsWrite, P::InteractionsHandle, P::InteractionsSupervise,
                P::ClientsRead, P::ClientsWrite, P::ClientsMerge, P::OperatorsStatus, P::CatalogsRead}) {
        set.grant(p);
    }
    return set;
}

PermissionSet businessAdminRole() {
    // The configuration of the centre: catalogs, routing, users, tokens, the file store, and the audit of all of it.
    PermissionSet set;
    for (P p : {P::CatalogsRead, P::CatalogsWrite, P::UsersManage, P::TokensManage, P::AuditRead, P::FilesManage}) {
        set.grant(p);
    }
    return set;
}

PermissionSet marketerRole() {
    // The marketing: client segments, the offers operators propose and the campaigns; the catalogs to pick a
    // template or topic.
    PermissionSet set;
    for (P p : {P::SegmentsRead, P::OffersManage, P::CampaignsManage, P::CatalogsRead}) set.grant(p);
    return set;
}

}  // namespace

const std::vector<std::string>& knownRoles() {
    static const std::vector<std::string> roles{"operator", "supervisor", "business_admin", "marketer"};
    return roles;
}

bool isRole(const std::string& name) {
    const auto& roles = knownRoles();
    return std::find(roles.begin(), roles.end(), name) != roles.end();
}

PermissionSet permissionsOf(const std::vector<std::string>& roles) {
    PermissionSet set;
    for (const std::string& role : roles) {
        if (role == "operator") set += operatorRole();
        if (role == "supervisor") set += supervisorRole();
        if (role == "business_admin") set += businessAdminRole();
        if (role == "marketer") set += marketerRole();
    }
    return set;
}

}  // namespace omnigate
