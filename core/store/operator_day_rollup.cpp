#include "store/operator_day_rollup.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <stdexcept>

#include "db/db_time.h"
#include "model/local_day.h"

namespace omnigate {

namespace {

std::string dbTimeOf(std::int64_t micros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%d %H:%M:%S");
}

constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY

}  // namespace

std::set<std::int64_t> OperatorDayRollup::days(std::int64_t fromMicros, std::int64_t toMicros, std::int64_t nowMicros) {
    std::set<std::string> marked;
    {
        sql::PreparedStatement& q = session_.prepare(
            "SELECT DATE_FORMAT(day_start, '%Y-%m-%d %H:%i:%s') FROM stats_operator_rolled_days "
            "WHERE day_start >= ? AND day_start < ?");
        q.setString(1, dbTimeOf(fromMicros));
        q.setString(2, dbTimeOf(toMicros));
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        while (rs->next()) marked.insert(rs->getString(1));
    }
    std::set<std::int64_t> out;
    for (std::int64_t day = fromMicros; day + kDayMicros <= toMicros; day += kDayMicros) {
        // Marks of days cut at another offset fall between these and are not read.
        const bool settled = day + kDayMicros + kSettleMicros <= nowMicros;
        if (marked.count(dbTimeOf(day)) || (settled && rollUp(day))) out.insert(day);
    }
    return out;
}

void OperatorDayRollup::rollUpAll(int utcOffsetMinutes, std::int64_t nowMicros,
                                  const std::function<void(const std::string&)>& progress) {
    // The first quarter hour counted, if any.
    std::string first;
    {
        std::unique_ptr<sql::Statement> q(session_.connection().createStatement());
        std::unique_ptr<sql::ResultSet> rs(q->executeQuery(
            "SELECT DATE_FORMAT(LEAST(COALESCE((SELECT MIN(interval_start) FROM stats_operator_intervals), "
            "'9999-12-31'), COALESCE((SELECT MIN(interval_start) FROM stats_operator_status_intervals), "
            "'9999-12-31')), '%Y-%m-%d %H:%i:%s')"));
        if (rs->next()) first = rs->getString(1);
    }
    if (first.empty() || first.rfind("9999", 0) == 0) {
        progress("operator days: none");
        return;
    }
    int tz = 0;
    const std::int64_t from = localDayStart(
        Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S", first, tz).timestamp().epochMicroseconds(), utcOffsetMinutes);
    const std::int64_t total = (nowMicros - kSettleMicros - from) / kDayMicros;
    std::int64_t done = 0;
    for (std::int64_t day = from; day + kDayMicros + kSettleMicros <= nowMicros; day += kDayMicros) {
        if (!rollUp(day)) {
            throw std::runtime_error("rolling up the operators' day from " + dbTimeOf(day) + " was stopped by a lock");
        }
        ++done;
        if (done % 5 == 0 || done == total) {
            progress("operator days: " + std::to_string(done) + " of " + std::to_string(total) + " rolled up");
        }
    }
    if (done == 0) progress("operator days: none settled");
}

bool OperatorDayRollup::rollUp(std::int64_t dayStart) {
    const std::string day = dbTimeOf(dayStart), end = dbTimeOf(dayStart + kDayMicros);
    try {
        // Repeatable read, whatever the connection's last transaction used: INSERT … SELECT then locks the day's
        // quarter hours and the gaps between them until COMMIT, and the mark is written last. A write path that adds
        // to one of them (an operator's long status, counted back; it runs read committed) either did so before, and
        // this waits for its commit and sums what it wrote, or waits for this commit, then finds the mark and adds
        // to the day row as well (StatsFacts::statusEnded). Two daemons rolling up the same day: the second's rows
        // collide with the first's keys, it waits, and its duplicate key says the day is done.
        session_.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        session_.execute("START TRANSACTION");
        sql::PreparedStatement& statuses = session_.prepare(
            "INSERT INTO stats_operator_status_days (day_start, operator, status, reason, duration_ms) "
            "SELECT ?, operator, status, reason, SUM(duration_ms) FROM stats_operator_status_intervals "
            "WHERE interval_start >= ? AND interval_start < ? GROUP BY operator, status, reason");
        sql::PreparedStatement& counts = session_.prepare(
            "INSERT INTO stats_operator_days (day_start, operator, handled, handle_ms, first_responses, "
            "first_response_ms, ratings, rating_sum, ratings_top_two, not_responding) SELECT ?, operator, "
            "SUM(handled), SUM(handle_ms), SUM(first_responses), SUM(first_response_ms), SUM(ratings), "
            "SUM(rating_sum), SUM(ratings_top_two), SUM(not_responding) FROM stats_operator_intervals "
            "WHERE interval_start >= ? AND interval_start < ? GROUP BY operator");
        for (sql::PreparedStatement* insert : {&statuses, &counts}) {
            insert->setString(1, day);
            insert->setString(2, day);
            insert->setString(3, end);
            insert->executeUpdate();
        }
        sql::PreparedStatement& mark =
            session_.prepare("INSERT INTO stats_operator_rolled_days (day_start, rolled_at) VALUES (?, ?)");
        mark.setString(1, day);
        mark.setString(2, nowDbTime());
        mark.executeUpdate();
        session_.execute("COMMIT");
        return true;
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) {
            session_.markBroken();
            throw;
        }
        session_.execute("ROLLBACK");
        if (e.getErrorCode() == kDuplicateKey) return true;  // rolled up by another transaction, which committed
        if (isTransactionAborted(e)) return false;
        throw;
    }
}

}  // namespace omnigate
