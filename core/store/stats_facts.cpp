#include "store/stats_facts.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "db/db_time.h"
#include "model/local_day.h"
#include "model/online_figures.h"
#include "store/operator_day_rollup.h"
#include "store/queue_visits.h"

namespace omnigate {

const char* const kInteractionHandleMsSql =
    "GREATEST(0, TIMESTAMPDIFF(MICROSECOND, i.accepted_at, i.closed_at) DIV 1000 - COALESCE((SELECT "
    "SUM(TIMESTAMPDIFF(MICROSECOND, h.created_at, COALESCE((SELECT MIN(n.created_at) FROM interaction_status_history n "
    "WHERE n.interaction_id = h.interaction_id AND n.id > h.id), i.closed_at)) DIV 1000) FROM "
    "interaction_status_history h WHERE h.interaction_id = i.id AND h.to_status = 'postponed' AND h.created_at >= "
    "i.accepted_at), 0))";

namespace {

// Upserts add to a quarter hour's row: the same statement whether the row is new or not.
const char* kQueueUpsert =
    "INSERT INTO stats_queue_intervals (interval_start, queue, channel, offered, answered, abandoned, "
    "short_abandoned, transferred_out, service_level_met, service_level_counted, answer_wait_ms, longest_wait_ms, "
    "handled, handle_ms, ratings, rating_sum, ratings_top_two) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?) ON DUPLICATE KEY UPDATE offered = offered + VALUES(offered), answered = answered + VALUES(answered), "
    "abandoned = abandoned + VALUES(abandoned), short_abandoned = short_abandoned + VALUES(short_abandoned), "
    "transferred_out = transferred_out + VALUES(transferred_out), "
    "service_level_met = service_level_met + VALUES(service_level_met), "
    "service_level_counted = service_level_counted + VALUES(service_level_counted), "
    "answer_wait_ms = answer_wait_ms + VALUES(answer_wait_ms), "
    "longest_wait_ms = GREATEST(longest_wait_ms, VALUES(longest_wait_ms)), handled = handled + VALUES(handled), "
    "handle_ms = handle_ms + VALUES(handle_ms), ratings = ratings + VALUES(ratings), "
    "rating_sum = rating_sum + VALUES(rating_sum), ratings_top_two = ratings_top_two + VALUES(ratings_top_two)";

const char* kOperatorUpsert =
    "INSERT INTO stats_operator_intervals (interval_start, operator, channel, handled, handle_ms, first_responses, "
    "first_response_ms, ratings, rating_sum, ratings_top_two, not_responding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?) ON DUPLICATE KEY UPDATE handled = handled + VALUES(handled), handle_ms = handle_ms + VALUES(handle_ms), "
    "first_responses = first_responses + VALUES(first_responses), "
    "first_response_ms = first_response_ms + VALUES(first_response_ms), ratings = ratings + VALUES(ratings), "
    "rating_sum = rating_sum + VALUES(rating_sum), ratings_top_two = ratings_top_two + VALUES(ratings_top_two), "
    "not_responding = not_responding + VALUES(not_responding)";

void addQueue(DbSession& session, const std::string& interval, const std::string& queue, const std::string& channel,
              const QueueCounts& r) {
    sql::PreparedStatement& upsert = session.prepare(kQueueUpsert);
    upsert.setString(1, interval);
    upsert.setString(2, queue);
    upsert.setString(3, channel);
    unsigned i = 4;
    for (std::int64_t v : {r.offered, r.answered, r.abandoned, r.shortAbandoned, r.transferredOut, r.serviceLevelMet,
                           r.serviceLevelCounted, r.answerWaitMs, r.longestWaitMs, r.handled, r.handleMs, r.ratings,
                           r.ratingSum, r.ratingsTopTwo}) {
        upsert.setInt64(i++, v);
    }
    upsert.executeUpdate();
}

void addOperator(DbSession& session, const std::string& interval, const std::string& op, const std::string& channel,
                 const OperatorCounts& r) {
    sql::PreparedStatement& upsert = session.prepare(kOperatorUpsert);
    upsert.setString(1, interval);
    upsert.setString(2, op);
    upsert.setString(3, channel);
    unsigned i = 4;
    for (std::int64_t v : {r.handled, r.handleMs, r.firstResponses, r.firstResponseMs, r.ratings, r.ratingSum,
                           r.ratingsTopTwo, r.notResponding}) {
        upsert.setInt64(i++, v);
    }
    upsert.executeUpdate();
}

}  // namespace

void StatsFacts::changed(const Interaction& before, const Interaction& after, const std::string& now) {
    QueueVisits(session_).record(before, after, now);
    if (before.status == after.status) return;
    statusEnded(before, now);
    if (after.status != InteractionStatus::Closed) return;
    const std::int64_t handleMs = before.acceptedAt.empty() || before.operatorId.empty() ? -1 : closed(before, now);
    // Its topics as filed at the close, each once.
    sql::PreparedStatement& topics = session_.prepare(
        "INSERT INTO stats_topic_intervals (interval_start, topic_id, queue, channel, closed, handled, handle_ms) "
        "SELECT ?, topic_id, ?, ?, 1, ?, ? FROM interaction_topics WHERE interaction_id = ? "
        "ON DUPLICATE KEY UPDATE closed = closed + 1, handled = handled + VALUES(handled), "
        "handle_ms = handle_ms + VALUES(handle_ms)");
    topics.setString(1, quarterHourOf(now));
    topics.setString(2, before.queue);
    topics.setString(3, before.channel);
    topics.setInt(4, handleMs >= 0 ? 1 : 0);
    topics.setInt64(5, std::max<std::int64_t>(handleMs, 0));
    topics.setInt64(6, before.id);
    topics.executeUpdate();
}

void StatsFacts::statusEnded(const Interaction& before, const std::string& now) {
    // Since it last entered that status (the history has every entry; the change being made is a later one).
    sql::PreparedStatement& q = session_.prepare(
        "SELECT COALESCE(GREATEST(0, TIMESTAMPDIFF(MICROSECOND, MAX(created_at), ?) DIV 1000), 0) "
        "FROM interaction_status_history WHERE interaction_id = ? AND to_status = ?");
    q.setString(1, now);
    q.setInt64(2, before.id);
    q.setString(3, toString(before.status));
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    const std::int64_t ms = rs->next() ? rs->getInt64(1) : 0;
    sql::PreparedStatement& upsert = session_.prepare(
        "INSERT INTO stats_status_intervals (interval_start, queue, channel, status, ended, duration_ms) "
        "VALUES (?, ?, ?, ?, 1, ?) ON DUPLICATE KEY UPDATE ended = ended + 1, duration_ms = duration_ms + "
        "VALUES(duration_ms)");
    upsert.setString(1, quarterHourOf(now));
    upsert.setString(2, before.queue);
    upsert.setString(3, before.channel);
    upsert.setString(4, toString(before.status));
    upsert.setInt64(5, ms);
    upsert.executeUpdate();
}

void StatsFacts::visitEnded(const EndedVisit& v, const std::string& now) {
    QueueCounts row;
    row.offered = 1;
    row.answered = v.ending == VisitEnding::Answered ? 1 : 0;
    row.abandoned = v.ending == VisitEnding::Abandoned ? 1 : 0;
    row.shortAbandoned = v.shortAbandon ? 1 : 0;
    row.transferredOut = v.ending == VisitEnding::Left ? 1 : 0;
    row.serviceLevelMet = v.serviceLevelMet ? 1 : 0;
    row.serviceLevelCounted = v.serviceLevelCounted ? 1 : 0;
    row.answerWaitMs = v.ending == VisitEnding::Answered ? v.waitMs : 0;
    row.longestWaitMs = v.waitMs;
    addQueue(session_, quarterHourOf(now), v.queue, v.channel, row);
}

std::int64_t StatsFacts::closed(const Interaction& before, const std::string& now) {
    // Handle time: from the accept to the close, less the time it spent postponed meanwhile (docs/metrics.md).
    const std::string accepted = isoToDbTime(before.acceptedAt);
    sql::PreparedStatement& q = session_.prepare(
        "SELECT GREATEST(0, TIMESTAMPDIFF(MICROSECOND, ?, ?) DIV 1000 - COALESCE((SELECT SUM(TIMESTAMPDIFF("
        "MICROSECOND, h.created_at, COALESCE((SELECT MIN(n.created_at) FROM interaction_status_history n WHERE "
        "n.interaction_id = h.interaction_id AND n.id > h.id), ?)) DIV 1000) FROM interaction_status_history h "
        "WHERE h.interaction_id = ? AND h.to_status = 'postponed' AND h.created_at >= ?), 0))");
    q.setString(1, accepted);
    q.setString(2, now);
    q.setString(3, now);
    q.setInt64(4, before.id);
    q.setString(5, accepted);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    const std::int64_t handleMs = rs->next() ? rs->getInt64(1) : 0;
    const std::string interval = quarterHourOf(now);
    if (!before.queue.empty()) {
        QueueCounts row;
        row.handled = 1;
        row.handleMs = handleMs;
        addQueue(session_, interval, before.queue, before.channel, row);
    }
    OperatorCounts row;
    row.handled = 1;
    row.handleMs = handleMs;
    addOperator(session_, interval, before.operatorId, before.channel, row);
    return handleMs;
}

void StatsFacts::firstResponse(std::int64_t interactionId, const std::string& now) {
    // The clock starts with the interaction: its first client message opened it (docs/metrics.md).
    sql::PreparedStatement& q = session_.prepare(
        "SELECT operator, channel, GREATEST(0, TIMESTAMPDIFF(MICROSECOND, created_at, ?) DIV 1000) FROM interactions "
        "WHERE id = ? AND operator IS NOT NULL");
    q.setString(1, now);
    q.setInt64(2, interactionId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return;
    OperatorCounts row;
    row.firstResponses = 1;
    row.firstResponseMs = rs->getInt64(3);
    addOperator(session_, quarterHourOf(now), rs->getString(1), rs->getString(2), row);
}

void StatsFacts::rated(const Interaction& interaction, int rating, const std::string& now) {
    const std::string interval = quarterHourOf(now);
    sql::PreparedStatement& byValue = session_.prepare(
        "INSERT INTO stats_rating_intervals (interval_start, queue, channel, operator, rating, ratings) "
        "VALUES (?, ?, ?, ?, ?, 1) ON DUPLICATE KEY UPDATE ratings = ratings + 1");
    byValue.setString(1, interval);
    byValue.setString(2, interaction.queue);
    byValue.setString(3, interaction.channel);
    byValue.setString(4, interaction.operatorId);
    byValue.setInt(5, rating);
    byValue.executeUpdate();
    if (!interaction.queue.empty()) {
        QueueCounts row;
        row.ratings = 1;
        row.ratingSum = rating;
        row.ratingsTopTwo = rating >= 4 ? 1 : 0;
        addQueue(session_, interval, interaction.queue, interaction.channel, row);
    }
    if (!interaction.operatorId.empty()) {
        OperatorCounts row;
        row.ratings = 1;
        row.ratingSum = rating;
        row.ratingsTopTwo = rating >= 4 ? 1 : 0;
        addOperator(session_, interval, interaction.operatorId, interaction.channel, row);
    }
}

void StatsFacts::statusEnded(const std::string& operatorId, const std::string& status, const std::string& reason,
                             const std::string& since, const std::string& now) {
    if (status == "offline" || since.empty()) return;
    int tz = 0;
    const auto micros = [&](const std::string& text) {
        return Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S.%i", text, tz).timestamp().epochMicroseconds();
    };
    constexpr std::int64_t kQuarter = 15LL * 60 * 1000 * 1000;
    const std::int64_t from = micros(since);
    const std::int64_t to = micros(now);
    sql::PreparedStatement& upsert = session_.prepare(
        "INSERT INTO stats_operator_status_intervals (interval_start, operator, status, reason, duration_ms) "
        "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE duration_ms = duration_ms + VALUES(duration_ms)");
    const std::string kept = status == "break" ? reason.substr(0, 64) : std::string();
    const bool mayReachRolledDays = to - from >= OperatorDayRollup::kReachMicros;
    std::vector<std::pair<std::int64_t, std::int64_t>> pieces;  // quarter, ms: kept only when they may be needed
    for (std::int64_t start = from; start < to;) {
        const std::int64_t quarter = start - start % kQuarter;
        const std::int64_t end = std::min(quarter + kQuarter, to);
        upsert.setString(1, Poco::DateTimeFormatter::format(Poco::Timestamp(quarter), "%Y-%m-%d %H:%M:%S"));
        upsert.setString(2, operatorId);
        upsert.setString(3, status);
        upsert.setString(4, kept);
        upsert.setInt64(5, (end - start) / 1000);
        upsert.executeUpdate();
        if (mayReachRolledDays) pieces.emplace_back(quarter, (end - start) / 1000);
        start = end;
    }
    if (!mayReachRolledDays) return;
    // A long status (a night shift's, one left on over a weekend) also adds its quarter hours' time to the days
    // already rolled up (store/operator_day_rollup.h), so a report reads the same from either. Looked for only after
    // the quarter hours are written, with a locking read: a rollup of one of those days either summed them already
    // (it waited for this transaction) or commits its mark before this read returns (these writes waited for it).
    // The day rows are keyed by when they start in UTC, so days cut at any offset are kept right alike.
    sql::PreparedStatement& rolled = session_.prepare(
        "SELECT DATE_FORMAT(day_start, '%Y-%m-%d %H:%i:%s') FROM stats_operator_rolled_days "
        "WHERE day_start > ? AND day_start < ? LOCK IN SHARE MODE");
    const std::int64_t firstQuarter = from - from % kQuarter;
    rolled.setString(1, Poco::DateTimeFormatter::format(Poco::Timestamp(firstQuarter - OperatorDayRollup::kDayMicros),
                                                        "%Y-%m-%d %H:%M:%S"));
    rolled.setString(2, now);
    std::vector<std::int64_t> days;
    {
        std::unique_ptr<sql::ResultSet> rs(rolled.executeQuery());
        while (rs->next()) days.push_back(micros(std::string(rs->getString(1)) + ".000"));
    }
    sql::PreparedStatement& addToDay = session_.prepare(
        "INSERT INTO stats_operator_status_days (day_start, operator, status, reason, duration_ms) "
        "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE duration_ms = duration_ms + VALUES(duration_ms)");
    for (const std::int64_t day : days) {
        std::int64_t ms = 0;
        bool reached = false;  // as a quarter hour's row, a day's exists once anything was counted in it
        for (const auto& [quarter, pieceMs] : pieces) {
            if (quarter < day || quarter >= day + OperatorDayRollup::kDayMicros) continue;
            reached = true;
            ms += pieceMs;
        }
        if (!reached) continue;
        addToDay.setString(1, Poco::DateTimeFormatter::format(Poco::Timestamp(day), "%Y-%m-%d %H:%M:%S"));
        addToDay.setString(2, operatorId);
        addToDay.setString(3, status);
        addToDay.setString(4, kept);
        addToDay.setInt64(5, ms);
        addToDay.executeUpdate();
    }
}

void StatsFacts::notResponding(const std::string& operatorId, const std::string& now) {
    OperatorCounts row;
    row.notResponding = 1;
    addOperator(session_, quarterHourOf(now), operatorId, "", row);
}

}  // namespace omnigate
