#include "store/queue_visits.h"

#include "db/db_time.h"
#include "model/queue_visit.h"

namespace omnigate {

void QueueVisits::record(const Interaction& before, const Interaction& after, const std::string& now) {
    const std::optional<VisitEnding> how = visitEnding(before, after);
    if (!how) return;
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO queue_visits (interaction_id, queue, channel, started_at, ended_at, ending, wait_ms, operator) "
        "VALUES (?, ?, ?, ?, ?, ?, GREATEST(0, TIMESTAMPDIFF(MICROSECOND, ?, ?) DIV 1000), NULLIF(?, ''))");
    const std::string started = isoToDbTime(before.queueEnteredAt);
    insert.setInt64(1, before.id);
    insert.setString(2, before.queue);
    insert.setString(3, before.channel);
    insert.setString(4, started);
    insert.setString(5, now);
    insert.setString(6, toString(*how));
    insert.setString(7, started);
    insert.setString(8, now);
    insert.setString(9, *how == VisitEnding::Answered ? after.operatorId : std::string());
    insert.executeUpdate();
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
}

}  // namespace omnigate
