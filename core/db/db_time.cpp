#include "db/db_time.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace omnigate {

std::string nowDbTime() { return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%d %H:%M:%S.%i"); }

std::string dbTimeIn(std::chrono::milliseconds fromNow) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp() + fromNow.count() * 1000, "%Y-%m-%d %H:%M:%S.%i");
}

std::string isoToDbTime(const std::string& iso) {
    // 2026-11-25T10:00:00.000Z -> 2026-11-25 10:00:00.000
    std::string t = iso;
    if (t.size() > 10 && t[10] == 'T') t[10] = ' ';
    if (!t.empty() && t.back() == 'Z') t.pop_back();
    return t;
}

std::string dbTimeToIso(const std::string& dbTime) {
    std::string iso = dbTime;
    if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
    if (iso.size() == 19) iso += ".000";
    return iso + "Z";
}

}  // namespace omnigate
