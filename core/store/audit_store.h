// The SQL of the audit log: who did what, when, from where, with the state before and after. Appended inside the
// job that makes the change, so a change and its record commit together or not at all.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/actor.h"

namespace omnigate {

struct AuditEntry {
    std::int64_t id = 0;
    std::string at;  // ISO 8601; set by append
    Actor actor;
    std::string address;  // the client's IP address
    std::string action;   // "auth.sign_in", "user.updated", "PATCH /api/v1/queues/{id}"…
    std::string target;   // "user:12", "queue:support"…
    Poco::JSON::Object::Ptr before;  // null: nothing before (a creation)
    Poco::JSON::Object::Ptr after;   // null: nothing after (a removal)
};

struct AuditFilter {
    std::string from;  // DATETIME(3) text, inclusive; empty: no bound
    std::string to;
    std::string actorKind;
    std::string actorId;
    std::string actionPrefix;  // "auth." matches every sign-in record
    std::string target;
    std::int64_t beforeId = 0;  // keyset paging, newest first; 0: from the newest
    std::size_t limit = 100;
};

class AuditStore {
public:
    explicit AuditStore(DbSession& session) : session_(session) {}

    void append(const AuditEntry& entry);
    // Newest first, limit + 1 rows at most (the caller tells from the extra row whether a page follows).
    std::vector<AuditEntry> list(const AuditFilter& filter);
    // Deletes entries older than `days` days, at most `batch` of them; the number deleted.
    int purgeOlderThan(int days, int batch);

private:
    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const AuditEntry& entry);

}  // namespace omnigate
