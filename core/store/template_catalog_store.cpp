#include "store/template_catalog_store.h"

#include <cppconn/exception.h>

#include <map>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/templates/events";
const CatalogTable kCatalog{"template_catalogs", kEventTopic};

const char* const kSelect =
    "SELECT id, COALESCE(parent_id, 0), name, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM template_catalogs ";

constexpr int kRowIsReferenced = 1451;  // ER_ROW_IS_REFERENCED_2
// Against a loop a manual edit of the table might have made; real trees are a few levels deep.
constexpr int kMaxDepth = 10000;

TemplateCatalog readRow(sql::ResultSet& rs) {
    const auto iso = [&](int column) { return dbTimeToIso(std::string(rs.getString(column)).substr(0, 23)); };
    return {rs.getInt64(1), rs.getInt64(2), rs.getString(3), iso(4), iso(5)};
}

void bindParent(sql::PreparedStatement& statement, int index, std::int64_t parentId) {
    if (parentId == 0) {
        statement.setNull(index, sql::DataType::BIGINT);
    } else {
        statement.setInt64(index, parentId);
    }
}

ApiError noParent(std::int64_t parentId) {
    return ApiError::badRequest("'parent_id': there is no template catalog " + std::to_string(parentId));
}

}  // namespace

Poco::JSON::Object::Ptr TemplateCatalog::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("name", name);
    o->set("parent_id", parentId == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(parentId));
    o->set("created_at", createdAt);
    o->set("updated_at", updatedAt);
    return o;
}

std::vector<TemplateCatalog> TemplateCatalogStore::all() {
    std::unique_ptr<sql::ResultSet> rs(session_.prepare(std::string(kSelect) + "ORDER BY name, id").executeQuery());
    std::vector<TemplateCatalog> out;
    while (rs->next()) out.push_back(readRow(*rs));
    return out;
}

std::optional<TemplateCatalog> TemplateCatalogStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kSelect) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readRow(*rs);
}

// FOR UPDATE also locks the gap where such a sibling would go, so another daemon cannot slip it in meanwhile.
void TemplateCatalogStore::refuseDuplicate(const std::string& name, std::int64_t parentId, std::int64_t exceptId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT name FROM template_catalogs WHERE parent_id <=> ? AND name = ? AND id <> ? FOR UPDATE");
    bindParent(q, 1, parentId);
    q.setString(2, name);
    q.setInt64(3, exceptId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (rs->next()) {
        throw ApiError(409, "duplicate_catalog", "a template catalog named '" + std::string(rs->getString(1)) +
                                                     "' is there already; sibling names must differ (also in case)");
    }
}

// Walks up from the new parent: meeting the catalog itself means the new parent lies inside it.
void TemplateCatalogStore::refuseCycle(std::int64_t id, std::int64_t newParent) {
    std::string path;
    for (std::int64_t at = newParent, depth = 0; at != 0 && depth < kMaxDepth; ++depth) {
        path = path.empty() ? std::to_string(at) : std::to_string(at) + " > " + path;
        if (at == id) {
            throw ApiError(400, "catalog_cycle",
                           "'parent_id': template catalog " + std::to_string(id) + " cannot move under catalog " +
                               std::to_string(newParent) + ", which is the catalog itself or lies inside it (" +
                               path + ")");
        }
        const auto above = find(at, true);
        if (!above) throw noParent(at);
        at = above->parentId;
    }
}

TemplateCatalog TemplateCatalogStore::create(const std::string& name, std::int64_t parentId) {
    if (parentId != 0 && !find(parentId, true)) throw noParent(parentId);
    refuseDuplicate(name, parentId, 0);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO template_catalogs (parent_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)");
    bindParent(insert, 1, parentId);
    insert.setString(2, name);
    insert.setString(3, now);
    insert.setString(4, now);
    insert.executeUpdate();
    const TemplateCatalog created{session_.lastInsertId(), parentId, name, dbTimeToIso(now), dbTimeToIso(now)};
    appendEvent(session_, kEventTopic, "template_catalog.created", created.toJson());
    return created;
}

TemplateCatalog TemplateCatalogStore::update(std::int64_t id, const std::optional<std::string>& name,
                                             const std::optional<std::int64_t>& parentId) {
    const auto current = find(id, true);
    if (!current) throw ApiError::notFound("no template catalog " + std::to_string(id));
    TemplateCatalog next = *current;
    if (name) next.name = *name;
    if (parentId) next.parentId = *parentId;
    if (next.name == current->name && next.parentId == current->parentId) return *current;
    if (next.parentId != current->parentId) refuseCycle(id, next.parentId);
    refuseDuplicate(next.name, next.parentId, id);
    const std::string now = nowDbTime();
    sql::PreparedStatement& update =
        session_.prepare("UPDATE template_catalogs SET name = ?, parent_id = ?, updated_at = ? WHERE id = ?");
    update.setString(1, next.name);
    bindParent(update, 2, next.parentId);
    update.setString(3, now);
    update.setInt64(4, id);
    update.executeUpdate();
    next.updatedAt = dbTimeToIso(now);
    appendEvent(session_, kEventTopic, "template_catalog.updated", next.toJson());
    return next;
}

std::int64_t TemplateCatalogStore::count(const char* sql, std::int64_t id) {
    sql::PreparedStatement& q = session_.prepare(sql);
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
}

void TemplateCatalogStore::remove(std::int64_t id) {
    const auto catalog = find(id, true);
    if (!catalog) throw ApiError::notFound("no template catalog " + std::to_string(id));
    const std::int64_t children = count("SELECT COUNT(*) FROM template_catalogs WHERE parent_id = ?", id);
    const std::int64_t templates = count("SELECT COUNT(*) FROM response_templates WHERE catalog_id = ?", id);
    if (children > 0 || templates > 0) {
        throw ApiError(409, "catalog_in_use",
                       "template catalog " + std::to_string(id) + " ('" + catalog->name + "') still holds " +
                           std::to_string(children) + " catalog(s) and " + std::to_string(templates) +
                           " template(s); move or delete them first");
    }
    try {
        removeCatalogEntry(session_, kCatalog, id, "template_catalog.deleted", catalog->toJson());
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kRowIsReferenced) {
            throw ApiError(409, "catalog_in_use", "template catalog " + std::to_string(id) + " was filled meanwhile");
        }
        throw;
    }
}

Poco::JSON::Array::Ptr templateCatalogTree(const std::vector<TemplateCatalog>& catalogs) {
    std::map<std::int64_t, Poco::JSON::Array::Ptr> children;
    for (const TemplateCatalog& c : catalogs) children[c.id] = new Poco::JSON::Array;
    Poco::JSON::Array::Ptr roots = new Poco::JSON::Array;
    for (const TemplateCatalog& c : catalogs) {
        Poco::JSON::Object::Ptr node = c.toJson();
        node->set("children", children[c.id]);
        const auto parent = children.find(c.parentId);
        (parent == children.end() ? roots : parent->second)->add(node);
    }
    return roots;
}

}  // namespace omnigate
