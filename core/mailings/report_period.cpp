#include "mailings/report_period.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <stdexcept>

namespace omnigate {

namespace {

std::string day(const Poco::DateTime& d) { return Poco::DateTimeFormatter::format(d, "%Y-%m-%d"); }

Poco::DateTime plusDays(const Poco::DateTime& d, int days) { return d + Poco::Timespan(days, 0, 0, 0, 0); }

}  // namespace

const std::vector<std::string>& reportPeriodNames() {
    static const std::vector<std::string> names{"today",     "yesterday",     "last_7_days", "last_30_days",
                                                "week_to_date", "last_week", "month_to_date", "last_month"};
    return names;
}

bool isReportPeriod(const std::string& name) {
    const auto& names = reportPeriodNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

ReportPeriod reportPeriodOf(const std::string& name, std::int64_t runMicros, int utcOffsetMinutes) {
    const Poco::DateTime local(Poco::Timestamp(runMicros + static_cast<std::int64_t>(utcOffsetMinutes) * 60 * 1000000));
    const Poco::DateTime today(local.year(), local.month(), local.day());
    // Monday 0 … Sunday 6.
    const int sinceMonday = (today.dayOfWeek() + 6) % 7;
    if (name == "today") return {day(today), day(today)};
    if (name == "yesterday") return {day(plusDays(today, -1)), day(plusDays(today, -1))};
    if (name == "last_7_days") return {day(plusDays(today, -7)), day(plusDays(today, -1))};
    if (name == "last_30_days") return {day(plusDays(today, -30)), day(plusDays(today, -1))};
    if (name == "week_to_date") return {day(plusDays(today, -sinceMonday)), day(today)};
    if (name == "last_week") return {day(plusDays(today, -sinceMonday - 7)), day(plusDays(today, -sinceMonday - 1))};
    const Poco::DateTime firstOfMonth(today.year(), today.month(), 1);
    if (name == "month_to_date") return {day(firstOfMonth), day(today)};
    if (name == "last_month") {
        const Poco::DateTime lastOfPrevious = plusDays(firstOfMonth, -1);
        return {day(Poco::DateTime(lastOfPrevious.year(), lastOfPrevious.month(), 1)), day(lastOfPrevious)};
    }
    throw std::invalid_argument("no period '" + name + "'");
}

}  // namespace omnigate
