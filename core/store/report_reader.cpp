#include "store/report_reader.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>

#include "store/operator_day_rollup.h"

namespace omnigate {

std::string reportInClause(const char* column, const std::set<std::string>& values) {
    if (values.empty()) return "";
    std::string sql = std::string(" AND ") + column + " IN (?";
    for (std::size_t i = 1; i < values.size(); ++i) sql += ", ?";
    return sql + ")";
}

namespace {

// Not prepared through the session's cache: the statement differs with the number of values filtered on.
std::unique_ptr<sql::ResultSet> query(DbSession& session, const std::string& sql, const Ranges& ranges,
                                      const std::vector<const std::set<std::string>*>& sets) {
    std::unique_ptr<sql::PreparedStatement> q(session.connection().prepareStatement(sql));
    unsigned i = 1;
    for (const auto& [from, to] : ranges) {
        q->setString(i++, from);
        q->setString(i++, to);
    }
    for (const std::set<std::string>* set : sets) {
        for (const std::string& value : *set) q->setString(i++, value);
    }
    return std::unique_ptr<sql::ResultSet>(q->executeQuery());
}

std::unique_ptr<sql::ResultSet> query(DbSession& session, const std::string& sql, const ReportScope& scope,
                                      const std::vector<const std::set<std::string>*>& sets) {
    return query(session, sql, Ranges{{scope.from, scope.to}}, sets);
}

// "(column >= ? AND column < ?) OR …", a pair of placeholders per range.
std::string rangesClause(const char* column, std::size_t ranges) {
    std::string sql = "(";
    for (std::size_t i = 0; i < ranges; ++i) {
        if (i > 0) sql += " OR ";
        sql += std::string("(") + column + " >= ? AND " + column + " < ?)";
    }
    return sql + ")";
}

std::string dbTimeOf(std::int64_t micros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%d %H:%M:%S");
}

// The scope's period as runs of days read from the day rows and runs read from the quarter hours: for a month up
// to today, its days up to yesterday (once yesterday ended two hours ago), then today.
OperatorPeriod operatorPeriod(DbSession& session, const ReportScope& scope) {
    OperatorPeriod period;
    if (!scope.wholeDays) {
        period.quarters.emplace_back(scope.from, scope.to);
        return period;
    }
    const std::set<std::int64_t> rolled = OperatorDayRollup(session).days(
        scope.fromMicros, scope.toMicros, Poco::Timestamp().epochMicroseconds());
    // Consecutive days of a kind make one range: a month usually reads one range of each.
    for (std::int64_t day = scope.fromMicros; day < scope.toMicros;) {
        const bool isRolled = rolled.count(day) > 0;
        const std::int64_t start = day;
        while (day < scope.toMicros && (rolled.count(day) > 0) == isRolled) day += OperatorDayRollup::kDayMicros;
        Ranges& ranges = isRolled ? period.days : period.quarters;
        ranges.emplace_back(dbTimeOf(start), dbTimeOf(std::min(day, scope.toMicros)));
    }
    return period;
}

const char* kQueueSums =
    "SUM(offered), SUM(answered), SUM(abandoned), SUM(short_abandoned), SUM(transferred_out), SUM(service_level_met), "
    "SUM(service_level_counted), SUM(answer_wait_ms), MAX(longest_wait_ms), SUM(handled), SUM(handle_ms), "
    "SUM(ratings), SUM(rating_sum), SUM(ratings_top_two)";

QueueCounts readQueueCounts(sql::ResultSet& rs, unsigned first) {
    QueueCounts c;
    std::int64_t* fields[] = {&c.offered,         &c.answered,        &c.abandoned,    &c.shortAbandoned,
                              &c.transferredOut,  &c.serviceLevelMet, &c.serviceLevelCounted,
                              &c.answerWaitMs,    &c.longestWaitMs,   &c.handled,      &c.handleMs,
                              &c.ratings,         &c.ratingSum,       &c.ratingsTopTwo};
    for (std::int64_t* field : fields) *field = rs.getInt64(first++);
    return c;
}

}  // namespace

std::map<std::pair<std::string, std::string>, QueueCounts> ReportReader::queues(const ReportScope& scope) {
    const std::string sql = std::string("SELECT queue, channel, ") + kQueueSums +
                            " FROM stats_queue_intervals WHERE interval_start >= ? AND interval_start < ?" +
                            reportInClause("queue", scope.queues) + reportInClause("channel", scope.channels) +
                            " GROUP BY queue, channel";
    std::map<std::pair<std::string, std::string>, QueueCounts> out;
    auto rs = query(session_, sql, scope, {&scope.queues, &scope.channels});
    while (rs->next()) out[{rs->getString(1), rs->getString(2)}] = readQueueCounts(*rs, 3);
    return out;
}

std::map<std::string, QueueCounts> ReportReader::quarters(const ReportScope& scope) {
    const std::string sql = std::string("SELECT DATE_FORMAT(interval_start, '%Y-%m-%d %H:%i:%s'), ") + kQueueSums +
                            " FROM stats_queue_intervals WHERE interval_start >= ? AND interval_start < ?" +
                            reportInClause("queue", scope.queues) + reportInClause("channel", scope.channels) +
                            " GROUP BY interval_start";
    std::map<std::string, QueueCounts> out;
    auto rs = query(session_, sql, scope, {&scope.queues, &scope.channels});
    while (rs->next()) out[rs->getString(1)] = readQueueCounts(*rs, 2);
    return out;
}

std::map<std::string, OperatorCounts> ReportReader::operators(const ReportScope& scope) {
    const OperatorPeriod period = operatorPeriod(session_, scope);
    std::map<std::string, OperatorCounts> out;
    const auto read = [&](const char* table, const char* column, const Ranges& ranges) {
        if (ranges.empty()) return;
        const std::string sql =
            std::string("SELECT operator, SUM(handled), SUM(handle_ms), SUM(first_responses), SUM(first_response_ms), "
                        "SUM(ratings), SUM(rating_sum), SUM(ratings_top_two), SUM(not_responding) FROM ") +
            table + " WHERE " + rangesClause(column, ranges.size()) + reportInClause("operator", scope.operators) +
            " GROUP BY operator";
        auto rs = query(session_, sql, ranges, {&scope.operators});
        while (rs->next()) {
            OperatorCounts& c = out[rs->getString(1)];
            c.handled += rs->getInt64(2);
            c.handleMs += rs->getInt64(3);
            c.firstResponses += rs->getInt64(4);
            c.firstResponseMs += rs->getInt64(5);
            c.ratings += rs->getInt64(6);
            c.ratingSum += rs->getInt64(7);
            c.ratingsTopTwo += rs->getInt64(8);
            c.notResponding += rs->getInt64(9);
        }
    };
    read("stats_operator_days", "day_start", period.days);
    read("stats_operator_intervals", "interval_start", period.quarters);
    for (const auto& [key, ms] : statusTimes(scope, period)) out[key[0]].addStatusTime(key[1], ms);
    return out;
}

std::map<std::vector<std::string>, std::int64_t> ReportReader::statusTimes(const ReportScope& scope) {
    return statusTimes(scope, operatorPeriod(session_, scope));
}

std::map<std::vector<std::string>, std::int64_t> ReportReader::statusTimes(const ReportScope& scope,
                                                                           const OperatorPeriod& period) {
    std::map<std::vector<std::string>, std::int64_t> out;
    const auto read = [&](const char* table, const char* column, const Ranges& ranges) {
        if (ranges.empty()) return;
        const std::string sql = std::string("SELECT operator, status, reason, SUM(duration_ms) FROM ") + table +
                                " WHERE " + rangesClause(column, ranges.size()) +
                                reportInClause("operator", scope.operators) + " GROUP BY operator, status, reason";
        auto rs = query(session_, sql, ranges, {&scope.operators});
        while (rs->next()) out[{rs->getString(1), rs->getString(2), rs->getString(3)}] += rs->getInt64(4);
    };
    read("stats_operator_status_days", "day_start", period.days);
    read("stats_operator_status_intervals", "interval_start", period.quarters);
    return out;
}

std::map<std::int64_t, TopicCounts> ReportReader::topics(const ReportScope& scope) {
    const std::string sql =
        "SELECT topic_id, SUM(closed), SUM(handled), SUM(handle_ms) FROM stats_topic_intervals "
        "WHERE interval_start >= ? AND interval_start < ?" + reportInClause("queue", scope.queues) +
        reportInClause("channel", scope.channels) + reportInClause("topic_id", scope.topics) + " GROUP BY topic_id";
    std::map<std::int64_t, TopicCounts> out;
    auto rs = query(session_, sql, scope, {&scope.queues, &scope.channels, &scope.topics});
    while (rs->next()) out[rs->getInt64(1)] = TopicCounts{rs->getInt64(2), rs->getInt64(3), rs->getInt64(4)};
    return out;
}

std::map<int, std::int64_t> ReportReader::ratings(const ReportScope& scope) {
    const std::string sql =
        "SELECT rating, SUM(ratings) FROM stats_rating_intervals WHERE interval_start >= ? AND interval_start < ?" +
        reportInClause("queue", scope.queues) + reportInClause("channel", scope.channels) +
        reportInClause("operator", scope.operators) + " GROUP BY rating";
    std::map<int, std::int64_t> out;
    auto rs = query(session_, sql, scope, {&scope.queues, &scope.channels, &scope.operators});
    while (rs->next()) out[rs->getInt(1)] = rs->getInt64(2);
    return out;
}

std::map<std::string, StatusCounts> ReportReader::statuses(const ReportScope& scope) {
    const std::string sql =
        "SELECT status, SUM(ended), SUM(duration_ms) FROM stats_status_intervals "
        "WHERE interval_start >= ? AND interval_start < ?" + reportInClause("queue", scope.queues) +
        reportInClause("channel", scope.channels) + " GROUP BY status";
    std::map<std::string, StatusCounts> out;
    auto rs = query(session_, sql, scope, {&scope.queues, &scope.channels});
    while (rs->next()) out[rs->getString(1)] = StatusCounts{rs->getInt64(2), rs->getInt64(3)};
    return out;
}

std::map<std::pair<std::string, std::string>, ChannelTraffic> ReportReader::channels(const ReportScope& scope) {
    const std::string sql =
        "SELECT channel, account, SUM(created), SUM(inbound_messages), SUM(outbound_messages) FROM "
        "stats_channel_intervals WHERE interval_start >= ? AND interval_start < ?" + reportInClause("channel", scope.channels) +
        " GROUP BY channel, account";
    std::map<std::pair<std::string, std::string>, ChannelTraffic> out;
    auto rs = query(session_, sql, scope, {&scope.channels});
    while (rs->next()) {
        out[{rs->getString(1), rs->getString(2)}] = ChannelTraffic{rs->getInt64(3), rs->getInt64(4), rs->getInt64(5)};
    }
    return out;
}

std::map<std::int64_t, TemplateUsage> ReportReader::templateUses(const ReportScope& scope) {
    const std::string sql =
        "SELECT u.template_id, t.title, t.owner_operator_id IS NOT NULL, COUNT(*), COUNT(DISTINCT u.operator_id), "
        "COUNT(DISTINCT u.interaction_id) FROM response_template_uses u JOIN response_templates t ON t.id = u.template_id "
        "WHERE u.used_at >= ? AND u.used_at < ?" + reportInClause("u.queue_id", scope.queues) +
        reportInClause("u.operator_id", scope.operators) + " GROUP BY u.template_id, t.title, t.owner_operator_id";
    std::map<std::int64_t, TemplateUsage> out;
    auto rs = query(session_, sql, scope, {&scope.queues, &scope.operators});
    while (rs->next()) {
        out[rs->getInt64(1)] = TemplateUsage{rs->getString(2), rs->getBoolean(3), rs->getInt64(4), rs->getInt64(5),
                                             rs->getInt64(6)};
    }
    return out;
}

}  // namespace omnigate
