// A standard five-field cron expression (minute, hour, day of month, month, day of week), as crontab(5) defines
// it: numbers, `*`, ranges, lists, steps, and the English names of months and weekdays. Parsed strictly, because
// a mailing with a typo must be refused when it is made, not found silent a month later. Debian has no maintained
// C++ cron library, and the grammar is small.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

namespace omnigate {

class CronExpression {
public:
    // Throws std::invalid_argument with a message naming the field and what is wrong with it ("the hour field
    // '25' is out of 0-23"), or that the expression never matches a real date ("0 0 30 2 *").
    static CronExpression parse(const std::string& text);

    const std::string& text() const { return text_; }

    // Does the local wall-clock minute match? `weekday` is 0 for Sunday.
    bool matches(int month, int day, int weekday, int hour, int minute) const;

    // The first local minute strictly after `afterLocalMinutes` (minutes since 1970-01-01 00:00 of the local
    // clock) that matches; nothing when none comes within five years.
    std::optional<std::int64_t> nextAfter(std::int64_t afterLocalMinutes) const;

private:
    std::string text_;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;    // 1-31
    std::bitset<13> months_;  // 1-12
    std::bitset<7> weekdays_;  // 0-6, Sunday 0
    bool anyDay_ = true;      // day of month is `*`
    bool anyWeekday_ = true;  // day of week is `*`
};

}  // namespace omnigate
