// When periodic mailings run: the cron parser refuses what crontab(5) does not allow, naming the field, and the
// schedules find the next run after a given moment across month ends, weekdays and UTC offsets; the report periods
// are the local days a run's reports cover.
#include <gtest/gtest.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

#include "mailings/cron_expression.h"
#include "mailings/mail_schedule.h"
#include "mailings/report_period.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

// "2026-12-07T08:00Z" <-> UTC microseconds.
std::int64_t utc(const std::string& iso) {
    int tz = 0;
    return Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FORMAT, iso, tz).timestamp().epochMicroseconds();
}

std::string iso(std::int64_t micros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%dT%H:%MZ");
}

MailSchedule schedule(const std::string& json, int defaultOffset = 0) {
    return MailSchedule::parse(Poco::JSON::Parser().parse(json), "schedule", defaultOffset);
}

std::string next(const std::string& json, const std::string& after) { return iso(schedule(json).nextAfter(utc(after))); }

std::string cronError(const std::string& text) {
    try {
        CronExpression::parse(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "accepted";
}

std::string scheduleError(const std::string& json) {
    try {
        schedule(json);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        return e.what();
    }
    return "accepted";
}

TEST(MailingCron, ParsesTheStandardForms) {
    const CronExpression everyQuarter = CronExpression::parse("*/15 8-18 * * mon-fri");
    EXPECT_TRUE(everyQuarter.matches(12, 7, 1, 8, 45));
    EXPECT_FALSE(everyQuarter.matches(12, 7, 1, 8, 50));
    EXPECT_FALSE(everyQuarter.matches(12, 6, 0, 9, 0)) << "a Sunday";
    EXPECT_FALSE(everyQuarter.matches(12, 7, 1, 19, 0));
    const CronExpression lists = CronExpression::parse("0,30 9,17 1,15 JAN,jul 7");
    EXPECT_TRUE(lists.matches(1, 15, 3, 17, 30)) << "restricted day fields: the day of the month matches";
    EXPECT_TRUE(lists.matches(7, 4, 0, 9, 0)) << "restricted day fields: a Sunday (7) matches too";
    EXPECT_FALSE(lists.matches(2, 15, 3, 17, 30));
    EXPECT_TRUE(CronExpression::parse("5/20 * * * *").matches(1, 1, 4, 0, 45)) << "5, 25, 45";
    EXPECT_EQ(CronExpression::parse("  0   8 * * 1 ").text(), "0 8 * * 1");
}

TEST(MailingCron, RefusesAMalformedExpressionNamingTheField) {
    EXPECT_EQ(cronError("0 8 * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
    EXPECT_EQ(cronError("0 8 * * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
    EXPECT_EQ(cronError("60 8 * * *"), "the minute field '60' is out of 0-59");
    EXPECT_EQ(cronError("0 25 * * *"), "the hour field '25' is out of 0-23");
    EXPECT_EQ(cronError("0 8 0 * *"), "the day-of-month field '0' is out of 1-31");
    EXPECT_EQ(cronError("0 8 * 13 *"), "the month field '13' is out of 1-12");
    EXPECT_EQ(cronError("0 8 * * 8"), "the day-of-week field '8' is out of 0-7");
    EXPECT_NE(cronError("0 8 * * monday").find("the day-of-week field 'monday' has 'monday', which is not a number"),
              std::string::npos);
    EXPECT_EQ(cronError("0 18-8 * * *"), "the hour field '18-8' has the range 18-8, which ends before it starts");
    EXPECT_EQ(cronError("*/0 * * * *"), "the minute field '*/0' has the step '0'; a step is a number from 1");
    EXPECT_EQ(cronError("0,,5 * * * *"), "the minute field '0,,5' has an empty list item");
    EXPECT_EQ(cronError("0 8 * * 1-"), "the day-of-week field '1-' has an empty part");
    EXPECT_EQ(cronError("@daily"), "expected 5 fields (minute hour day-of-month month day-of-week), got 1");
    EXPECT_NE(cronError("0 0 30 feb *").find("never matches a date"), std::string::npos);
    EXPECT_EQ(cronError("0 0 29 2 *"), "accepted") << "leap years have it";
}

TEST(MailingCron, FindsTheNextMatchingMinute) {
    const CronExpression cron = CronExpression::parse("30 8 * * 1-5");
    // Local minutes since the epoch; 2026-12-04 is a Friday.
    const auto minutes = [](const std::string& when) { return utc(when) / 60000000; };
    EXPECT_EQ(*cron.nextAfter(minutes("2026-12-04T08:29Z")), minutes("2026-12-04T08:30Z"));
    EXPECT_EQ(*cron.nextAfter(minutes("2026-12-04T08:30Z")), minutes("2026-12-07T08:30Z")) << "over the weekend";
    EXPECT_EQ(*CronExpression::parse("0 0 29 2 *").nextAfter(minutes("2026-03-01T00:00Z")),
              minutes("2028-02-29T00:00Z"));
}

TEST(MailingSchedule, DailyRunsAtItsTimeInItsOffset) {
    const std::string daily = R"({"every":"daily","time":"08:00","utc_offset":"+03:00"})";
    EXPECT_EQ(next(daily, "2026-12-07T04:59Z"), "2026-12-07T05:00Z") << "08:00 at +03:00 is 05:00 UTC";
    EXPECT_EQ(next(daily, "2026-12-07T05:00Z"), "2026-12-08T05:00Z") << "strictly after";
    EXPECT_EQ(next(daily, "2026-12-31T06:00Z"), "2027-01-01T05:00Z");
    EXPECT_EQ(next(R"({"every":"daily","time":"00:30","utc_offset":"-05:30"})", "2026-12-07T05:00Z"),
              "2026-12-07T06:00Z");
    // Without utc_offset the centre's is taken, and kept.
    const MailSchedule centre = schedule(R"({"every":"daily","time":"23:15"})", 180);
    EXPECT_EQ(iso(centre.nextAfter(utc("2026-12-07T00:00Z"))), "2026-12-07T20:15Z");
    EXPECT_EQ(centre.toJson()->getValue<std::string>("utc_offset"), "+03:00");
}

TEST(MailingSchedule, WeeklyRunsOnItsWeekday) {
    const std::string monday = R"({"every":"weekly","weekday":"monday","time":"07:00","utc_offset":"+03:00"})";
    EXPECT_EQ(next(monday, "2026-12-04T12:00Z"), "2026-12-07T04:00Z");
    EXPECT_EQ(next(monday, "2026-12-07T04:00Z"), "2026-12-14T04:00Z");
    // 01:00 on Monday at +03:00 is still Sunday in UTC.
    EXPECT_EQ(next(R"({"every":"weekly","weekday":"monday","time":"01:00","utc_offset":"+03:00"})",
                   "2026-12-01T00:00Z"),
              "2026-12-06T22:00Z");
    EXPECT_EQ(next(R"({"every":"weekly","weekday":"sunday","time":"10:00","utc_offset":"Z"})", "2026-12-06T09:00Z"),
              "2026-12-06T10:00Z");
}

TEST(MailingSchedule, MonthlyPastTheMonthsEndRunsOnItsLastDay) {
    const std::string day31 = R"({"every":"monthly","day":31,"time":"09:00","utc_offset":"+00:00"})";
    EXPECT_EQ(next(day31, "2026-01-31T09:00Z"), "2026-02-28T09:00Z");
    EXPECT_EQ(next(day31, "2028-02-01T00:00Z"), "2028-02-29T09:00Z") << "a leap year";
    EXPECT_EQ(next(day31, "2026-04-01T00:00Z"), "2026-04-30T09:00Z");
    EXPECT_EQ(next(day31, "2026-04-30T09:00Z"), "2026-05-31T09:00Z");
    EXPECT_EQ(next(R"({"every":"monthly","day":1,"time":"00:00","utc_offset":"+03:00"})", "2026-12-15T00:00Z"),
              "2026-12-31T21:00Z") << "the 1st at +03:00 begins the evening before in UTC";
}

TEST(MailingSchedule, CronRunsOnTheClockOfItsOffset) {
    const std::string cron = R"({"every":"cron","cron":"0 9 * * 1-5","utc_offset":"+03:00"})";
    EXPECT_EQ(next(cron, "2026-12-04T06:00Z"), "2026-12-07T06:00Z") << "Friday's has passed: Monday's";
    EXPECT_EQ(next(R"({"every":"cron","cron":"*/5 * * * *","utc_offset":"+05:30"})", "2026-12-07T10:02:30Z"),
              "2026-12-07T10:05Z");
}

TEST(MailingSchedule, BadSchedulesAreRefusedNamingTheKey) {
    EXPECT_EQ(scheduleError(R"({"every":"cron","cron":"0 25 * * *"})"),
              "'schedule.cron': the hour field '25' is out of 0-23");
    EXPECT_EQ(scheduleError(R"({"every":"cron"})"), "'schedule.cron' is required");
    EXPECT_NE(scheduleError(R"({"every":"cron","cron":"0 8 * * *","time":"08:00"})").find("'schedule.time'"),
              std::string::npos);
    EXPECT_NE(scheduleError(R"({"every":"hourly","time":"08:00"})").find("'schedule.every'"), std::string::npos);
    EXPECT_NE(scheduleError(R"({"every":"daily","time":"24:00"})").find("'schedule.time'"), std::string::npos);
    EXPECT_NE(scheduleError(R"({"every":"daily"})").find("'schedule.time' is required"), std::string::npos);
    EXPECT_NE(scheduleError(R"({"every":"weekly","time":"08:00","weekday":"mon"})").find("'schedule.weekday'"),
              std::string::npos);
    EXPECT_NE(scheduleError(R"({"every":"monthly","time":"08:00","day":32})").find("'schedule.day'"),
              std::string::npos);
    EXPECT_NE(scheduleError(R"({"every":"daily","time":"08:00","day":3})").find("'schedule.day'"), std::string::npos);
    EXPECT_NE(scheduleError(R"({"every":"daily","time":"08:00","utc_offset":"+3"})").find("'schedule.utc_offset'"),
              std::string::npos);
    EXPECT_NE(scheduleError(R"({"every":"daily","time":"08:00","at":"x"})").find("'schedule.at'"), std::string::npos);
}

TEST(MailingReportPeriod, NamesTheLocalDaysBeforeTheRun) {
    // Monday 2026-12-07 01:00 at +03:00 (still Sunday in UTC).
    const std::int64_t run = utc("2026-12-06T22:00Z");
    const auto period = [&](const std::string& name) {
        const ReportPeriod p = reportPeriodOf(name, run, 180);
        return p.from + ".." + p.to;
    };
    EXPECT_EQ(period("today"), "2026-12-07..2026-12-07");
    EXPECT_EQ(period("yesterday"), "2026-12-06..2026-12-06");
    EXPECT_EQ(period("last_7_days"), "2026-11-30..2026-12-06");
    EXPECT_EQ(period("last_30_days"), "2026-11-07..2026-12-06");
    EXPECT_EQ(period("week_to_date"), "2026-12-07..2026-12-07");
    EXPECT_EQ(period("last_week"), "2026-11-30..2026-12-06");
    EXPECT_EQ(period("month_to_date"), "2026-12-01..2026-12-07");
    EXPECT_EQ(period("last_month"), "2026-11-01..2026-11-30");
    const ReportPeriod newYear = reportPeriodOf("last_month", utc("2027-01-01T00:00Z"), 0);
    EXPECT_EQ(newYear.from + ".." + newYear.to, "2026-12-01..2026-12-31");
    EXPECT_THROW(reportPeriodOf("last_decade", run, 0), std::invalid_argument);
}

}  // namespace
}  // namespace omnigate
