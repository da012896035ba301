#include "mailings/mail_schedule.h"

#include <Poco/DateTime.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <stdexcept>

#include "model/local_day.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

constexpr std::int64_t kMicrosPerMinute = 60LL * 1000 * 1000;
constexpr std::int64_t kMinutesPerDay = 24 * 60;

const char* const kWeekdays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::optional<int> timeOfDay(const std::string& text) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (text.size() != 5 || !digit(text[0]) || !digit(text[1]) || text[2] != ':' || !digit(text[3]) ||
        !digit(text[4])) {
        return std::nullopt;
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59) return std::nullopt;
    return hours * 60 + minutes;
}

std::string stringField(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& path) {
    if (!o->has(key) || o->isNull(key)) throw ApiError::badRequest("'" + path + "." + key + "' is required");
    if (!o->get(key).isString()) throw ApiError::badRequest("'" + path + "." + key + "' must be a string");
    return o->getValue<std::string>(key);
}

}  // namespace

MailSchedule MailSchedule::parse(const Poco::Dynamic::Var& value, const std::string& path, int defaultOffsetMinutes) {
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw ApiError::badRequest("'" + path + "' must be an object {every, time, weekday?, day?, cron?, utc_offset?}");
    }
    const Poco::JSON::Object::Ptr o = value.extract<Poco::JSON::Object::Ptr>();
    for (const std::string& key : o->getNames()) {
        if (key != "every" && key != "time" && key != "weekday" && key != "day" && key != "cron" &&
            key != "utc_offset") {
            throw ApiError::badRequest("'" + path + "." + key +
                                       "' is not a schedule setting; they are every, time, weekday, day, cron and "
                                       "utc_offset");
        }
    }
    MailSchedule s;
    const std::string every = stringField(o, "every", path);
    if (every == "daily") {
        s.every = Every::Daily;
    } else if (every == "weekly") {
        s.every = Every::Weekly;
    } else if (every == "monthly") {
        s.every = Every::Monthly;
    } else if (every == "cron") {
        s.every = Every::Cron;
    } else {
        throw ApiError::badRequest("'" + path + ".every' must be daily, weekly, monthly or cron, not '" + every + "'");
    }
    const auto refuseKey = [&](const std::string& key, const std::string& why) {
        if (o->has(key)) throw ApiError::badRequest("'" + path + "." + key + "' " + why);
    };
    if (s.every == Every::Cron) {
        refuseKey("time", "is not used with cron: the expression's minute and hour fields say when");
        const std::string text = stringField(o, "cron", path);
        try {
            s.cron = CronExpression::parse(text);
        } catch (const std::invalid_argument& e) {
            throw ApiError::badRequest("'" + path + ".cron': " + e.what());
        }
    } else {
        refuseKey("cron", "is only for every: cron");
        const std::string time = stringField(o, "time", path);
        const std::optional<int> minutes = timeOfDay(time);
        if (!minutes) throw ApiError::badRequest("'" + path + ".time' must be HH:MM from 00:00 to 23:59, not '" + time + "'");
        s.timeMinutes = *minutes;
    }
    if (s.every == Every::Weekly) {
        const std::string day = stringField(o, "weekday", path);
        bool known = false;
        for (int i = 0; i < 7; ++i) {
            if (day == kWeekdays[i]) {
                s.weekday = i;
                known = true;
            }
        }
        if (!known) throw ApiError::badRequest("'" + path + ".weekday' must be monday … sunday, not '" + day + "'");
    } else {
        refuseKey("weekday", "is only for every: weekly");
    }
    if (s.every == Every::Monthly) {
        const Poco::Dynamic::Var day = o->has("day") ? o->get("day") : Poco::Dynamic::Var();
        if (day.isEmpty() || !day.isInteger() || day.convert<int>() < 1 || day.convert<int>() > 31) {
            throw ApiError::badRequest("'" + path + ".day' must be a day of the month from 1 to 31 (past the month's "
                                       "end: its last day)");
        }
        s.dayOfMonth = day.convert<int>();
    } else {
        refuseKey("day", "is only for every: monthly");
    }
    s.utcOffsetMinutes = defaultOffsetMinutes;
    if (o->has("utc_offset") && !o->isNull("utc_offset")) {
        const std::string offset = stringField(o, "utc_offset", path);
        const std::optional<int> parsed = parseUtcOffset(offset);
        if (!parsed) {
            throw ApiError::badRequest("'" + path + ".utc_offset' must be a UTC offset like +03:00, from -12:00 to "
                                       "+14:00, not '" + offset + "'");
        }
        s.utcOffsetMinutes = *parsed;
    }
    return s;
}

Poco::JSON::Object::Ptr MailSchedule::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    switch (every) {
        case Every::Daily: o->set("every", "daily"); break;
        case Every::Weekly: o->set("every", "weekly"); break;
        case Every::Monthly: o->set("every", "monthly"); break;
        case Every::Cron: o->set("every", "cron"); break;
    }
    if (every == Every::Cron) {
        o->set("cron", cron->text());
    } else {
        o->set("time", formatTimeOfDay(timeMinutes));
    }
    if (every == Every::Weekly) o->set("weekday", kWeekdays[weekday]);
    if (every == Every::Monthly) o->set("day", dayOfMonth);
    o->set("utc_offset", formatUtcOffset(utcOffsetMinutes));
    return o;
}

std::int64_t MailSchedule::nextAfter(std::int64_t afterMicros) const {
    // Whole local minutes: a run at 08:00 is due from 08:00:00 on, and "after" a moment within 08:00 means 08:01.
    const std::int64_t afterLocal = floorDiv(afterMicros, kMicrosPerMinute) + utcOffsetMinutes;
    const auto toUtc = [&](std::int64_t localMinutes) { return (localMinutes - utcOffsetMinutes) * kMicrosPerMinute; };
    if (every == Every::Cron) {
        const std::optional<std::int64_t> next = cron->nextAfter(afterLocal);
        // parse() refused expressions that never match; one that matches once in five years does not exist.
        if (!next) throw std::logic_error("cron expression '" + cron->text() + "' has no next run");
        return toUtc(*next);
    }
    for (std::int64_t day = floorDiv(afterLocal, kMinutesPerDay);; ++day) {
        const std::int64_t candidate = day * kMinutesPerDay + timeMinutes;
        if (candidate <= afterLocal) continue;
        // 1970-01-01 was a Thursday (4).
        if (every == Every::Weekly && ((day + 4) % 7 + 7) % 7 != weekday) continue;
        if (every == Every::Monthly) {
            const Poco::DateTime date(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(day * 86400)));
            const int wanted = std::min(dayOfMonth, Poco::DateTime::daysOfMonth(date.year(), date.month()));
            if (date.day() != wanted) continue;
        }
        return toUtc(candidate);
    }
}

}  // namespace omnigate
