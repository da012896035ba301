// The operator aggregates per local day (docs/reports.md, "Rows per day"): a month of 500 operators is 1.4 million
// quarter-hour rows, more than MariaDB sums in a second, and 50,000 day rows. A report's whole days are rolled up
// from their quarter hours the first time a report needs them and kept; StatsFacts keeps a rolled-up day right.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "db/db_session.h"

namespace omnigate {

class OperatorDayRollup {
public:
    static constexpr std::int64_t kDayMicros = 24LL * 60 * 60 * 1000 * 1000;
    // An operator's status that ends is counted back into every quarter hour it spanned, so it may reach into a
    // rolled-up day; the write path looks for rolled-up days only for a status that lasted at least this long
    // (StatsFacts::statusEnded), so the hundreds of short ones a day cost nothing more.
    static constexpr std::int64_t kReachMicros = 60LL * 60 * 1000 * 1000;
    // And a day is rolled up only once it ended this long ago: a status shorter than kReachMicros that ends now
    // cannot reach it, even from a transaction whose clock read a little earlier or on a host a little behind.
    static constexpr std::int64_t kSettleMicros = 2 * kReachMicros;

    explicit OperatorDayRollup(DbSession& session) : session_(session) {}

    // Of the days of [fromMicros, toMicros) (each a day long from fromMicros), those whose day rows count: the ones
    // rolled up before and the ones rolled up now, each ended at least kSettleMicros before nowMicros. A day another
    // transaction kept from rolling up (a deadlock) is left out, to be read from its quarter hours this time.
    std::set<std::int64_t> days(std::int64_t fromMicros, std::int64_t toMicros, std::int64_t nowMicros);

    // Every settled day at the offset from the first quarter hour on, for --rebuild-stats.
    void rollUpAll(int utcOffsetMinutes, std::int64_t nowMicros, const std::function<void(const std::string&)>& progress);

private:
    // One day, in a transaction of its own; false when a deadlock or a lock wait stopped it.
    bool rollUp(std::int64_t dayStart);

    DbSession& session_;
};

}  // namespace omnigate
