#include "store/blacklist_store.h"

#include <Poco/UTF8String.h>
#include <cppconn/exception.h>

#include <algorithm>

#include "db/db_time.h"
#include "db/outbox.h"
#include "model/address_normalization.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/blacklist/events";
const CatalogTable kCatalog{"blacklist", kEventTopic};

const char* const kColumns =
    "SELECT id, kind, value, reason, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM blacklist ";

constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY
BlacklistEntry read(sql::ResultSet& rs) {
    return {rs.getInt64(1), rs.getString(2), rs.getString(3), rs.getString(4),
            dbTimeToIso(std::string(rs.getString(5)).substr(0, 23))};
}

// LIKE with '!' as its escape character, so a search for "50%" or "a_b" means those characters.
std::string likePattern(const std::string& text) {
    std::string pattern = "%";
    for (char c : Poco::UTF8::toLower(text)) {
        if (c == '%' || c == '_' || c == '!') pattern += '!';
        pattern += c;
    }
    return pattern + "%";
}

}  // namespace

void BlacklistStore::validateKind(const std::string& kind, const std::string& field) {
    const bool valid = !kind.empty() && kind.size() <= 32 &&
                       std::all_of(kind.begin(), kind.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    if (!valid) {
        throw ApiError::badRequest("'" + field + "' must be an address kind of 1 to 32 letters a-z or '_' "
                                   "(phone, email, vk, whatsapp, webchat, …), not '" + kind + "'");
    }
}

std::string BlacklistStore::normalizeValue(const std::string& kind, const std::string& value) {
    return checkedAddress({kind, value}, "'value'", AddressSource::Typed).value;
}

std::vector<BlacklistEntry> BlacklistStore::list(const BlacklistFilter& filter, std::int64_t afterId,
                                                 std::size_t limit) {
    std::string sql = std::string(kColumns) + "WHERE id > ?";
    if (!filter.kind.empty()) sql += " AND kind = ?";
    if (!filter.text.empty()) sql += " AND (LOWER(value) LIKE ? ESCAPE '!' OR LOWER(reason) LIKE ? ESCAPE '!')";
    sql += " ORDER BY id LIMIT ?";
    sql::PreparedStatement& q = session_.prepare(sql);
    int index = 1;
    q.setInt64(index++, afterId);
    if (!filter.kind.empty()) q.setString(index++, filter.kind);
    if (!filter.text.empty()) {
        const std::string pattern = likePattern(filter.text);
        q.setString(index++, pattern);
        q.setString(index++, pattern);
    }
    q.setInt64(index, static_cast<std::int64_t>(limit));
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<BlacklistEntry> out;
    while (rs->next()) out.push_back(read(*rs));
    return out;
}

std::optional<BlacklistEntry> BlacklistStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

BlacklistEntry BlacklistStore::add(const std::string& kind, const std::string& value, const std::string& reason) {
    const auto refuse = [&](const std::string& existing) {
        return ApiError(409, "already_blacklisted",
                        kind + " " + value + " is on the black list already" + existing);
    };
    sql::PreparedStatement& find = session_.prepare("SELECT id FROM blacklist WHERE kind = ? AND value = ? FOR UPDATE");
    find.setString(1, kind);
    find.setString(2, value);
    {
        std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
        if (rs->next()) throw refuse(" (entry " + std::to_string(rs->getInt64(1)) + ")");
    }
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert =
        session_.prepare("INSERT INTO blacklist (kind, value, reason, created_at) VALUES (?, ?, ?, ?)");
    insert.setString(1, kind);
    insert.setString(2, value);
    insert.setString(3, reason);
    insert.setString(4, now);
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) throw refuse("");
        throw;
    }
    const BlacklistEntry entry{session_.lastInsertId(), kind, value, reason, dbTimeToIso(now)};
    appendEvent(session_, kEventTopic, "blacklist_entry.created", toJson(entry));
    return entry;
}

void BlacklistStore::remove(std::int64_t id) {
    const auto entry = find(id, true);
    if (!entry) throw ApiError::notFound("no black list entry " + std::to_string(id));
    removeCatalogEntry(session_, kCatalog, id, "blacklist_entry.deleted", toJson(*entry));
}

Poco::JSON::Object::Ptr toJson(const BlacklistEntry& entry) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", entry.id);
    o->set("kind", entry.kind);
    o->set("value", entry.value);
    o->set("reason", entry.reason);
    o->set("created_at", entry.createdAt);
    return o;
}

}  // namespace omnigate
