// The four roles of the product we replace and the permissions each holds: the table docs/security.md shows
// ("Who may do what"). The only place a role becomes permissions; the route table says which permission a route
// needs, so together they decide every request.
#pragma once

#include <string>
#include <vector>

#include "auth/permission_set.h"

namespace omnigate {

// operator, supervisor, business_admin, marketer.
const std::vector<std::string>& knownRoles();
bool isRole(const std::string& name);

// The union of what the roles hold; unknown names hold nothing.
PermissionSet permissionsOf(const std::vector<std::string>& roles);

}  // namespace omnigate
