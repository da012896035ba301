#include "http/access.h"

namespace omnigate {

const char* toString(Scope scope) {
    switch (scope) {
        case Scope::Admin: return "admin";
        case Scope::InteractionsRead: return "interactions:read";
        case Scope::InteractionsWrite: return "interactions:write";
        case Scope::ClientsRead: return "clients:read";
        case Scope::ClientsWrite: return "clients:write";
    }
    return "";
}

std::string Access::describe() const {
    switch (kind_) {
        case Kind::Open: return "open";
        case Kind::Monitoring: return "monitoring";
        case Kind::Scoped: return toString(scope_);
        case Kind::Plugin: return "plugin";
    }
    return "";
}

}  // namespace omnigate
