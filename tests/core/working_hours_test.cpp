// The auto-reply model: working hours (parsing that names the bad field, and contains() at the edges: the first and
// last minute, offsets that move the local day across midnight UTC, weekends, holidays) and template text
// (which {variables} are refused, how rendering treats values and stray braces).
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <chrono>
#include <ctime>
#include <sstream>

#include "model/template_text.h"
#include "model/working_hours.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

WorkingHours hours(const std::string& text) { return WorkingHours::parse(object(text)); }

// A UTC wall-clock time as a time point, independent of the host's time zone.
std::chrono::system_clock::time_point utc(int year, int month, int day, int hour, int minute, int second = 0) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// The message of the ApiError 400 that parsing `text` throws; fails the test if it does not throw one.
std::string parseError(const std::string& text) {
    try {
        hours(text);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        return e.what();
    }
    ADD_FAILURE() << "accepted " << text;
    return "";
}

const char* const kMoscowOffice =
    R"({"utc_offset":"+03:00","days":[1,2,3,4,5],"from":"09:00","to":"18:00","holidays":["2026-01-01"]})";

TEST(WorkingHours, ParsesEveryField) {
    const WorkingHours h = hours(kMoscowOffice);
    EXPECT_EQ(h.utcOffsetMinutes, 180);
    EXPECT_EQ(h.days, (std::set<int>{1, 2, 3, 4, 5}));
    EXPECT_EQ(h.fromMinute, 9 * 60);
    EXPECT_EQ(h.toMinute, 18 * 60);
    EXPECT_EQ(h.holidays, (std::set<std::string>{"2026-01-01"}));
    EXPECT_EQ(hours(R"({"utc_offset":"-05:30","days":[7],"from":"00:00","to":"24:00"})").utcOffsetMinutes, -330);
}

TEST(WorkingHours, ToJsonRoundTrips) {
    const WorkingHours h = hours(R"({"utc_offset":"-03:30","days":[5,1],"from":"08:05","to":"24:00",
                                     "holidays":["2026-05-09","2026-01-07"]})");
    std::ostringstream text;
    h.toJson()->stringify(text);
    EXPECT_EQ(text.str(), R"({"utc_offset":"-03:30","days":[1,5],"from":"08:05","to":"24:00",)"
                          R"("holidays":["2026-01-07","2026-05-09"]})");
    const WorkingHours again = WorkingHours::parse(h.toJson());
    EXPECT_EQ(again.utcOffsetMinutes, h.utcOffsetMinutes);
    EXPECT_EQ(again.days, h.days);
    EXPECT_EQ(again.toMinute, 24 * 60);
    EXPECT_EQ(again.holidays, h.holidays);
    EXPECT_EQ(hours(R"({"utc_offset":"+00:00","days":[1],"from":"09:00","to":"10:00"})")
                  .toJson()->getValue<std::string>("utc_offset"),
              "+00:00");
}

TEST(WorkingHours, RefusesBadInputNamingTheField) {
    const std::string base = R"("days":[1],"from":"09:00","to":"18:00")";
    EXPECT_NE(parseError("{" + base + "}").find("working_hours.utc_offset"), std::string::npos);
    for (const char* offset : {"3", "+3:00", "+03:60", "+15:00", "-12:30", "UTC", "+03:00 "}) {
        EXPECT_NE(parseError(R"({"utc_offset":")" + std::string(offset) + "\"," + base + "}").find("working_hours.utc_offset"),
                  std::string::npos)
            << offset;
    }
    const std::string offset = R"("utc_offset":"+03:00",)";
    for (const char* days : {R"([])", R"([0])", R"([8])", R"([1,1])", R"(["1"])", R"([1.5])", R"(1)"}) {
        const std::string text = "{" + offset + R"("days":)" + days + R"(,"from":"09:00","to":"18:00"})";
        EXPECT_NE(parseError(text).find("working_hours.days"), std::string::npos) << days;
    }
    EXPECT_NE(parseError("{" + offset + R"("from":"09:00","to":"18:00"})").find("working_hours.days"), std::string::npos);
    for (const char* from : {"9:00", "24:00", "12:60", "0900", "09:00:00"}) {
        const std::string text = "{" + offset + R"("days":[1],"from":")" + from + R"(","to":"23:00"})";
        EXPECT_NE(parseError(text).find("working_hours.from"), std::string::npos) << from;
    }
    for (const char* to : {"24:01", "25:00", "ab:cd"}) {
        const std::string text = "{" + offset + R"("days":[1],"from":"09:00","to":")" + to + R"("})";
        EXPECT_NE(parseError(text).find("working_hours.to"), std::string::npos) << to;
    }
    // from < to: an empty window and one across midnight are refused.
    EXPECT_NE(parseError("{" + offset + R"("days":[1],"from":"09:00","to":"09:00"})").find("working_hours.to"),
              std::string::npos);
    EXPECT_NE(parseError("{" + offset + R"("days":[1],"from":"22:00","to":"06:00"})").find("working_hours.to"),
              std::string::npos);
    for (const char* holidays : {R"(["2026-02-29"])", R"(["2026-13-01"])", R"(["01.01.2026"])", R"([20260101])",
                                 R"("2026-01-01")"}) {
        const std::string text = "{" + offset + base + R"(,"holidays":)" + holidays + "}";
        EXPECT_NE(parseError(text).find("working_hours.holidays"), std::string::npos) << holidays;
    }
    EXPECT_NE(parseError("{" + offset + base + R"(,"holiday":["2026-01-01"]})").find("working_hours.holiday"),
              std::string::npos);
    // A leap day is a date.
    EXPECT_NO_THROW(hours("{" + offset + base + R"(,"holidays":["2028-02-29"]})"));
}

