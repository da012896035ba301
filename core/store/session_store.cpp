#include "store/session_store.h"

#include <Poco/RandomStream.h>

#include <iomanip>
#include <sstream>

#include "db/db_time.h"

namespace omnigate {

namespace {

std::string newFamily() {
    Poco::RandomInputStream random;
    std::ostringstream hex;
    for (int i = 0; i < 16; ++i) {
        hex << std::hex << std::setw(2) << std::setfill('0') << (static_cast<unsigned>(random.get()) & 0xffu);
    }
    return hex.str();
}

void insert(DbSession& session, const std::string& family, std::int64_t userId, const std::string& workplaceId,
            const std::string& tokenHash, std::chrono::seconds lifetime) {
    sql::PreparedStatement& q = session.prepare(
        "INSERT INTO refresh_tokens (family, user_id, workplace_id, token_hash, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.setString(1, family);
    q.setInt64(2, userId);
    bindTextOrNull(q, 3, workplaceId);
    q.setString(4, tokenHash);
    q.setString(5, nowDbTime());
    q.setString(6, dbTimeIn(std::chrono::duration_cast<std::chrono::milliseconds>(lifetime)));
    q.executeUpdate();
}

}  // namespace

std::string SessionStore::start(std::int64_t userId, const std::string& workplaceId, const std::string& tokenHash,
                                std::chrono::seconds lifetime) {
    const std::string family = newFamily();
    insert(session_, family, userId, workplaceId, tokenHash, lifetime);
    return family;
}

void SessionStore::add(const RefreshToken& previous, const std::string& tokenHash, std::chrono::seconds lifetime) {
    insert(session_, previous.family, previous.userId, previous.workplaceId, tokenHash, lifetime);
}

std::optional<RefreshToken> SessionStore::findForUpdate(const std::string& tokenHash) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT id, family, user_id, COALESCE(workplace_id, ''), expires_at <= UTC_TIMESTAMP(3), used_at IS NOT NULL, "
        "revoked_at IS NOT NULL FROM refresh_tokens WHERE token_hash = ? FOR UPDATE");
    q.setString(1, tokenHash);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return RefreshToken{rs->getInt64(1),   rs->getString(2),  rs->getInt64(3),  rs->getString(4),
                        rs->getBoolean(5), rs->getBoolean(6), rs->getBoolean(7)};
}

void SessionStore::markUsed(std::int64_t id) {
    sql::PreparedStatement& q = session_.prepare("UPDATE refresh_tokens SET used_at = ? WHERE id = ?");
    q.setString(1, nowDbTime());
    q.setInt64(2, id);
    q.executeUpdate();
}

int SessionStore::revokeFamily(const std::string& family) {
    sql::PreparedStatement& q =
        session_.prepare("UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL");
    q.setString(1, nowDbTime());
    q.setString(2, family);
    return q.executeUpdate();
}

std::vector<std::string> SessionStore::revokeUser(std::int64_t userId) {
    sql::PreparedStatement& live = session_.prepare(
        "SELECT DISTINCT family FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL FOR UPDATE");
    live.setInt64(1, userId);
    std::unique_ptr<sql::ResultSet> rs(live.executeQuery());
    std::vector<std::string> families;
    while (rs->next()) families.push_back(rs->getString(1));
    sql::PreparedStatement& q =
        session_.prepare("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
    q.setString(1, nowDbTime());
    q.setInt64(2, userId);
    q.executeUpdate();
    return families;
}

bool SessionStore::live(const std::string& family) {
    sql::PreparedStatement& q =
        session_.prepare("SELECT 1 FROM refresh_tokens WHERE family = ? AND revoked_at IS NULL LIMIT 1");
    q.setString(1, family);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next();
}

std::vector<ExpiredSession> SessionStore::expired(int limit) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT family, MIN(user_id), COALESCE(MIN(workplace_id), '') FROM refresh_tokens WHERE revoked_at IS NULL "
        "GROUP BY family HAVING MAX(expires_at) <= UTC_TIMESTAMP(3) LIMIT ?");
    q.setInt(1, limit);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<ExpiredSession> sessions;
    while (rs->next()) sessions.push_back({rs->getString(1), rs->getInt64(2), rs->getString(3)});
    return sessions;
}

bool SessionStore::otherLive(std::int64_t userId, const std::string& family) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT 1 FROM refresh_tokens WHERE user_id = ? AND family <> ? AND revoked_at IS NULL "
        "AND expires_at > UTC_TIMESTAMP(3) LIMIT 1");
    q.setInt64(1, userId);
    q.setString(2, family);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next();
}

int SessionStore::purgeExpired() {
    sql::PreparedStatement& q = session_.prepare(
        "DELETE FROM refresh_tokens WHERE expires_at < UTC_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 10000");
    return q.executeUpdate();
}

}  // namespace omnigate
