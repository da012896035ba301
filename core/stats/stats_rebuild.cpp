#include "stats/stats_rebuild.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "db/channel_traffic.h"
#include "store/operator_day_rollup.h"
#include "store/stats_facts.h"

namespace omnigate {

namespace {

constexpr std::int64_t kChunk = 50000;
constexpr std::int64_t kQuarterMicros = 15LL * 60 * 1000 * 1000;

// The quarter hour of a DATETIME column, in SQL: the same cut as quarterHourOf (model/local_day.h).
std::string quarterOf(const std::string& column) {
    return "(DATE_FORMAT(" + column + ", '%Y-%m-%d %H:00:00') + INTERVAL (MINUTE(" + column + ") DIV 15 * 15) MINUTE)";
}

std::int64_t micros(const std::string& dbTime) {
    int tz = 0;
    return Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S.%i", dbTime.substr(0, 23), tz).timestamp().epochMicroseconds();
}

std::string quarterText(std::int64_t quarterMicros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(quarterMicros), "%Y-%m-%d %H:%M:%S");
}

}  // namespace

void StatsRebuild::run() {
    for (const char* table : {"stats_queue_intervals", "stats_operator_intervals", "stats_operator_status_intervals",
                              "stats_topic_intervals", "stats_rating_intervals", "stats_status_intervals",
                              "stats_channel_intervals", "stats_operator_days", "stats_operator_status_days",
                              "stats_operator_rolled_days"}) {
        session_.execute(std::string("TRUNCATE TABLE ") + table);
    }
    progress_("emptied the statistics aggregates");
    queueVisits();
    interactions();
    operatorStatuses();
    interactionStatuses();
    channelTraffic();
    // The days a report would roll up first, so the first report after a rebuild is as quick as the next.
    OperatorDayRollup(session_).rollUpAll(utcOffsetMinutes_, Poco::Timestamp().epochMicroseconds(), progress_);
    progress_("done");
}

void StatsRebuild::chunked(const std::string& what, const std::string& table,
                           const std::vector<std::string>& statements) {
    std::unique_ptr<sql::Statement> bounds(session_.connection().createStatement());
    std::unique_ptr<sql::ResultSet> rs(bounds->executeQuery("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), -1) FROM " + table));
    rs->next();
    const std::int64_t first = rs->getInt64(1), last = rs->getInt64(2);
    const std::int64_t total = last - first + 1;
    for (std::int64_t from = first; from <= last; from += kChunk) {
        const std::int64_t to = std::min(from + kChunk - 1, last);
        for (const std::string& sql : statements) {
            std::unique_ptr<sql::PreparedStatement> q(session_.connection().prepareStatement(sql));
            q->setInt64(1, from);
            q->setInt64(2, to);
            q->executeUpdate();
        }
        progress_(what + ": " + std::to_string(to - first + 1) + " of " + std::to_string(total) + " ids (" +
                  std::to_string((to - first + 1) * 100 / std::max<std::int64_t>(total, 1)) + " %)");
    }
    if (total <= 0) progress_(what + ": none");
}

void StatsRebuild::queueVisits() {
    chunked("queue visits", "queue_visits",
            {"INSERT INTO stats_queue_intervals (interval_start, queue, channel, offered, answered, abandoned, "
             "short_abandoned, transferred_out, service_level_met, service_level_counted, answer_wait_ms, "
             "longest_wait_ms) SELECT " + quarterOf("ended_at") + " q, queue, channel, COUNT(*), "
             "SUM(ending = 'answered'), SUM(ending = 'abandoned'), SUM(short_abandon), SUM(ending = 'left'), "
             "SUM(service_level_met), SUM(service_level_counted), SUM(IF(ending = 'answered', wait_ms, 0)), "
             "MAX(wait_ms) FROM queue_visits WHERE id BETWEEN ? AND ? GROUP BY q, queue, channel "
             "ON DUPLICATE KEY UPDATE offered = offered + VALUES(offered), answered = answered + VALUES(answered), "
             "abandoned = abandoned + VALUES(abandoned), short_abandoned = short_abandoned + VALUES(short_abandoned), "
             "transferred_out = transferred_out + VALUES(transferred_out), service_level_met = service_level_met + "
             "VALUES(service_level_met), service_level_counted = service_level_counted + "
             "VALUES(service_level_counted), answer_wait_ms = answer_wait_ms + VALUES(answer_wait_ms), "
             "longest_wait_ms = GREATEST(longest_wait_ms, VALUES(longest_wait_ms))"});
}

