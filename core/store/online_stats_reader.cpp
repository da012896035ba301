#include "store/online_stats_reader.h"

namespace omnigate {

std::map<QueueChannel, QueueCounts> OnlineStatsReader::queueCounts(const std::vector<std::string>& queues,
                                                                    const std::string& from) {
    std::map<QueueChannel, QueueCounts> out;
    if (queues.empty()) return out;
    std::string sql =
        "SELECT queue, channel, SUM(offered), SUM(answered), SUM(abandoned), SUM(short_abandoned), "
        "SUM(transferred_out), SUM(service_level_met), SUM(service_level_counted), SUM(answer_wait_ms), "
        "MAX(longest_wait_ms), SUM(handled), SUM(handle_ms), SUM(ratings), SUM(rating_sum), SUM(ratings_top_two) "
        "FROM stats_queue_intervals WHERE interval_start >= ? AND queue IN (?";
    for (std::size_t i = 1; i < queues.size(); ++i) sql += ", ?";
    sql += ") GROUP BY queue, channel";
    // Not prepared: the statement cache would keep one per number of queues.
    std::unique_ptr<sql::PreparedStatement> q(session_.connection().prepareStatement(sql));
    q->setString(1, from);
    unsigned i = 2;
    for (const std::string& queue : queues) q->setString(i++, queue);
    std::unique_ptr<sql::ResultSet> rs(q->executeQuery());
    while (rs->next()) {
        QueueCounts& c = out[{rs->getString(1), rs->getString(2)}];
        c.offered = rs->getInt64(3);
        c.answered = rs->getInt64(4);
        c.abandoned = rs->getInt64(5);
        c.shortAbandoned = rs->getInt64(6);
        c.transferredOut = rs->getInt64(7);
        c.serviceLevelMet = rs->getInt64(8);
        c.serviceLevelCounted = rs->getInt64(9);
        c.answerWaitMs = rs->getInt64(10);
        c.longestWaitMs = rs->getInt64(11);
        c.handled = rs->getInt64(12);
        c.handleMs = rs->getInt64(13);
        c.ratings = rs->getInt64(14);
        c.ratingSum = rs->getInt64(15);
        c.ratingsTopTwo = rs->getInt64(16);
    }
    return out;
}

std::map<QueueChannel, WaitingNow> OnlineStatsReader::waitingNow(const std::string& now) {
    std::map<QueueChannel, WaitingNow> out;
    sql::PreparedStatement& q = session_.prepare(
        "SELECT queue, channel, COUNT(*), GREATEST(0, COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(queue_entered_at), ?) "
        "DIV 1000, 0)) FROM interactions WHERE status IN ('queued', 'offered') AND queue IS NOT NULL "
        "GROUP BY queue, channel");
    q.setString(1, now);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    while (rs->next()) {
        WaitingNow& w = out[{rs->getString(1), rs->getString(2)}];
        w.waiting = rs->getInt64(3);
        w.longestWaitMs = rs->getInt64(4);
    }
    return out;
}

std::map<OperatorChannel, OperatorCounts> OnlineStatsReader::operatorCounts(const std::string& from) {
    std::map<OperatorChannel, OperatorCounts> out;
    sql::PreparedStatement& q = session_.prepare(
        "SELECT operator, channel, SUM(handled), SUM(handle_ms), SUM(first_responses), SUM(first_response_ms), "
        "SUM(ratings), SUM(rating_sum), SUM(ratings_top_two), SUM(not_responding) FROM stats_operator_intervals "
        "WHERE interval_start >= ? GROUP BY operator, channel");
    q.setString(1, from);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    while (rs->next()) {
        OperatorCounts& c = out[{rs->getString(1), rs->getString(2)}];
        c.handled = rs->getInt64(3);
        c.handleMs = rs->getInt64(4);
        c.firstResponses = rs->getInt64(5);
        c.firstResponseMs = rs->getInt64(6);
        c.ratings = rs->getInt64(7);
        c.ratingSum = rs->getInt64(8);
        c.ratingsTopTwo = rs->getInt64(9);
        c.notResponding = rs->getInt64(10);
    }
    return out;
}

std::map<OperatorChannel, std::int64_t> OnlineStatsReader::statusTimes(const std::string& from) {
    std::map<OperatorChannel, std::int64_t> out;
    sql::PreparedStatement& q = session_.prepare(
        "SELECT operator, status, SUM(duration_ms) FROM stats_operator_status_intervals WHERE interval_start >= ? "
        "GROUP BY operator, status");
    q.setString(1, from);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    while (rs->next()) out[{rs->getString(1), rs->getString(2)}] = rs->getInt64(3);
    return out;
}

std::map<OperatorChannel, std::int64_t> OnlineStatsReader::inWork() {
    std::map<OperatorChannel, std::int64_t> out;
    sql::PreparedStatement& q = session_.prepare(
        "SELECT operator, channel, COUNT(*) FROM interactions WHERE operator IS NOT NULL AND "
        "status IN ('offered', 'transferred', 'assigned') GROUP BY operator, channel");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    while (rs->next()) out[{rs->getString(1), rs->getString(2)}] = rs->getInt64(3);
    return out;
}

}  // namespace omnigate
