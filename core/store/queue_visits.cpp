#include "store/queue_visits.h"

#include "db/db_time.h"
#include "model/local_day.h"
#include "model/queue_visit.h"
#include "store/queue_store.h"
#include "store/stats_facts.h"

namespace omnigate {

void QueueVisits::record(const Interaction& before, const Interaction& after, const std::string& now) {
    const std::optional<VisitEnding> how = visitEnding(before, after);
    if (!how) return;
    const std::string started = isoToDbTime(before.queueEnteredAt);
    sql::PreparedStatement& wait = session_.prepare("SELECT GREATEST(0, TIMESTAMPDIFF(MICROSECOND, ?, ?) DIV 1000)");
    wait.setString(1, started);
    wait.setString(2, now);
    std::unique_ptr<sql::ResultSet> rs(wait.executeQuery());
    StatsFacts::EndedVisit visit;
    visit.queue = before.queue;
    visit.channel = before.channel;
    visit.ending = *how;
    visit.waitMs = rs->next() ? rs->getInt64(1) : 0;
    // The service level's settings as they are when the visit ends (docs/metrics.md, "Service level").
    const std::optional<Queue> queue = QueueStore(session_).find(before.queue);
    const ServiceLevel level = queue ? queue->serviceLevel(before.channel) : ServiceLevel{};
    visit.shortAbandon = *how == VisitEnding::Abandoned && visit.waitMs <= level.shortAbandonSeconds * 1000LL;
    visit.serviceLevelMet = *how == VisitEnding::Answered && visit.waitMs <= level.thresholdSeconds * 1000LL;
    visit.serviceLevelCounted = *how == VisitEnding::Answered ||
                                (*how == VisitEnding::Abandoned && level.countAbandons && !visit.shortAbandon);

    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO queue_visits (interaction_id, queue, channel, started_at, ended_at, ending, wait_ms, operator, "
        "short_abandon, service_level_met, service_level_counted) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?)");
    insert.setInt64(1, before.id);
    insert.setString(2, before.queue);
    insert.setString(3, before.channel);
    insert.setString(4, started);
    insert.setString(5, now);
    insert.setString(6, toString(*how));
    insert.setInt64(7, visit.waitMs);
    insert.setString(8, *how == VisitEnding::Answered ? after.operatorId : std::string());
    insert.setInt(9, visit.shortAbandon ? 1 : 0);
    insert.setInt(10, visit.serviceLevelMet ? 1 : 0);
    insert.setInt(11, visit.serviceLevelCounted ? 1 : 0);
    insert.executeUpdate();
    StatsFacts(session_).visitEnded(visit, now);
}

void QueueVisits::leaveQueue(const std::string& queue, const std::string& now) {
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO queue_visits (interaction_id, queue, channel, started_at, ended_at, ending, wait_ms) "
        "SELECT id, queue, channel, queue_entered_at, ?, 'left', "
        "GREATEST(0, TIMESTAMPDIFF(MICROSECOND, queue_entered_at, ?) DIV 1000) FROM interactions "
        "WHERE queue = ? AND status IN ('queued', 'offered') AND queue_entered_at IS NOT NULL");
    insert.setString(1, now);
    insert.setString(2, now);
    insert.setString(3, queue);
    insert.executeUpdate();
    // The same visits into the quarter hour's aggregate, per channel, in one statement.
    sql::PreparedStatement& aggregate = session_.prepare(
        "INSERT INTO stats_queue_intervals (interval_start, queue, channel, offered, transferred_out, longest_wait_ms) "
        "SELECT ?, queue, channel, COUNT(*), COUNT(*), MAX(GREATEST(0, TIMESTAMPDIFF(MICROSECOND, queue_entered_at, ?) "
        "DIV 1000)) FROM interactions WHERE queue = ? AND status IN ('queued', 'offered') AND queue_entered_at IS NOT "
        "NULL GROUP BY queue, channel ON DUPLICATE KEY UPDATE offered = offered + VALUES(offered), "
        "transferred_out = transferred_out + VALUES(transferred_out), "
        "longest_wait_ms = GREATEST(longest_wait_ms, VALUES(longest_wait_ms))");
    aggregate.setString(1, quarterHourOf(now));
    aggregate.setString(2, now);
    aggregate.setString(3, queue);
    aggregate.executeUpdate();
}

}  // namespace omnigate
