#include "store/unified_queue_store.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <sstream>

#include "db/db_time.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

// A value to bind, in placeholder order: the WHERE clauses are assembled from the filters in use, but no value
// ever becomes part of the SQL text.
struct Bound {
    enum Kind { Text, Int } kind = Text;
    std::string text;
    std::int64_t number = 0;
};

Bound text(std::string value) { return {Bound::Text, std::move(value), 0}; }
Bound number(std::int64_t value) { return {Bound::Int, {}, value}; }

void bindAll(sql::PreparedStatement& statement, const std::vector<Bound>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto index = static_cast<unsigned int>(i + 1);
        if (values[i].kind == Bound::Int) {
            statement.setInt64(index, values[i].number);
        } else {
            statement.setString(index, values[i].text);
        }
    }
}

std::string placeholders(std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
    return out;
}

// A time column as text, spliced into SQL literals at compile time (undefined at the end of the file).
#define OG_TIME(column) "DATE_FORMAT(" column ", '%Y-%m-%d %H:%i:%s.%f')"

// DATE_FORMAT's %f gives microseconds; the database keeps milliseconds and the API speaks them.
std::string isoOrEmpty(const std::string& dbTime) {
    return dbTime.empty() ? std::string() : dbTimeToIso(dbTime.substr(0, 23));
}

// The filtered lines with the moment-dependent values worked out, as a derived table `a`: its first placeholder
// is the moment, then the filters'. The waiting time counts from the first queueing (kept when an interaction
// returns to a queue or overflows), else from its creation; the clock of a skewed server never makes it negative.
std::string filteredLines(const UnifiedQueueFilter& filter, std::vector<Bound>& values, const std::string& asOf) {
    values.push_back(text(asOf));
    std::string where = " WHERE i.status IN (";
    const auto& statuses = filter.statuses.empty() ? UnifiedQueueStore::statuses() : filter.statuses;
    where += placeholders(statuses.size()) + ")";
    for (const std::string& s : statuses) values.push_back(text(s));
    const auto equal = [&](const char* condition, const std::string& value) {
        if (value.empty()) return;
        where += condition;
        values.push_back(text(value));
    };
    equal(" AND i.queue = ?", filter.queue);
    equal(" AND i.channel = ?", filter.channel);
    equal(" AND i.account = ?", filter.account);
    equal(" AND i.operator = ?", filter.operatorId);
    if (filter.unassigned) {
        where += *filter.unassigned ? " AND (i.operator IS NULL OR i.operator = '')"
                                    : " AND i.operator IS NOT NULL AND i.operator <> ''";
    }
    return "(SELECT b.*, LEAST(100, b.priority + CAST(FLOOR(b.priority_step * b.waited / 60) AS SIGNED)) AS effective "
           "FROM (SELECT i.id, i.channel, i.account, i.kind, i.client_id, COALESCE(c.name, '') AS client_name, "
           "i.subject, i.status, NULLIF(i.queue, '') AS queue, NULLIF(i.operator, '') AS operator, i.priority, "
           "i.priority_step, i.created_at, i.queued_at, i.offer_expires_at, "
           "COALESCE(i.queued_at, i.created_at) AS since, "
           "GREATEST(0, TIMESTAMPDIFF(SECOND, COALESCE(i.queued_at, i.created_at), n.at)) AS waited "
           "FROM interactions i CROSS JOIN (SELECT CAST(? AS DATETIME(3)) AS at) n "
           "LEFT JOIN clients c ON c.id = i.client_id" +
           where + ") b) a";
}

std::string minWait(const UnifiedQueueFilter& filter, std::vector<Bound>& values) {
    if (filter.minWaitSeconds <= 0) return " WHERE 1 = 1";
    values.push_back(number(filter.minWaitSeconds));
    return " WHERE a.waited >= ?";
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "YYYY-MM-DD HH:MM:SS" with an optional fraction: the shape of the database times a cursor carries.
bool looksLikeDbTime(const std::string& t) {
    if (t.size() < 19 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u}) {
        if (!isDigit(t[i])) return false;
    }
    if (t.size() == 19) return true;
    if (t[19] != '.' || t.size() > 26 || t.size() < 21) return false;
    return std::all_of(t.begin() + 20, t.end(), isDigit);
}

ApiError badCursor() { return ApiError::badRequest("'cursor' is not a cursor this API returned"); }

}  // namespace

