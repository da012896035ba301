#include "api/audit_trail.h"

#include "store/audit_store.h"

namespace omnigate::audit {

void record(DbSession& session, const Actor& actor, const HttpRequest& request, const std::string& action,
            const std::string& target, Poco::JSON::Object::Ptr before, Poco::JSON::Object::Ptr after) {
    AuditEntry entry;
    entry.actor = actor;
    entry.address = request.clientIp;
    entry.action = action;
    entry.target = target;
    entry.before = std::move(before);
    entry.after = std::move(after);
    AuditStore(session).append(entry);
}

}  // namespace omnigate::audit
