#include "store/notification_store.h"

#include <memory>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

const char* const kColumns =
    "SELECT n.id, n.audience, n.audience_id, n.text, n.importance, n.author, "
    "DATE_FORMAT(n.created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(n.expires_at, '%Y-%m-%d %H:%i:%s.%f')";

std::string isoOrEmpty(sql::ResultSet& rs, unsigned column) {
    return rs.isNull(column) ? std::string() : dbTimeToIso(std::string(rs.getString(column)).substr(0, 23));
}

Notification read(sql::ResultSet& rs) {
    Notification n;
    n.id = rs.getInt64(1);
    n.audience = rs.getString(2);
    n.audienceId = rs.getString(3);
    n.text = rs.getString(4);
    n.importance = rs.getString(5);
    n.author = rs.getString(6);
    n.createdAt = isoOrEmpty(rs, 7);
    n.expiresAt = isoOrEmpty(rs, 8);
    return n;
}

std::string topicOf(const std::string& operatorId) { return "omnigate/v1/operators/" + operatorId + "/notifications"; }

}  // namespace

Notification NotificationStore::send(Notification draft, const std::string& author) {
    if (draft.audience == "group") {
        sql::PreparedStatement& q = session_.prepare("SELECT 1 FROM operator_groups WHERE id = ?");
        q.setString(1, draft.audienceId);
        if (!std::unique_ptr<sql::ResultSet>(q.executeQuery())->next()) {
            throw ApiError::badRequest("'audience_id': there is no operator group '" + draft.audienceId + "'");
        }
    }
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO notifications (audience, audience_id, text, importance, author, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, '')) RETURNING id");
    insert.setString(1, draft.audience);
    insert.setString(2, draft.audienceId);
    insert.setString(3, draft.text);
    insert.setString(4, draft.importance);
    insert.setString(5, author.substr(0, 255));
    insert.setString(6, now);
    insert.setString(7, draft.expiresAt.empty() ? std::string() : isoToDbTime(draft.expiresAt));
    draft.id = DbSession::insertReturningId(insert);
    draft.author = author.substr(0, 255);
    draft.createdAt = dbTimeToIso(now);

    // The audience as it is now: who joins a group later does not get its old notices.
    std::string select = "SELECT ?, id FROM operators";
    if (draft.audience == "group") {
        select = "SELECT ?, operator_id FROM operator_group_members WHERE group_id = ?";
    } else if (draft.audience == "operator") {
        select += " WHERE id = ?";
    }
    sql::PreparedStatement& recipients =
        session_.prepare("INSERT INTO notification_recipients (notification_id, operator_id) " + select);
    recipients.setInt64(1, draft.id);
    if (draft.audience != "all") recipients.setString(2, draft.audienceId);
    draft.recipients = recipients.executeUpdate();
    if (draft.recipients == 0) {
        if (draft.audience == "operator") {
            throw ApiError::badRequest("'audience_id': there is no operator '" + draft.audienceId + "'");
        }
        throw ApiError::badRequest(draft.audience == "group"
                                       ? "'audience_id': operator group '" + draft.audienceId + "' has no operators"
                                       : "'audience': there are no operators to tell");
    }
    sql::PreparedStatement& who =
        session_.prepare("SELECT operator_id FROM notification_recipients WHERE notification_id = ?");
    who.setInt64(1, draft.id);
    std::unique_ptr<sql::ResultSet> rs(who.executeQuery());
    while (rs->next()) tell(rs->getString(1), "notification.created", draft);
    return draft;
}