void StatsRebuild::interactions() {
    const std::string handled = std::string("SELECT i.id, i.queue, i.channel, i.operator, i.closed_at, ") +
                                kInteractionHandleMsSql + " handle_ms FROM interactions i WHERE i.id BETWEEN ? AND ? AND i.status = 'closed' "
                                "AND i.accepted_at IS NOT NULL AND i.operator IS NOT NULL";
    const std::string rated = "COALESCE(rated_at, closed_at)";
    chunked("interactions", "interactions",
            {// Handled, for the queue of the last visit and the operator who held it at the close.
             "INSERT INTO stats_queue_intervals (interval_start, queue, channel, handled, handle_ms) SELECT " +
                 quarterOf("h.closed_at") + " q, h.queue, h.channel, COUNT(*), SUM(h.handle_ms) FROM (" + handled +
                 ") h WHERE h.queue IS NOT NULL GROUP BY q, h.queue, h.channel ON DUPLICATE KEY UPDATE "
                 "handled = handled + VALUES(handled), handle_ms = handle_ms + VALUES(handle_ms)",
             "INSERT INTO stats_operator_intervals (interval_start, operator, channel, handled, handle_ms) SELECT " +
                 quarterOf("h.closed_at") + " q, h.operator, h.channel, COUNT(*), SUM(h.handle_ms) FROM (" + handled +
                 ") h GROUP BY q, h.operator, h.channel ON DUPLICATE KEY UPDATE handled = handled + VALUES(handled), "
                 "handle_ms = handle_ms + VALUES(handle_ms)",
             // Topics as filed at the close.
             "INSERT INTO stats_topic_intervals (interval_start, topic_id, queue, channel, closed, handled, handle_ms) "
             "SELECT " + quarterOf("i.closed_at") + " q, t.topic_id, COALESCE(i.queue, ''), i.channel, COUNT(*), "
             "SUM(i.accepted_at IS NOT NULL AND i.operator IS NOT NULL), SUM(IF(i.accepted_at IS NOT NULL AND "
             "i.operator IS NOT NULL, " + kInteractionHandleMsSql +
                 ", 0)) FROM interactions i JOIN interaction_topics t ON t.interaction_id = i.id WHERE i.id BETWEEN ? AND ? AND i.status = 'closed' GROUP BY q, t.topic_id, "
             "i.queue, i.channel ON DUPLICATE KEY UPDATE closed = closed + VALUES(closed), handled = handled + "
             "VALUES(handled), handle_ms = handle_ms + VALUES(handle_ms)",
             // Ratings, where they were given.
             "INSERT INTO stats_queue_intervals (interval_start, queue, channel, ratings, rating_sum, ratings_top_two) "
             "SELECT " + quarterOf(rated) + " q, queue, channel, COUNT(*), SUM(rating), SUM(rating >= 4) FROM "
             "interactions WHERE id BETWEEN ? AND ? AND rating IS NOT NULL AND queue IS NOT NULL GROUP BY q, queue, "
             "channel ON DUPLICATE KEY UPDATE ratings = ratings + VALUES(ratings), rating_sum = rating_sum + "
             "VALUES(rating_sum), ratings_top_two = ratings_top_two + VALUES(ratings_top_two)",
             "INSERT INTO stats_operator_intervals (interval_start, operator, channel, ratings, rating_sum, "
             "ratings_top_two) SELECT " + quarterOf(rated) + " q, operator, channel, COUNT(*), SUM(rating), "
             "SUM(rating >= 4) FROM interactions WHERE id BETWEEN ? AND ? AND rating IS NOT NULL AND operator IS NOT "
             "NULL GROUP BY q, operator, channel ON DUPLICATE KEY UPDATE ratings = ratings + VALUES(ratings), "
             "rating_sum = rating_sum + VALUES(rating_sum), ratings_top_two = ratings_top_two + "
             "VALUES(ratings_top_two)",
             "INSERT INTO stats_rating_intervals (interval_start, queue, channel, operator, rating, ratings) SELECT " +
                 quarterOf(rated) + " q, COALESCE(queue, ''), channel, COALESCE(operator, ''), rating, COUNT(*) FROM "
                 "interactions WHERE id BETWEEN ? AND ? AND rating IS NOT NULL GROUP BY q, queue, channel, operator, "
                 "rating ON DUPLICATE KEY UPDATE ratings = ratings + VALUES(ratings)",
             // First responses, for the operator who holds it now (the one who answered, unless it moved on).
             "INSERT INTO stats_operator_intervals (interval_start, operator, channel, first_responses, "
             "first_response_ms) SELECT " + quarterOf("first_response_at") + " q, operator, channel, COUNT(*), "
             "SUM(GREATEST(0, TIMESTAMPDIFF(MICROSECOND, created_at, first_response_at) DIV 1000)) FROM interactions "
             "WHERE id BETWEEN ? AND ? AND first_response_at IS NOT NULL AND operator IS NOT NULL GROUP BY q, "
             "operator, channel ON DUPLICATE KEY UPDATE first_responses = first_responses + VALUES(first_responses), "
             "first_response_ms = first_response_ms + VALUES(first_response_ms)"});
}

