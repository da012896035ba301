#include "stats/today_aggregates.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <cppconn/exception.h>

#include <algorithm>

#include "store/report_reader.h"

namespace omnigate {

namespace {

constexpr std::int64_t kQuarterMicros = 15LL * 60 * 1000 * 1000;
// How far behind now the boundary stays: a fact is written with the time its transaction began, so one that
// commits after the sums were taken must be later than the boundary. Transactions last milliseconds.
constexpr std::int64_t kSettleMicros = 2LL * 60 * 1000 * 1000;
constexpr const char* kEndOfTime = "9999-12-31 00:00:00";

std::string dbTimeOf(std::int64_t epochMicros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(epochMicros), "%Y-%m-%d %H:%M:%S.%i");
}

std::int64_t microsOfDbTime(const std::string& dbTime) {
    int tz = 0;
    Poco::DateTime parsed;
    if (!Poco::DateTimeParser::tryParse("%Y-%m-%d %H:%M:%S.%i", dbTime, parsed, tz)) return 0;
    return parsed.timestamp().epochMicroseconds();
}

std::int64_t quarterCeil(std::int64_t micros) {
    return (micros + kQuarterMicros - 1) / kQuarterMicros * kQuarterMicros;
}

ReportScope period(const std::string& from, const std::string& to) {
    ReportScope scope;
    scope.from = from;
    scope.to = to;
    return scope;
}

}  // namespace

TodayAggregates::Day TodayAggregates::read(DbSession& session,
                                           const std::map<std::string, std::set<std::string>>& queuesByDayStart,
                                           std::int64_t midnightMicros, std::int64_t nowMicros) {
    std::set<std::string> dayStarts;
    for (const auto& entry : queuesByDayStart) dayStarts.insert(entry.first);
    const std::int64_t boundary = (nowMicros - kSettleMicros) / kQuarterMicros * kQuarterMicros;
    Kept kept;
    {
        // The publisher and REST requests read at once; the sums are taken by one of them, the others wait.
        std::lock_guard<std::mutex> lock(mutex_);
        if (boundary != kept_.boundary || midnightMicros != kept_.midnight || dayStarts != kept_.dayStarts) {
            keep(session, dayStarts, midnightMicros, boundary);
        }
        kept = kept_;
    }
    ReportReader aggregates(session);
    const std::string boundaryText = dbTimeOf(boundary);
    Day day;
    for (const auto& [from, queues] : queuesByDayStart) {
        // A day that began after the boundary has nothing kept: all of it is read.
        const bool keptPart = microsOfDbTime(from) < boundary;
        ReportScope live = period(keptPart ? boundaryText : from, kEndOfTime);
        live.queues = queues;
        day.queues.merge(aggregates.queues(live));
        if (!keptPart) continue;
        for (const auto& [key, counts] : kept.queues[from]) {
            if (queues.count(key.first) != 0) day.queues[key].add(counts);
        }
    }
    const bool keptOperators = midnightMicros < boundary;
    day.operators = aggregates.operators(period(keptOperators ? boundaryText : dbTimeOf(midnightMicros), kEndOfTime));
    if (keptOperators) {
        for (const auto& [id, counts] : kept.operators) day.operators[id].add(counts);
    }
    day.currentStatusFrom = keptOperators ? boundary : midnightMicros;
    return day;
}

void TodayAggregates::keep(DbSession& session, const std::set<std::string>& dayStarts, std::int64_t midnight,
                           std::int64_t boundary) {
    Kept kept;
    kept.boundary = boundary;
    kept.midnight = midnight;
    kept.dayStarts = dayStarts;
    const std::string boundaryText = dbTimeOf(boundary);
    ReportReader aggregates(session);
    // The sums and the statuses in progress as of one moment: a status that ends between two separate reads
    // would be counted twice or not at all.
    session.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    try {
        for (const std::string& from : dayStarts) {
            if (microsOfDbTime(from) < boundary) kept.queues[from] = aggregates.queues(period(from, boundaryText));
        }
        if (midnight < boundary) {
            kept.operators = aggregates.operators(period(dbTimeOf(midnight), boundaryText));
            // What the end of each status in progress will write into the kept quarter hours (rows from the first
            // quarter hour of the day on): its time from then, or from its start, up to the boundary.
            const std::int64_t firstKept = quarterCeil(midnight);
            sql::PreparedStatement& inProgress = session.prepare(
                "SELECT id, status, DATE_FORMAT(status_since, '%Y-%m-%d %H:%i:%s.%f') FROM operators WHERE status <> "
                "'offline' AND status_since < ?");
            inProgress.setString(1, boundaryText);
            std::unique_ptr<sql::ResultSet> rs(inProgress.executeQuery());
            while (rs->next()) {
                const std::int64_t since = std::max(microsOfDbTime(rs->getString(3).substr(0, 23)), firstKept);
                if (since >= boundary) continue;
                kept.operators[rs->getString(1)].addStatusTime(rs->getString(2), (boundary - since) / 1000);
            }
        }
        session.execute("COMMIT");
    } catch (...) {
        try {
            session.execute("ROLLBACK");
        } catch (const sql::SQLException&) {
            // The connection broke, which ended the transaction too.
        }
        throw;
    }
    kept_ = std::move(kept);
}

}  // namespace omnigate
