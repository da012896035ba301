#include "model/local_day.h"

#include <cstdio>

namespace omnigate {

namespace {

constexpr std::int64_t kMicrosPerMinute = 60LL * 1000 * 1000;
constexpr std::int64_t kMicrosPerDay = 24 * 60 * kMicrosPerMinute;

bool digit(char c) { return c >= '0' && c <= '9'; }

std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::optional<int> parseUtcOffset(const std::string& text) {
    if (text == "Z") return 0;
    const bool shaped = text.size() == 6 && (text[0] == '+' || text[0] == '-') && digit(text[1]) && digit(text[2]) &&
                        text[3] == ':' && digit(text[4]) && digit(text[5]);
    if (!shaped) return std::nullopt;
    const int hours = (text[1] - '0') * 10 + (text[2] - '0');
    const int minutes = (text[4] - '0') * 10 + (text[5] - '0');
    if (minutes > 59) return std::nullopt;
    const int offset = (text[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
    if (offset < -12 * 60 || offset > 14 * 60) return std::nullopt;
    return offset;
}

std::string formatUtcOffset(int minutes) {
    const int magnitude = minutes < 0 ? -minutes : minutes;
    char text[16];
    std::snprintf(text, sizeof text, "%c%02d:%02d", minutes < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
    return text;
}

std::optional<int> parseQuarterHour(const std::string& text) {
    if (text.size() != 5 || !digit(text[0]) || !digit(text[1]) || text[2] != ':' || !digit(text[3]) ||
        !digit(text[4])) {
        return std::nullopt;
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes % 15 != 0) return std::nullopt;
    return hours * 60 + minutes;
}

std::string formatTimeOfDay(int minutes) {
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d", minutes / 60, minutes % 60);
    return text;
}

std::int64_t localDayStart(std::int64_t nowMicros, int utcOffsetMinutes, int startMinutes) {
    // Shift so that the day's start falls on a multiple of a day, floor, and shift back.
    const std::int64_t shift = (utcOffsetMinutes - startMinutes) * kMicrosPerMinute;
    return floorDiv(nowMicros + shift, kMicrosPerDay) * kMicrosPerDay - shift;
}

std::string quarterHourOf(const std::string& dbTime) {
    if (dbTime.size() < 16) return dbTime;
    const int minute = (dbTime[14] - '0') * 10 + (dbTime[15] - '0');
    const int floored = minute - minute % 15;
    std::string out = dbTime.substr(0, 14);
    out += static_cast<char>('0' + floored / 10);
    out += static_cast<char>('0' + floored % 10);
    return out + ":00";
}

}  // namespace omnigate
