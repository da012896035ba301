#include "mailings/cron_expression.h"

#include <Poco/DateTime.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <sstream>
#include <stdexcept>
#include <vector>

namespace omnigate {

namespace {

constexpr std::int64_t kMinutesPerDay = 24 * 60;

struct FieldSpec {
    const char* name;
    int min;
    int max;
    const char* const* names;  // names[0] stands for `min`; null: numbers only
};

const char* const kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
                                   nullptr};
const char* const kWeekdayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", nullptr};

const FieldSpec kFields[] = {
    {"minute", 0, 59, nullptr},     {"hour", 0, 23, nullptr},           {"day-of-month", 1, 31, nullptr},
    {"month", 1, 12, kMonthNames},  {"day-of-week", 0, 7, kWeekdayNames},  // 7 is Sunday too
};

[[noreturn]] void refuse(const FieldSpec& field, const std::string& text, const std::string& why) {
    throw std::invalid_argument(std::string("the ") + field.name + " field '" + text + "' " + why);
}

int value(const FieldSpec& field, const std::string& whole, const std::string& token) {
    if (token.empty()) refuse(field, whole, "has an empty part");
    if (field.names) {
        const std::string lower = Poco::toLower(token);
        for (int i = 0; field.names[i]; ++i) {
            if (lower == field.names[i]) return field.min + i;
        }
    }
    if (token.size() > 2 || token.find_first_not_of("0123456789") != std::string::npos) {
        refuse(field, whole, std::string("has '") + token + "', which is not a number" +
                                 (field.names ? " or a name (" + std::string(field.names[0]) + ", …)" : ""));
    }
    const int v = std::stoi(token);
    if (v < field.min || v > field.max) {
        refuse(field, whole, "is out of " + std::to_string(field.min) + "-" + std::to_string(field.max));
    }
    return v;
}

// The values a field allows, as bits from field.min to field.max.
std::vector<bool> parseField(const FieldSpec& field, const std::string& text) {
    std::vector<bool> allowed(field.max + 1, false);
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item.empty()) refuse(field, text, "has an empty list item");
        std::string range = item;
        int step = 1;
        const std::size_t slash = item.find('/');
        if (slash != std::string::npos) {
            const std::string stepText = item.substr(slash + 1);
            if (stepText.empty() || stepText.size() > 2 || stepText.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(stepText) == 0) {
                refuse(field, text, "has the step '" + stepText + "'; a step is a number from 1");
            }
            step = std::stoi(stepText);
            range = item.substr(0, slash);
        }
        int low = field.min, high = field.max;
        if (range != "*") {
            const std::size_t dash = range.find('-');
            low = value(field, text, range.substr(0, dash));
            // "5/15" means from 5 to the end, every 15, as in Vixie cron's successors.
            high = dash != std::string::npos ? value(field, text, range.substr(dash + 1))
                   : slash != std::string::npos ? field.max
                                                : low;
            if (high < low) refuse(field, text, "has the range " + range + ", which ends before it starts");
        }
        for (int v = low; v <= high; v += step) allowed[v] = true;
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return allowed;
}

std::int64_t minutesOf(const Poco::DateTime& local) { return local.timestamp().epochTime() / 60; }

}  // namespace

CronExpression CronExpression::parse(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> parts;
    for (std::string part; in >> part;) parts.push_back(part);
    if (parts.size() != 5) {
        throw std::invalid_argument("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                                    std::to_string(parts.size()));
    }
    CronExpression cron;
    cron.text_ = parts[0] + " " + parts[1] + " " + parts[2] + " " + parts[3] + " " + parts[4];
    const auto minutes = parseField(kFields[0], parts[0]);
    const auto hours = parseField(kFields[1], parts[1]);
    const auto days = parseField(kFields[2], parts[2]);
    const auto months = parseField(kFields[3], parts[3]);
    const auto weekdays = parseField(kFields[4], parts[4]);
    for (int i = 0; i < 60; ++i) cron.minutes_[i] = minutes[i];
    for (int i = 0; i < 24; ++i) cron.hours_[i] = hours[i];
    for (int i = 1; i <= 31; ++i) cron.days_[i] = days[i];
    for (int i = 1; i <= 12; ++i) cron.months_[i] = months[i];
    for (int i = 0; i < 7; ++i) cron.weekdays_[i] = weekdays[i];
    if (weekdays[7]) cron.weekdays_[0] = true;
    // crontab(5): when both day fields are restricted (do not start with *), a day matching either runs it.
    cron.anyDay_ = parts[2][0] == '*';
    cron.anyWeekday_ = parts[4][0] == '*';
    if (!cron.nextAfter(0)) {
        throw std::invalid_argument("'" + cron.text_ + "' never matches a date (the day-of-month and month fields "
                                    "allow no day that exists)");
    }
    return cron;
}

bool CronExpression::matches(int month, int day, int weekday, int hour, int minute) const {
    const bool dayMatches = anyDay_ || anyWeekday_ ? days_[day] && weekdays_[weekday]
                                                   : days_[day] || weekdays_[weekday];
    return months_[month] && dayMatches && hours_[hour] && minutes_[minute];
}

std::optional<std::int64_t> CronExpression::nextAfter(std::int64_t afterLocalMinutes) const {
    const std::int64_t limit = afterLocalMinutes + 5 * 366 * kMinutesPerDay;
    std::int64_t t = afterLocalMinutes + 1;
    while (t <= limit) {
        const Poco::DateTime d(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(t * 60)));
        if (!months_[d.month()]) {
            t = minutesOf(d.month() == 12 ? Poco::DateTime(d.year() + 1, 1, 1) : Poco::DateTime(d.year(), d.month() + 1, 1));
            continue;
        }
        const bool dayMatches = anyDay_ || anyWeekday_ ? days_[d.day()] && weekdays_[d.dayOfWeek()]
                                                       : days_[d.day()] || weekdays_[d.dayOfWeek()];
        if (!dayMatches) {
            t = (t / kMinutesPerDay + 1) * kMinutesPerDay;
            continue;
        }
        if (!hours_[d.hour()]) {
            t = (t / 60 + 1) * 60;
            continue;
        }
        if (!minutes_[d.minute()]) {
            ++t;
            continue;
        }
        return t;
    }
    return std::nullopt;
}

}  // namespace omnigate
