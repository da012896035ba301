#include "model/working_hours.h"

#include <Poco/JSON/Array.h>

#include <cstdint>
#include <cstdio>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

constexpr int kMinutesPerDay = 24 * 60;
const char* const kPrefix = "working_hours.";

ApiError invalid(const std::string& field, const std::string& what) {
    return ApiError::badRequest("'" + std::string(kPrefix) + field + "' " + what);
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int twoDigits(const std::string& text, std::size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); }

std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
void civilFromDays(std::int64_t days, int& year, int& month, int& day) {
    days += 719468;
    const std::int64_t era = floorDiv(days, 146097);
    const std::int64_t dayOfEra = days - era * 146097;
    const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const std::int64_t mp = (5 * dayOfYear + 2) / 153;
    day = static_cast<int>(dayOfYear - (153 * mp + 2) / 5 + 1);
    month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    year = static_cast<int>(yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
}

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

std::string formatDate(int year, int month, int day) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    return text;
}

std::string formatMinute(int minute) {
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d", minute / 60, minute % 60);
    return text;
}

std::string requireString(const Poco::JSON::Object::Ptr& object, const std::string& field, const char* format) {
    if (!object->has(field) || object->isNull(field)) throw invalid(field, std::string("is required (") + format + ")");
    const Poco::Dynamic::Var value = object->get(field);
    if (!value.isString()) throw invalid(field, std::string("must be a string ") + format);
    return value.extract<std::string>();
}

// "HH:MM"; 24:00 only where it may close the day.
int parseMinute(const std::string& field, const std::string& text, bool allowEndOfDay) {
    const bool shaped = text.size() == 5 && isDigit(text[0]) && isDigit(text[1]) && text[2] == ':' &&
                        isDigit(text[3]) && isDigit(text[4]);
    const int hours = shaped ? twoDigits(text, 0) : -1;
    const int minutes = shaped ? twoDigits(text, 3) : -1;
    const bool endOfDay = hours == 24 && minutes == 0;
    if (!shaped || minutes > 59 || (hours > 23 && !(allowEndOfDay && endOfDay))) {
        throw invalid(field, "must be a time HH:MM from 00:00 to " + std::string(allowEndOfDay ? "24:00" : "23:59") +
                                 ", not '" + text + "'");
    }
    return hours * 60 + minutes;
}

// "+03:00", "-05:30"; real offsets run from -12:00 to +14:00.
int parseOffset(const std::string& text) {
    const bool shaped = text.size() == 6 && (text[0] == '+' || text[0] == '-') && isDigit(text[1]) &&
                        isDigit(text[2]) && text[3] == ':' && isDigit(text[4]) && isDigit(text[5]);
    const auto refuse = [&] {
        return invalid("utc_offset", "must be an offset like +03:00 from -12:00 to +14:00, not '" + text + "'");
    };
    if (!shaped || twoDigits(text, 4) > 59) throw refuse();
    const int minutes = twoDigits(text, 1) * 60 + twoDigits(text, 4);
    const int offset = text[0] == '-' ? -minutes : minutes;
    if (offset < -12 * 60 || offset > 14 * 60) throw refuse();
    return offset;
}

bool validDate(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (!isDigit(text[i])) return false;
    }
    const int year = std::stoi(text.substr(0, 4));
    const int month = twoDigits(text, 5);
    const int day = twoDigits(text, 8);
    return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

Poco::JSON::Array::Ptr optionalArray(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    if (!object->has(field) || object->isNull(field)) return nullptr;
    const Poco::Dynamic::Var value = object->get(field);
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) throw invalid(field, "must be an array");
    return value.extract<Poco::JSON::Array::Ptr>();
}

}  // namespace

WorkingHours WorkingHours::parse(const Poco::JSON::Object::Ptr& object) {
    if (object.isNull()) throw ApiError::badRequest("'working_hours' must be an object");
    static const std::set<std::string> kKnown{"utc_offset", "days", "from", "to", "holidays"};
    for (const auto& [key, value] : *object) {
        if (kKnown.count(key) == 0) {
            throw invalid(key, "is not a working-hours field (utc_offset, days, from, to, holidays)");
        }
    }
    WorkingHours hours;
    hours.utcOffsetMinutes = parseOffset(requireString(object, "utc_offset", "like +03:00"));

    const auto days = optionalArray(object, "days");
    if (!days || days->size() == 0) throw invalid("days", "needs at least one ISO weekday (1 Monday … 7 Sunday)");
    for (std::size_t i = 0; i < days->size(); ++i) {
        const Poco::Dynamic::Var day = days->get(static_cast<unsigned>(i));
        const std::int64_t number = day.isInteger() ? day.convert<std::int64_t>() : 0;
        if (number < 1 || number > 7) {
            throw invalid("days", "holds ISO weekdays from 1 (Monday) to 7 (Sunday), not " + day.toString());
        }
        if (!hours.days.insert(static_cast<int>(number)).second) {
            throw invalid("days", "names weekday " + std::to_string(number) + " twice");
        }
    }

    hours.fromMinute = parseMinute("from", requireString(object, "from", "HH:MM"), false);
    hours.toMinute = parseMinute("to", requireString(object, "to", "HH:MM"), true);
    if (hours.fromMinute >= hours.toMinute) {
        throw invalid("to", "must be later than 'from' (" + formatMinute(hours.fromMinute) + "); a window across "
                            "midnight is two days' windows and not supported");
    }

    if (const auto holidays = optionalArray(object, "holidays")) {
        for (std::size_t i = 0; i < holidays->size(); ++i) {
            const Poco::Dynamic::Var date = holidays->get(static_cast<unsigned>(i));
            if (!date.isString() || !validDate(date.extract<std::string>())) {
                throw invalid("holidays", "holds dates YYYY-MM-DD, not " + date.toString());
            }
            hours.holidays.insert(date.extract<std::string>());
        }
    }
    return hours;
}

Poco::JSON::Object::Ptr WorkingHours::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const int offset = utcOffsetMinutes < 0 ? -utcOffsetMinutes : utcOffsetMinutes;
    o->set("utc_offset", (utcOffsetMinutes < 0 ? "-" : "+") + formatMinute(offset));
    Poco::JSON::Array::Ptr dayList = new Poco::JSON::Array;
    for (int d : days) dayList->add(d);
    o->set("days", dayList);
    o->set("from", formatMinute(fromMinute));
    o->set("to", formatMinute(toMinute));
    Poco::JSON::Array::Ptr holidayList = new Poco::JSON::Array;
    for (const std::string& h : holidays) holidayList->add(h);
    o->set("holidays", holidayList);
    return o;
}

bool WorkingHours::contains(std::chrono::system_clock::time_point time) const {
    const auto utcMinutes =
        floorDiv(std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count(), 60000);
    const std::int64_t localMinutes = utcMinutes + utcOffsetMinutes;
    const std::int64_t dayNumber = floorDiv(localMinutes, kMinutesPerDay);
    const int minuteOfDay = static_cast<int>(localMinutes - dayNumber * kMinutesPerDay);
    // Day 0, 1970-01-01, was a Thursday: ISO weekday 4.
    const int weekday = static_cast<int>(((dayNumber + 3) % 7 + 7) % 7) + 1;
    if (days.count(weekday) == 0) return false;
    int year = 0;
    int month = 0;
    int day = 0;
    civilFromDays(dayNumber, year, month, day);
    if (holidays.count(formatDate(year, month, day)) != 0) return false;
    return minuteOfDay >= fromMinute && minuteOfDay < toMinute;
}

}  // namespace omnigate