Poco::JSON::Object::Ptr QueueEntry::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto orNull = [](const std::string& value) {
        return value.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(value);
    };
    o->set("id", id);
    o->set("channel", channel);
    o->set("account", account);
    o->set("kind", kind);
    o->set("client_id", clientId);
    o->set("client_name", clientName);
    o->set("subject", subject);
    o->set("status", status);
    o->set("queue", orNull(queue));
    o->set("operator", orNull(operatorId));
    o->set("priority", priority);
    o->set("priority_step", priorityStep);
    o->set("effective_priority", effectivePriority);
    o->set("waited_seconds", waitedSeconds);
    o->set("created_at", createdAt);
    o->set("queued_at", orNull(queuedAt));
    o->set("offer_expires_at", orNull(offerExpiresAt));
    return o;
}

Poco::JSON::Object::Ptr QueueGroup::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("key", key ? Poco::Dynamic::Var(*key) : Poco::Dynamic::Var());
    o->set("count", count);
    o->set("max_waited_seconds", maxWaitedSeconds);
    o->set("oldest_interaction_id", oldestInteractionId);
    return o;
}

std::string QueueCursor::encode() const {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder << "uq1|" << asOf << '|' << effectivePriority << '|' << waitingSince << '|' << id;
    encoder.close();
    return out.str();
}

QueueCursor QueueCursor::decode(const std::string& encoded) {
    std::string plain;
    try {
        std::istringstream in(encoded);
        Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        std::getline(decoder, plain);
    } catch (const Poco::Exception&) {
        throw badCursor();
    }
    const Poco::StringTokenizer parts(plain, "|");
    if (parts.count() != 5 || parts[0] != "uq1") throw badCursor();
    QueueCursor cursor;
    cursor.asOf = parts[1];
    cursor.waitingSince = parts[3];
    Poco::Int64 effective = 0, id = 0;
    if (!looksLikeDbTime(cursor.asOf) || !looksLikeDbTime(cursor.waitingSince) ||
        !Poco::NumberParser::tryParse64(parts[2], effective) || !Poco::NumberParser::tryParse64(parts[4], id) ||
        id < 1) {
        throw badCursor();
    }
    cursor.effectivePriority = effective;
    cursor.id = id;
    return cursor;
}

const std::vector<std::string>& UnifiedQueueStore::statuses() {
    static const std::vector<std::string> kStatuses{"new",     "queued",    "offered",     "assigned",
                                                    "waiting", "postponed", "transferred", "bot"};
    return kStatuses;
}

const std::vector<std::string>& UnifiedQueueStore::operatorOpenStatuses() {
    static const std::vector<std::string> kStatuses{"offered", "assigned", "waiting", "postponed"};
    return kStatuses;
}

const std::vector<std::string>& UnifiedQueueStore::groupColumns() {
    static const std::vector<std::string> kColumns{"queue", "channel", "operator", "status", "account"};
    return kColumns;
}

UnifiedQueuePage UnifiedQueueStore::page(const UnifiedQueueFilter& filter, std::size_t limit,
                                         const std::optional<QueueCursor>& after, const std::string& asOf) {
    UnifiedQueuePage page;
    page.asOf = after ? after->asOf : (asOf.empty() ? nowDbTime() : asOf);
    std::vector<Bound> values;
    // Placeholders bind in the order the pieces are appended, so each is appended in its own statement.
    std::string sql =
        "SELECT a.id, a.channel, a.account, a.kind, a.client_id, a.client_name, a.subject, a.status, "
        "COALESCE(a.queue, ''), COALESCE(a.operator, ''), a.priority, a.priority_step, a.effective, a.waited, "
        OG_TIME("a.created_at") ", COALESCE(" OG_TIME("a.queued_at") ", ''), "
        "COALESCE(" OG_TIME("a.offer_expires_at") ", ''), " OG_TIME("a.since") " FROM ";
    sql += filteredLines(filter, values, page.asOf);
    sql += minWait(filter, values);
    if (after) {
        // Keyset on (effective DESC, since ASC, id ASC): strictly after the last line of the previous page.
        sql += " AND (a.effective < ? OR (a.effective = ? AND (a.since > ? OR (a.since = ? AND a.id > ?))))";
        values.push_back(number(after->effectivePriority));
        values.push_back(number(after->effectivePriority));
        values.push_back(text(after->waitingSince));
        values.push_back(text(after->waitingSince));
        values.push_back(number(after->id));
    }
    // One more than asked tells whether another page follows.
    sql += " ORDER BY a.effective DESC, a.since ASC, a.id ASC LIMIT ?";
    values.push_back(number(static_cast<std::int64_t>(limit) + 1));

    // Not cached like session_.prepare(): each combination of filters is its own SQL text.
    std::unique_ptr<sql::PreparedStatement> query(session_.connection().prepareStatement(sql));
    bindAll(*query, values);
    std::unique_ptr<sql::ResultSet> rs(query->executeQuery());
    std::string lastSince;
    while (rs->next()) {
        if (page.entries.size() == limit) {
            const QueueEntry& last = page.entries.back();
            page.next = QueueCursor{page.asOf, last.effectivePriority, lastSince, last.id};
            break;
        }
        QueueEntry e;
        e.id = rs->getInt64(1);
        e.channel = rs->getString(2);
        e.account = rs->getString(3);
        e.kind = rs->getString(4);
        e.clientId = rs->getInt64(5);
        e.clientName = rs->getString(6);
        e.subject = rs->getString(7);
        e.status = rs->getString(8);
        e.queue = rs->getString(9);
        e.operatorId = rs->getString(10);
        e.priority = rs->getInt(11);
        e.priorityStep = rs->getDouble(12);
        e.effectivePriority = rs->getInt64(13);
        e.waitedSeconds = rs->getInt64(14);
        e.createdAt = isoOrEmpty(rs->getString(15));
        e.queuedAt = isoOrEmpty(rs->getString(16));
        e.offerExpiresAt = isoOrEmpty(rs->getString(17));
        lastSince = rs->getString(18);
        page.entries.push_back(std::move(e));
    }
    return page;
}