void StatsRebuild::operatorStatuses() {
    chunked("offers let lapse", "operator_status_history",
            {"INSERT INTO stats_operator_intervals (interval_start, operator, channel, not_responding) SELECT " +
             quarterOf("created_at") + " q, operator_id, '', COUNT(*) FROM operator_status_history WHERE id BETWEEN ? "
             "AND ? AND to_status = 'not_responding' GROUP BY q, operator_id ON DUPLICATE KEY UPDATE not_responding = "
             "not_responding + VALUES(not_responding)"});
    // Each status lasts until the operator's next change: their history in order, cut at quarter hours.
    std::unique_ptr<sql::Statement> q(session_.connection().createStatement());
    std::unique_ptr<sql::ResultSet> rs(q->executeQuery(
        "SELECT operator_id, to_status, reason, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM "
        "operator_status_history ORDER BY operator_id, id"));
    std::map<std::tuple<std::int64_t, std::string, std::string, std::string>, std::int64_t> sums;
    std::string op, status, reason;
    std::int64_t since = 0, rows = 0;
    const auto close = [&](std::int64_t until) {
        if (op.empty() || status == "offline") return;
        for (std::int64_t from = since; from < until;) {
            const std::int64_t quarter = from - from % kQuarterMicros;
            const std::int64_t end = std::min(quarter + kQuarterMicros, until);
            sums[{quarter, op, status, status == "break" ? reason.substr(0, 64) : std::string()}] += (end - from) / 1000;
            from = end;
        }
    };
    while (rs->next()) {
        const std::string nextOp = rs->getString(1);
        const std::int64_t at = micros(rs->getString(4));
        if (nextOp == op) close(at);
        op = nextOp;
        status = rs->getString(2);
        reason = rs->getString(3);
        since = at;
        if (++rows % 100000 == 0) progress_("operator statuses: " + std::to_string(rows) + " changes read");
    }
    // The statuses still going on are counted by the daemon when they end; the rebuild counts what has ended.
    // A month of 500 operators is about a million rows: one INSERT and one commit (an fsync) each took half an hour
    // (bench/reports), so they go in multi-row INSERTs, a transaction per batch.
    const auto insertSql = [](std::size_t rows) {
        std::string sql = "INSERT INTO stats_operator_status_intervals (interval_start, operator, status, reason, "
                          "duration_ms) VALUES (?, ?, ?, ?, ?)";
        for (std::size_t i = 1; i < rows; ++i) sql += ", (?, ?, ?, ?, ?)";
        return sql;
    };
    constexpr std::size_t kRowsPerInsert = 1000;
    std::vector<decltype(sums)::const_iterator> batch;
    const auto flush = [&] {
        if (batch.empty()) return;
        sql::PreparedStatement& insert = session_.prepare(insertSql(batch.size()));
        unsigned column = 1;
        for (const auto& it : batch) {
            insert.setString(column++, quarterText(std::get<0>(it->first)));
            insert.setString(column++, std::get<1>(it->first));
            insert.setString(column++, std::get<2>(it->first));
            insert.setString(column++, std::get<3>(it->first));
            insert.setInt64(column++, it->second);
        }
        insert.executeUpdate();
        batch.clear();
    };
    std::size_t written = 0;
    session_.execute("START TRANSACTION");
    for (auto it = sums.cbegin(); it != sums.cend(); ++it) {
        batch.push_back(it);
        if (batch.size() == kRowsPerInsert) flush();
        if (++written % 100000 == 0) {
            session_.execute("COMMIT");
            progress_("operator statuses: " + std::to_string(written) + " of " + std::to_string(sums.size()) +
                      " quarter-hour rows written");
            session_.execute("START TRANSACTION");
        }
    }
    flush();
    session_.execute("COMMIT");
    progress_("operator statuses: " + std::to_string(rows) + " changes, " + std::to_string(sums.size()) +
              " quarter-hour rows");
}

