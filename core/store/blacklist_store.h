// The SQL of the black list [черный список]: addresses whose messages are stored but never routed. Values are kept
// in the spelling normalizeAddress() gives, the one the pipeline compares with, so "+7 (912) 345-67-89" listed
// here blocks a message from "79123456789". Writes run in the caller's WriteBatcher job and add their event.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct BlacklistEntry {
    std::int64_t id = 0;
    std::string kind;  // phone, email, vk, whatsapp, webchat, or another channel's [a-z_]{1,32}
    std::string value;
    std::string reason;
    std::string createdAt;
};

struct BlacklistFilter {
    std::string kind;  // empty: any
    std::string text;  // empty: any; else a case-insensitive part of the value or the reason
};

class BlacklistStore {
public:
    explicit BlacklistStore(DbSession& session) : session_(session) {}

    // 400 naming 'kind' unless it is [a-z_]{1,32}.
    static void validateKind(const std::string& kind, const std::string& field = "kind");
    // The value as normalizeAddress() spells it; 400 naming 'value' when checkedAddress() refuses it, as it
    // would refuse the same value as a client's address.
    static std::string normalizeValue(const std::string& kind, const std::string& value);

    // Entries after the id `afterId`, oldest first, at most `limit`.
    std::vector<BlacklistEntry> list(const BlacklistFilter& filter, std::int64_t afterId, std::size_t limit);
    std::optional<BlacklistEntry> find(std::int64_t id, bool forUpdate = false);

    // Expects a validated kind and a normalised value; 409 naming the existing entry when listed already.
    BlacklistEntry add(const std::string& kind, const std::string& value, const std::string& reason);
    // 404 when there is no such entry.
    void remove(std::int64_t id);

private:
    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const BlacklistEntry& entry);

}  // namespace omnigate
