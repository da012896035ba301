// The centre's local day for its figures (docs/statistics.md, "The day"): a fixed UTC offset ("+03:00") and the
// time of day a count starts again. Pure arithmetic on UTC microseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace omnigate {

// "+03:00", "-05:30" or "Z" in minutes east of UTC, from -12:00 to +14:00; nothing when it is not one.
std::optional<int> parseUtcOffset(const std::string& text);
std::string formatUtcOffset(int minutes);

// "HH:MM" on a quarter hour (the aggregates are per 15 minutes) in minutes after midnight; nothing otherwise.
std::optional<int> parseQuarterHour(const std::string& text);
std::string formatTimeOfDay(int minutes);

// The quarter hour a database time ("YYYY-MM-DD HH:MM:SS.mmm", UTC) falls in, "YYYY-MM-DD HH:MM:00": the
// interval every aggregate counts a fact in.
std::string quarterHourOf(const std::string& dbTime);

// The start, in UTC microseconds, of the local day containing `nowMicros` that begins at `startMinutes` local time.
std::int64_t localDayStart(std::int64_t nowMicros, int utcOffsetMinutes, int startMinutes = 0);

}  // namespace omnigate