TEST(WorkingHours, TheWindowIncludesItsFirstMinuteAndExcludesItsEnd) {
    const WorkingHours h = hours(R"({"utc_offset":"+00:00","days":[1,2,3,4,5],"from":"09:00","to":"18:00"})");
    // 2026-03-02 is a Monday.
    EXPECT_FALSE(h.contains(utc(2026, 3, 2, 8, 59, 59)));
    EXPECT_TRUE(h.contains(utc(2026, 3, 2, 9, 0, 0)));
    EXPECT_TRUE(h.contains(utc(2026, 3, 2, 17, 59, 59)));
    EXPECT_FALSE(h.contains(utc(2026, 3, 2, 18, 0, 0)));
    EXPECT_FALSE(h.contains(utc(2026, 3, 2, 0, 0, 0)));
}

TEST(WorkingHours, WeekendsAreClosed) {
    const WorkingHours h = hours(R"({"utc_offset":"+00:00","days":[1,2,3,4,5],"from":"09:00","to":"18:00"})");
    EXPECT_TRUE(h.contains(utc(2026, 3, 6, 12, 0)));    // Friday
    EXPECT_FALSE(h.contains(utc(2026, 3, 7, 12, 0)));   // Saturday
    EXPECT_FALSE(h.contains(utc(2026, 3, 8, 12, 0)));   // Sunday
    EXPECT_TRUE(h.contains(utc(2026, 3, 9, 12, 0)));    // Monday
    const WorkingHours sundayOnly = hours(R"({"utc_offset":"+00:00","days":[7],"from":"00:00","to":"24:00"})");
    EXPECT_TRUE(sundayOnly.contains(utc(2026, 3, 8, 0, 0)));
    EXPECT_TRUE(sundayOnly.contains(utc(2026, 3, 8, 23, 59, 59)));
    EXPECT_FALSE(sundayOnly.contains(utc(2026, 3, 9, 0, 0)));
    EXPECT_FALSE(sundayOnly.contains(utc(2026, 3, 7, 23, 59, 59)));
}

TEST(WorkingHours, TheLocalDayDecidesWhenTheOffsetCrossesMidnightUtc) {
    // Vladivostok, +10:00, Monday to Friday 08:00-12:00 local: Monday 08:00 local is Sunday 22:00 UTC.
    const WorkingHours east = hours(R"({"utc_offset":"+10:00","days":[1,2,3,4,5],"from":"08:00","to":"12:00"})");
    EXPECT_TRUE(east.contains(utc(2026, 3, 1, 22, 0)));       // Sunday UTC, Monday local
    EXPECT_FALSE(east.contains(utc(2026, 3, 1, 21, 59)));     // Monday 07:59 local
    EXPECT_FALSE(east.contains(utc(2026, 3, 6, 22, 0)));      // Friday UTC, Saturday 08:00 local
    EXPECT_TRUE(east.contains(utc(2026, 3, 6, 1, 59)));       // Friday 11:59 local
    EXPECT_FALSE(east.contains(utc(2026, 3, 6, 2, 0)));       // Friday 12:00 local
    // New York-like -05:00, Friday 20:00-23:30 local: Saturday 01:00-04:30 UTC.
    const WorkingHours west = hours(R"({"utc_offset":"-05:00","days":[5],"from":"20:00","to":"23:30"})");
    EXPECT_TRUE(west.contains(utc(2026, 3, 7, 1, 0)));        // Saturday UTC, Friday local
    EXPECT_TRUE(west.contains(utc(2026, 3, 7, 4, 29)));
    EXPECT_FALSE(west.contains(utc(2026, 3, 7, 4, 30)));
    EXPECT_FALSE(west.contains(utc(2026, 3, 6, 1, 0)));       // Thursday 20:00 local
    // A half-hour offset moves the edge by half an hour.
    const WorkingHours india = hours(R"({"utc_offset":"+05:30","days":[1],"from":"09:00","to":"10:00"})");
    EXPECT_FALSE(india.contains(utc(2026, 3, 2, 3, 29)));
    EXPECT_TRUE(india.contains(utc(2026, 3, 2, 3, 30)));
}

