// What a caller may do: each permission held fully (on everything) or in its own form (only on what the user
// owns). Computed from a user's roles at each request (core/auth/roles.h), from an API token's scopes, or all of
// them for the admin token.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "http/access.h"

namespace omnigate {

class PermissionSet {
public:
    static PermissionSet everything();

    void grant(Permission permission) { full_.insert(permission); }
    void grantOwn(Permission permission) { own_.insert(permission); }
    PermissionSet& operator+=(const PermissionSet& other);

    bool holds(Permission permission) const { return full_.count(permission) != 0; }
    // Held in its own form only (a fully held permission answers false).
    bool holdsOwnOnly(Permission permission) const { return !holds(permission) && own_.count(permission) != 0; }
    bool empty() const { return full_.empty() && own_.empty(); }

    // "interactions:read", "interactions:read:own"…, in the order of allPermissions(): what GET /auth/me lists.
    std::vector<std::string> names() const;

private:
    std::set<Permission> full_;
    std::set<Permission> own_;
};

}  // namespace omnigate
