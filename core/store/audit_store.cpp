#include "store/audit_store.h"

#include <Poco/JSON/Parser.h>

#include <sstream>

#include "db/db_time.h"

namespace omnigate {

namespace {

std::string text(const Poco::JSON::Object::Ptr& object) {
    if (!object) return "";
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

Poco::JSON::Object::Ptr parsed(const std::string& text) {
    if (text.empty()) return nullptr;
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}


}  // namespace

void AuditStore::append(const AuditEntry& entry) {
    sql::PreparedStatement& q = session_.prepare(
        "INSERT INTO audit_log (at, actor_kind, actor_id, actor_user, address, action, target, before_state, "
        "after_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.setString(1, nowDbTime());
    q.setString(2, entry.actor.kind.substr(0, 16));
    q.setString(3, entry.actor.id.substr(0, 64));
    q.setString(4, entry.actor.user.substr(0, 64));
    q.setString(5, entry.address.substr(0, 64));
    q.setString(6, entry.action.substr(0, 128));
    q.setString(7, entry.target.substr(0, 255));
    bindTextOrNull(q, 8, text(entry.before));
    bindTextOrNull(q, 9, text(entry.after));
    q.executeUpdate();
}

std::vector<AuditEntry> AuditStore::list(const AuditFilter& filter) {
    std::string sql =
        "SELECT id, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), actor_kind, actor_id, actor_user, address, action, "
        "target, COALESCE(before_state, ''), COALESCE(after_state, '') FROM audit_log WHERE 1 = 1";
    std::vector<std::string> values;
    const auto where = [&](const std::string& value, const char* clause) {
        if (value.empty()) return;
        sql += clause;
        values.push_back(value);
    };
    where(filter.from, " AND at >= ?");
    where(filter.to, " AND at <= ?");
    where(filter.actorKind, " AND actor_kind = ?");
    where(filter.actorId, " AND actor_id = ?");
    where(filter.target, " AND target = ?");
    if (!filter.actionPrefix.empty()) {
        sql += " AND action LIKE ?";
        std::string escaped;
        for (char c : filter.actionPrefix) {
            if (c == '%' || c == '_' || c == '\\') escaped += '\\';
            escaped += c;
        }
        values.push_back(escaped + "%");
    }
    if (filter.beforeId > 0) sql += " AND id < " + std::to_string(filter.beforeId);
    sql += " ORDER BY id DESC LIMIT " + std::to_string(filter.limit + 1);
    sql::PreparedStatement& q = session_.prepare(sql);
    for (std::size_t i = 0; i < values.size(); ++i) q.setString(static_cast<int>(i + 1), values[i]);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<AuditEntry> out;
    while (rs->next()) {
        AuditEntry entry;
        entry.id = rs->getInt64(1);
        entry.at = dbTimeToIso(std::string(rs->getString(2)).substr(0, 23));
        entry.actor.kind = rs->getString(3);
        entry.actor.id = rs->getString(4);
        entry.actor.user = rs->getString(5);
        entry.address = rs->getString(6);
        entry.action = rs->getString(7);
        entry.target = rs->getString(8);
        entry.before = parsed(rs->getString(9));
        entry.after = parsed(rs->getString(10));
        out.push_back(std::move(entry));
    }
    return out;
}

int AuditStore::purgeOlderThan(int days, int batch) {
    sql::PreparedStatement& q = session_.prepare("DELETE FROM audit_log WHERE at < UTC_TIMESTAMP(3) - INTERVAL " +
                                                 std::to_string(days) + " DAY LIMIT " + std::to_string(batch));
    return q.executeUpdate();
}

Poco::JSON::Object::Ptr toJson(const AuditEntry& entry) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", entry.id);
    o->set("at", entry.at);
    Poco::JSON::Object::Ptr actor = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    actor->set("kind", entry.actor.kind);
    actor->set("id", entry.actor.id);
    actor->set("user", entry.actor.user.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(entry.actor.user));
    o->set("actor", actor);
    o->set("address", entry.address);
    o->set("action", entry.action);
    o->set("target", entry.target);
    o->set("before", entry.before ? Poco::Dynamic::Var(entry.before) : Poco::Dynamic::Var());
    o->set("after", entry.after ? Poco::Dynamic::Var(entry.after) : Poco::Dynamic::Var());
    return o;
}

}  // namespace omnigate
