#include "store/break_reason_store.h"

#include <cppconn/exception.h>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/break-reasons/events";
const CatalogTable kCatalog{"break_reasons", kEventTopic};
const char* const kColumns = "SELECT id, name, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM break_reasons ";
constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY

BreakReason read(sql::ResultSet& rs) {
    BreakReason reason;
    reason.id = rs.getString(1);
    reason.name = rs.getString(2);
    reason.createdAt = dbTimeToIso(std::string(rs.getString(3)).substr(0, 23));
    return reason;
}

ApiError taken(const std::string& id) {
    return ApiError(409, "already_exists", "a break reason with id '" + id + "' exists already");
}

}  // namespace

std::vector<BreakReason> BreakReasonStore::all() {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + "ORDER BY id");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<BreakReason> out;
    while (rs->next()) out.push_back(read(*rs));
    return out;
}

std::optional<BreakReason> BreakReasonStore::find(const std::string& id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

BreakReason BreakReasonStore::create(BreakReason reason) {
    if (find(reason.id, true)) throw taken(reason.id);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert =
        session_.prepare("INSERT INTO break_reasons (id, name, created_at) VALUES (?, ?, ?)");
    insert.setString(1, reason.id);
    insert.setString(2, reason.name);
    insert.setString(3, now);
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) throw taken(reason.id);
        throw;
    }
    reason.createdAt = dbTimeToIso(now);
    appendEvent(session_, kEventTopic, "break_reason.created", reason.toJson());
    return reason;
}

void BreakReasonStore::remove(const std::string& id) {
    if (!find(id, true)) throw ApiError::notFound("no break reason '" + id + "'");
    removeCatalogEntry(session_, kCatalog, id, "break_reason.deleted", deletedId(id));
}

}  // namespace omnigate
