// How every catalog store (topics, queues, operators, groups, break reasons, routing rules, the black list, spam
// words, auto-replies) ends a removal, once it has found the entry (404 otherwise) and checked what may hold it
// back: the row is deleted, what hangs on it follows, and "<noun>.deleted" is announced on the catalog's topic in
// the same transaction. One place, so that no catalog deletes without telling, or tells before it deleted.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <string>

#include "db/db_session.h"

namespace omnigate {

struct CatalogTable {
    const char* table;  // keyed by its column id
    const char* topic;  // where the catalog's events go
};

// Deletes row `id` of `catalog`, runs `followUp` (what the deletion cascades to; its own events come first), then
// adds `eventType` carrying `announced`: the entry as it was, or deletedId(id).
void removeCatalogEntry(DbSession& session, const CatalogTable& catalog, std::int64_t id, const std::string& eventType,
                        const Poco::JSON::Object::Ptr& announced, const std::function<void()>& followUp = {});
void removeCatalogEntry(DbSession& session, const CatalogTable& catalog, const std::string& id,
                        const std::string& eventType, const Poco::JSON::Object::Ptr& announced,
                        const std::function<void()>& followUp = {});

// {"id": id}: what a deletion announces in catalogs whose events name the entry only.
Poco::JSON::Object::Ptr deletedId(std::int64_t id);
Poco::JSON::Object::Ptr deletedId(const std::string& id);

}  // namespace omnigate
