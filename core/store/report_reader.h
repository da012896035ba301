// What the reports read (docs/reports.md): the 15-minute aggregates over a period, summed as each report groups
// them, and for the operators the rows per local day of its whole days. No report reads the raw histories.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/online_figures.h"

namespace omnigate {

// Which rows count: empty sets take everything.
struct ReportScope {
    std::string from, to;  // database times, [from, to)
    // A report's period is whole local days from fromMicros (UTC microseconds, [fromMicros, toMicros)): the operator
    // figures then read the days rolled up per day (store/operator_day_rollup.h) from their day rows and only the
    // rest from the quarter hours. False for a part of a day, such as the online snapshot's today so far.
    bool wholeDays = false;
    std::int64_t fromMicros = 0, toMicros = 0;
    std::set<std::string> queues, channels, operators, topics;
};

struct TopicCounts {
    std::int64_t closed = 0, handled = 0, handleMs = 0;
};

struct StatusCounts {
    std::int64_t ended = 0, durationMs = 0;
};

struct TemplateUsage {
    std::string title;
    bool personal = false;
    std::int64_t uses = 0, operators = 0, interactions = 0;
};

struct ChannelTraffic {
    std::int64_t created = 0, inbound = 0, outbound = 0;
};

// Ranges [from, to) of database times.
using Ranges = std::vector<std::pair<std::string, std::string>>;

// Where a scope's operator figures are read: the day rows of `days`, the quarter hours of `quarters`.
struct OperatorPeriod {
    Ranges days, quarters;
};

// " AND column IN (?, ?, …)" with a placeholder per value of a filter; empty when the filter takes everything.
std::string reportInClause(const char* column, const std::set<std::string>& values);

class ReportReader {
public:
    explicit ReportReader(DbSession& session) : session_(session) {}

    // Per queue and channel.
    std::map<std::pair<std::string, std::string>, QueueCounts> queues(const ReportScope& scope);
    // Per quarter hour (database time of its start), every queue and channel in scope together.
    std::map<std::string, QueueCounts> quarters(const ReportScope& scope);
    // Per operator (channels together), with their time per status.
    std::map<std::string, OperatorCounts> operators(const ReportScope& scope);
    // Per operator, status and break reason: milliseconds.
    std::map<std::vector<std::string>, std::int64_t> statusTimes(const ReportScope& scope);

    // Per topic id, the interactions closed with it.
    std::map<std::int64_t, TopicCounts> topics(const ReportScope& scope);
    // Per rating 1 to 5, how many.
    std::map<int, std::int64_t> ratings(const ReportScope& scope);
    // Per interaction status, how many times it ended and for how long it had lasted.
    std::map<std::string, StatusCounts> statuses(const ReportScope& scope);
    // Per channel and account, the interactions opened and the messages each way.
    std::map<std::pair<std::string, std::string>, ChannelTraffic> channels(const ReportScope& scope);
    // Per response template, its uses in the period: the one report read from raw rows, one per use, which stay
    // few next to messages (an operator uses a template a few dozen times a day).
    std::map<std::int64_t, TemplateUsage> templateUses(const ReportScope& scope);

private:
    std::map<std::vector<std::string>, std::int64_t> statusTimes(const ReportScope& scope, const OperatorPeriod& period);

    DbSession& session_;
};

}  // namespace omnigate