std::vector<QueueGroup> UnifiedQueueStore::group(const UnifiedQueueFilter& filter, const std::string& column,
                                                 const std::string& asOf) {
    const auto& columns = groupColumns();
    if (std::find(columns.begin(), columns.end(), column) == columns.end()) {
        throw ApiError::badRequest("'group_by' must be one of queue, channel, operator, status, account; not '" +
                                   column + "'");
    }
    // `column` is one of the fixed names above, never a caller's text.
    std::vector<Bound> values;
    std::string sql = "SELECT x.g, COUNT(*), MAX(x.waited), MIN(CASE WHEN x.rn = 1 THEN x.id END) FROM (SELECT a." +
                      column + " AS g, a.id, a.waited, ROW_NUMBER() OVER (PARTITION BY a." + column +
                      " ORDER BY a.since, a.id) AS rn FROM ";
    sql += filteredLines(filter, values, asOf);
    sql += minWait(filter, values);
    sql += ") x GROUP BY x.g ORDER BY x.g IS NOT NULL, x.g";
    std::unique_ptr<sql::PreparedStatement> query(session_.connection().prepareStatement(sql));
    bindAll(*query, values);
    std::unique_ptr<sql::ResultSet> rs(query->executeQuery());
    std::vector<QueueGroup> out;
    while (rs->next()) {
        QueueGroup g;
        if (!rs->isNull(1)) g.key = rs->getString(1);
        g.count = rs->getInt64(2);
        g.maxWaitedSeconds = rs->getInt64(3);
        g.oldestInteractionId = rs->getInt64(4);
        out.push_back(std::move(g));
    }
    return out;
}

bool UnifiedQueueStore::operatorExists(const std::string& operatorId) {
    sql::PreparedStatement& q = session_.prepare("SELECT 1 FROM operators WHERE id = ?");
    q.setString(1, operatorId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next();
}

OperatorDayStats UnifiedQueueStore::operatorStats(const std::string& operatorId, const std::string& dayStart,
                                                  const std::string& dayEnd) {
    OperatorDayStats stats;
    {
        // Handling runs from the accept; an interaction assigned without one (auto-accept, older data) counts
        // from its creation.
        sql::PreparedStatement& q = session_.prepare(
            "SELECT COUNT(*), AVG(TIMESTAMPDIFF(MICROSECOND, COALESCE(accepted_at, created_at), closed_at)) / 1000000 "
            "FROM interactions WHERE operator = ? AND status = 'closed' AND closed_at >= ? AND closed_at < ?");
        q.setString(1, operatorId);
        q.setString(2, dayStart);
        q.setString(3, dayEnd);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (rs->next()) {
            stats.handledToday = rs->getInt64(1);
            if (!rs->isNull(2)) stats.averageHandlingSecondsToday = rs->getDouble(2);
        }
    }
    const auto& open = operatorOpenStatuses();
    sql::PreparedStatement& q =
        session_.prepare("SELECT channel, COUNT(*) FROM interactions WHERE operator = ? AND status IN (" +
                         placeholders(open.size()) + ") GROUP BY channel ORDER BY channel");
    q.setString(1, operatorId);
    for (std::size_t i = 0; i < open.size(); ++i) q.setString(static_cast<unsigned int>(i + 2), open[i]);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    while (rs->next()) stats.openByChannel[rs->getString(1)] = rs->getInt64(2);
    return stats;
}

}  // namespace omnigate

#undef OG_TIME
