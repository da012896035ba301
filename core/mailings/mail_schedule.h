// When a periodic mailing goes out (docs/mailings.md): daily, weekly on a weekday, monthly on a day of the month
// (a day past the month's end meaning its last day) at a time of day, or by a cron expression; always on the
// clock of a fixed UTC offset, so there is no summer time to skip or repeat.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>

#include "mailings/cron_expression.h"

namespace omnigate {

struct MailSchedule {
    enum class Every { Daily, Weekly, Monthly, Cron };

    Every every = Every::Daily;
    int timeMinutes = 0;     // local time of day (not with cron, whose fields say when)
    int weekday = 1;         // weekly: 0 Sunday … 6 Saturday
    int dayOfMonth = 1;      // monthly: 1-31
    std::optional<CronExpression> cron;
    int utcOffsetMinutes = 0;

    // {every, time?, weekday?, day?, cron?, utc_offset?} at `path` ("schedule"); ApiError 400 naming the key
    // ("schedule.cron: the hour field '25' is out of 0-23"). Without utc_offset, `defaultOffsetMinutes` (the
    // centre's stats.utc_offset) is taken and kept.
    static MailSchedule parse(const Poco::Dynamic::Var& value, const std::string& path, int defaultOffsetMinutes);
    Poco::JSON::Object::Ptr toJson() const;

    // The first run strictly after `afterMicros`, UTC microseconds in and out.
    std::int64_t nextAfter(std::int64_t afterMicros) const;
};

}  // namespace omnigate
