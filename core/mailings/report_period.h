// The days a mailed report covers, named relative to the run (docs/mailings.md): `yesterday` of a daily mailing
// at 08:00 is the day before the one it runs on. Days are the centre's local days at stats.utc_offset, the same
// days the reports count in; weeks start on Monday.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace omnigate {

struct ReportPeriod {
    std::string from;  // YYYY-MM-DD, both included
    std::string to;
};

// today, yesterday, last_7_days, last_30_days, week_to_date, last_week, month_to_date, last_month.
const std::vector<std::string>& reportPeriodNames();
bool isReportPeriod(const std::string& name);

// The period `name` for a run at `runMicros` (UTC); std::invalid_argument for an unknown name.
ReportPeriod reportPeriodOf(const std::string& name, std::int64_t runMicros, int utcOffsetMinutes);

}  // namespace omnigate
