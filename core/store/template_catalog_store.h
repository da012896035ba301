// The SQL of the response templates' catalogs [каталоги шаблонов]: a tree the business administrator keeps. It
// stays a tree: sibling names differ, a catalog never moves under itself or its own descendant (a 400, since the
// body asks for the impossible), and one still holding catalogs or templates is not deleted. Writes run inside the
// caller's WriteBatcher job and announce themselves on omnigate/v1/catalogs/templates/events.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct TemplateCatalog {
    std::int64_t id = 0;
    std::int64_t parentId = 0;  // 0: at the root
    std::string name;
    std::string createdAt;
    std::string updatedAt;

    Poco::JSON::Object::Ptr toJson() const;
};

class TemplateCatalogStore {
public:
    explicit TemplateCatalogStore(DbSession& session) : session_(session) {}

    // Every catalog, siblings by name.
    std::vector<TemplateCatalog> all();
    std::optional<TemplateCatalog> find(std::int64_t id, bool forUpdate = false);

    // 400 when the parent does not exist, 409 when a sibling has the name already (case-insensitively).
    TemplateCatalog create(const std::string& name, std::int64_t parentId);
    // Renames and/or moves (parentId 0: to the root). 404 for an unknown catalog; 400 for an unknown parent or a
    // move under the catalog itself or one of its descendants; 409 for a sibling's name.
    TemplateCatalog update(std::int64_t id, const std::optional<std::string>& name,
                           const std::optional<std::int64_t>& parentId);
    // 404 when unknown; 409 naming how many catalogs and templates it still holds.
    void remove(std::int64_t id);

private:
    void refuseDuplicate(const std::string& name, std::int64_t parentId, std::int64_t exceptId);
    void refuseCycle(std::int64_t id, std::int64_t newParent);
    std::int64_t count(const char* sql, std::int64_t id);

    DbSession& session_;
};

// The catalogs as a forest: [{id, name, parent_id, created_at, updated_at, children: [...]}].
Poco::JSON::Array::Ptr templateCatalogTree(const std::vector<TemplateCatalog>& catalogs);

}  // namespace omnigate
