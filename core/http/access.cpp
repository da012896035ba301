#include "http/access.h"

namespace omnigate {

namespace {

struct Named {
    Permission permission;
    const char* name;
};

const Named kNames[] = {
    {Permission::InteractionsRead, "interactions:read"},
    {Permission::InteractionsWrite, "interactions:write"},
    {Permission::InteractionsHandle, "interactions:handle"},
    {Permission::InteractionsSupervise, "interactions:supervise"},
    {Permission::ClientsRead, "clients:read"},
    {Permission::ClientsWrite, "clients:write"},
    {Permission::ClientsMerge, "clients:merge"},
    {Permission::OperatorsStatus, "operators:status"},
    {Permission::CatalogsRead, "catalogs:read"},
    {Permission::CatalogsWrite, "catalogs:write"},
    {Permission::UsersManage, "users:manage"},
    {Permission::TokensManage, "tokens:manage"},
    {Permission::AuditRead, "audit:read"},
    {Permission::SegmentsRead, "segments:read"},
    {Permission::FilesManage, "files:manage"},
    {Permission::OffersManage, "offers:manage"},
    {Permission::CampaignsManage, "campaigns:manage"},
};

const char* ownershipSuffix(Ownership ownership) {
    switch (ownership) {
        case Ownership::None: return "";
        case Ownership::Interaction: return ", own interaction";
        case Ownership::Client: return ", own client";
        case Ownership::Operator: return ", own operator";
        case Ownership::Caller: return ", own";
    }
    return "";
}

}  // namespace

const char* toString(Permission permission) {
    for (const Named& named : kNames) {
        if (named.permission == permission) return named.name;
    }
    return "";
}

std::optional<Permission> parsePermission(const std::string& name) {
    for (const Named& named : kNames) {
        if (name == named.name) return named.permission;
    }
    return std::nullopt;
}

const std::vector<Permission>& allPermissions() {
    static const std::vector<Permission> all = [] {
        std::vector<Permission> list;
        for (const Named& named : kNames) list.push_back(named.permission);
        return list;
    }();
    return all;
}

std::string Access::describe() const {
    switch (kind_) {
        case Kind::Open: return "open";
        case Kind::Monitoring: return "monitoring";
        case Kind::Permitted: return std::string(toString(permission_)) + ownershipSuffix(ownership_);
        case Kind::Plugin: return "plugin";
        case Kind::SignedIn: return "signed-in";
    }
    return "";
}

}  // namespace omnigate