std::vector<Notification> NotificationStore::sent(int limit, std::int64_t beforeId) {
    sql::PreparedStatement& q = session_.prepare(
        std::string(kColumns) +
        ", (SELECT COUNT(*) FROM notification_recipients r WHERE r.notification_id = n.id), (SELECT COUNT(*) FROM "
        "notification_recipients r WHERE r.notification_id = n.id AND r.read_at IS NOT NULL) FROM notifications n "
        "WHERE (? = 0 OR n.id < ?) ORDER BY n.id DESC LIMIT ?");
    q.setInt64(1, beforeId);
    q.setInt64(2, beforeId);
    q.setInt(3, limit);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<Notification> out;
    while (rs->next()) {
        Notification n = read(*rs);
        n.recipients = rs->getInt64(9);
        n.read = rs->getInt64(10);
        out.push_back(std::move(n));
    }
    return out;
}

std::vector<Notification> NotificationStore::forOperator(const std::string& operatorId, bool unreadOnly) {
    sql::PreparedStatement& q = session_.prepare(
        std::string(kColumns) +
        ", DATE_FORMAT(r.read_at, '%Y-%m-%d %H:%i:%s.%f') FROM notification_recipients r JOIN notifications n ON "
        "n.id = r.notification_id WHERE r.operator_id = ? AND (n.expires_at IS NULL OR n.expires_at > ?) AND "
        "(? = 0 OR r.read_at IS NULL) ORDER BY n.id DESC LIMIT 200");
    q.setString(1, operatorId);
    q.setString(2, nowDbTime());
    q.setInt(3, unreadOnly ? 1 : 0);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<Notification> out;
    while (rs->next()) {
        Notification n = read(*rs);
        n.readAt = isoOrEmpty(*rs, 9);
        out.push_back(std::move(n));
    }
    return out;
}

std::optional<Notification> NotificationStore::markRead(const std::string& operatorId, std::int64_t id) {
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE notification_recipients SET read_at = ? WHERE notification_id = ? AND operator_id = ? AND "
        "read_at IS NULL");
    update.setString(1, nowDbTime());
    update.setInt64(2, id);
    update.setString(3, operatorId);
    const bool marked = update.executeUpdate() > 0;
    std::optional<Notification> n = find(id, operatorId);
    // Their other screens take the banner down too.
    if (n && marked) tell(operatorId, "notification.read", *n);
    return n;
}

bool NotificationStore::withdraw(std::int64_t id) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE notifications SET expires_at = ? WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)");
    update.setString(1, now);
    update.setInt64(2, id);
    update.setString(3, now);
    if (update.executeUpdate() == 0) {
        sql::PreparedStatement& exists = session_.prepare("SELECT 1 FROM notifications WHERE id = ?");
        exists.setInt64(1, id);
        return std::unique_ptr<sql::ResultSet>(exists.executeQuery())->next();
    }
    sql::PreparedStatement& who = session_.prepare(
        "SELECT operator_id FROM notification_recipients WHERE notification_id = ? AND read_at IS NULL");
    who.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(who.executeQuery());
    std::vector<std::string> unread;
    while (rs->next()) unread.push_back(rs->getString(1));
    if (unread.empty()) return true;
    // The same notice for each of them, unread: read once, however many it went to.
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + " FROM notifications n WHERE n.id = ?");
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> notice(q.executeQuery());
    if (!notice->next()) return true;
    const Notification withdrawn = read(*notice);
    for (const std::string& op : unread) tell(op, "notification.withdrawn", withdrawn);
    return true;
}

std::optional<Notification> NotificationStore::find(std::int64_t id, const std::string& operatorId) {
    sql::PreparedStatement& q = session_.prepare(
        std::string(kColumns) +
        ", DATE_FORMAT(r.read_at, '%Y-%m-%d %H:%i:%s.%f') FROM notification_recipients r JOIN notifications n ON "
        "n.id = r.notification_id WHERE r.notification_id = ? AND r.operator_id = ?");
    q.setInt64(1, id);
    q.setString(2, operatorId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    Notification n = read(*rs);
    n.readAt = isoOrEmpty(*rs, 9);
    return n;
}

void NotificationStore::tell(const std::string& operatorId, const std::string& type, const Notification& n) {
    appendEvent(session_, topicOf(operatorId), type, n.toRecipientJson());
}

}  // namespace omnigate