TEST(WorkingHours, HolidaysAreClosedAllDayInLocalTime) {
    const WorkingHours h = hours(kMoscowOffice);  // +03:00, weekdays 09-18, 2026-01-01 (a Thursday) off
    EXPECT_FALSE(h.contains(utc(2026, 1, 1, 9, 0)));    // 12:00 local on the holiday
    EXPECT_TRUE(h.contains(utc(2026, 1, 2, 9, 0)));     // Friday after it
    EXPECT_TRUE(h.contains(utc(2025, 12, 31, 6, 0)));   // Wednesday before it, 09:00 local
    // A holiday in the zone's date, not UTC's: 2026-01-01 00:30 local is still 2025-12-31 in UTC.
    const WorkingHours night = hours(R"({"utc_offset":"+03:00","days":[1,2,3,4,5,6,7],"from":"00:00","to":"24:00",
                                         "holidays":["2026-01-01"]})");
    EXPECT_FALSE(night.contains(utc(2025, 12, 31, 21, 30)));
    EXPECT_TRUE(night.contains(utc(2025, 12, 31, 20, 59)));
    EXPECT_TRUE(night.contains(utc(2026, 1, 1, 21, 0)));   // 2026-01-02 00:00 local
}

TEST(WorkingHours, WorksBeforeTheEpochAndOnLeapDays) {
    const WorkingHours wednesdays = hours(R"({"utc_offset":"+00:00","days":[3],"from":"10:00","to":"11:00"})");
    EXPECT_TRUE(wednesdays.contains(utc(1969, 12, 31, 10, 30)));   // a Wednesday before day 0
    EXPECT_FALSE(wednesdays.contains(utc(1969, 12, 31, 11, 0)));
    EXPECT_FALSE(wednesdays.contains(utc(1969, 12, 30, 10, 30)));  // Tuesday
    // 2028-02-29 is a Tuesday; as a holiday it closes that day only.
    const WorkingHours tuesdays = hours(R"({"utc_offset":"+00:00","days":[2],"from":"10:00","to":"11:00",
                                            "holidays":["2028-02-29"]})");
    EXPECT_FALSE(tuesdays.contains(utc(2028, 2, 29, 10, 30)));
    EXPECT_TRUE(tuesdays.contains(utc(2028, 2, 22, 10, 30)));
    EXPECT_TRUE(tuesdays.contains(utc(2028, 3, 7, 10, 30)));
}

TEST(TemplateText, KnowsTheDocumentedVariables) {
    EXPECT_EQ(templateVariables(), (std::vector<std::string>{"client.name", "interaction.id", "interaction.subject",
                                                             "channel", "account"}));
}

TEST(TemplateText, NamesEachUnknownVariableOnce) {
    EXPECT_TRUE(unknownTemplateVariables("Hello {client.name}, ticket {interaction.id} ({interaction.subject}) on "
                                         "{channel}/{account}").empty());
    EXPECT_EQ(unknownTemplateVariables("Hi {client.nmae} and {operator} and {client.nmae}"),
              (std::vector<std::string>{"client.nmae", "operator"}));
    // Case matters: the pipeline fills exactly these names.
    EXPECT_EQ(unknownTemplateVariables("{Client.Name}"), (std::vector<std::string>{"Client.Name"}));
}

TEST(TemplateText, BracesThatAreNoVariableAreText) {
    EXPECT_TRUE(unknownTemplateVariables("{} { } {:)} {client name} { channel } {").empty());
    EXPECT_EQ(unknownTemplateVariables("{{x}}"), (std::vector<std::string>{"x"}));
    EXPECT_EQ(renderTemplate("{} {:)} {client name} {", {{"client.name", "Anna"}}), "{} {:)} {client name} {");
    EXPECT_EQ(renderTemplate("{{client.name}}", {{"client.name", "Anna"}}), "{Anna}");
}

TEST(TemplateText, RendersValuesInOnePass) {
    const std::map<std::string, std::string> values{{"client.name", "Anna"},
                                                    {"interaction.id", "42"},
                                                    {"interaction.subject", "Order"},
                                                    {"channel", "webchat"},
                                                    {"account", "demo"}};
    EXPECT_EQ(renderTemplate("Hello {client.name}! #{interaction.id} {interaction.subject} via {channel}/{account}.",
                             values),
              "Hello Anna! #42 Order via webchat/demo.");
    EXPECT_EQ(renderTemplate("{client.name}{client.name}", values), "AnnaAnna");
    EXPECT_EQ(renderTemplate("no variables", values), "no variables");
    EXPECT_EQ(renderTemplate("", values), "");
    // A value that looks like a variable is not expanded again.
    EXPECT_EQ(renderTemplate("Hi {client.name}", {{"client.name", "{interaction.id}"}, {"interaction.id", "7"}}),
              "Hi {interaction.id}");
}

TEST(TemplateText, AMissingAllowedValueRendersEmptyAndAnUnknownOneStays) {
    EXPECT_EQ(renderTemplate("Hello {client.name}, re: {interaction.subject}", {{"client.name", ""}}), "Hello , re: ");
    EXPECT_EQ(renderTemplate("Hello {nobody}", {}), "Hello {nobody}");
    EXPECT_EQ(renderTemplate("Привет, {client.name}!", {{"client.name", "Анна"}}), "Привет, Анна!");
}

}  // namespace
}  // namespace omnigate