void StatsRebuild::interactionStatuses() {
    // Each status an interaction left, in the quarter hour it left it, for the queue and channel it had then: the
    // history does not keep the queue, so the interaction's queue at the time of the change is taken from its
    // visits (the visit that covers the moment), else its queue now.
    chunked("interaction statuses", "interactions",
            {"INSERT INTO stats_status_intervals (interval_start, queue, channel, status, ended, duration_ms) SELECT " +
             quarterOf("n.created_at") + " q, COALESCE((SELECT v.queue FROM queue_visits v WHERE v.interaction_id = "
             "h.interaction_id AND v.started_at <= h.created_at AND v.ended_at >= n.created_at ORDER BY v.id LIMIT "
             "1), IF(h.to_status = 'new', '', COALESCE(i.queue, ''))), i.channel, h.to_status, COUNT(*), "
             "SUM(GREATEST(0, TIMESTAMPDIFF(MICROSECOND, h.created_at, n.created_at) DIV 1000)) FROM "
             "interaction_status_history h JOIN interaction_status_history n ON n.id = (SELECT MIN(m.id) FROM "
             "interaction_status_history m WHERE m.interaction_id = h.interaction_id AND m.id > h.id) JOIN "
             "interactions i ON i.id = h.interaction_id WHERE h.interaction_id BETWEEN ? AND ? GROUP BY q, 2, "
             "i.channel, h.to_status ON DUPLICATE KEY UPDATE ended = ended + VALUES(ended), duration_ms = "
             "duration_ms + VALUES(duration_ms)"});
}

void StatsRebuild::channelTraffic() {
    // Every interaction and message counts where it was created, as their events counted them.
    chunked("interactions opened", "interactions",
            {"INSERT INTO stats_channel_intervals (interval_start, channel, account, created) SELECT " +
             quarterOf("created_at") + " q, channel, account, COUNT(*) FROM interactions WHERE id BETWEEN ? AND ? "
             "GROUP BY q, channel, account ON DUPLICATE KEY UPDATE created = created + VALUES(created)"});
    chunked("messages", "messages",
            {"INSERT INTO stats_channel_intervals (interval_start, channel, account, inbound_messages, "
             "outbound_messages) SELECT " +
             quarterOf("created_at") + " q, channel, account, SUM(direction = 'in'), SUM(direction = 'out') FROM "
             "messages WHERE id BETWEEN ? AND ? GROUP BY q, channel, account ON DUPLICATE KEY UPDATE "
             "inbound_messages = inbound_messages + VALUES(inbound_messages), outbound_messages = "
             "outbound_messages + VALUES(outbound_messages)"});
    // An event still in the outbox counts when the relay publishes it: what it will add is taken away now, so the
    // rows it stands for are counted once in all.
    std::unique_ptr<sql::Statement> pending(session_.connection().createStatement());
    std::unique_ptr<sql::ResultSet> rs(pending->executeQuery(
        "SELECT topic, payload FROM outbox WHERE topic LIKE 'omnigate/v1/interactions/%' ORDER BY id"));
    ChannelTrafficTally tally;
    std::int64_t events = 0;
    while (rs->next()) {
        if (auto fact = trafficOfPublished(rs->getString(1), rs->getString(2))) {
            tally.add(*fact, -1);
            ++events;
        }
    }
    tally.write(session_);
    if (events > 0) {
        progress_("channel traffic: " + std::to_string(events) + " events still to be published count then");
    }
}

}  // namespace omnigate
