#include "auth/permission_set.h"

namespace omnigate {

PermissionSet PermissionSet::everything() {
    PermissionSet all;
    for (Permission permission : allPermissions()) all.grant(permission);
    return all;
}

PermissionSet& PermissionSet::operator+=(const PermissionSet& other) {
    full_.insert(other.full_.begin(), other.full_.end());
    for (Permission permission : other.own_) own_.insert(permission);
    return *this;
}

std::vector<std::string> PermissionSet::names() const {
    std::vector<std::string> out;
    for (Permission permission : allPermissions()) {
        if (holds(permission)) {
            out.emplace_back(toString(permission));
        } else if (own_.count(permission) != 0) {
            out.push_back(std::string(toString(permission)) + ":own");
        }
    }
    return out;
}

}  // namespace omnigate
