// When a contact centre answers: weekdays, a daily window and holidays, in a fixed UTC offset. Auto-reply
// templates carry one; the pipeline asks contains() to decide whether an out-of-hours reply is due. A fixed
// offset rather than a time-zone name keeps the answer independent of the host's tz database.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <set>
#include <string>

namespace omnigate {

struct WorkingHours {
    int utcOffsetMinutes = 0;        // +03:00 is 180
    std::set<int> days;              // ISO weekdays: 1 Monday … 7 Sunday
    int fromMinute = 0;              // minute of the local day the window opens (inclusive)
    int toMinute = 0;                // … and closes (exclusive); 1440 for "24:00"
    std::set<std::string> holidays;  // local dates YYYY-MM-DD, closed all day

    // {"utc_offset":"+03:00","days":[1,2,3,4,5],"from":"09:00","to":"18:00","holidays":["2026-01-01"]}.
    // Throws ApiError 400 naming the field (working_hours.days, …); unknown keys are refused too, so a typo
    // cannot silently leave a template open around the clock.
    static WorkingHours parse(const Poco::JSON::Object::Ptr& object);
    Poco::JSON::Object::Ptr toJson() const;

    // True inside the working hours. The weekday, the minute and the holiday are all judged in the local time
    // of utcOffsetMinutes, so a window late in the evening east of UTC falls on the right local day.
    bool contains(std::chrono::system_clock::time_point time) const;
};

}  // namespace omnigate
