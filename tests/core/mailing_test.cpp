// A mailing's definition as the REST API takes it: every field checked before anything is stored, a wrong one
// refused with 400 naming it; the reports' own checks (report, filter, interval) reused; a threshold mailing's
// metric needs the queue's threshold to give it a direction and the level.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <sstream>

#include "mailings/mailing.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

Mailing parse(const std::string& json) {
    return Mailing::parse(Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>(), 180);
}

std::string refusal(const std::string& json) {
    try {
        parse(json);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << json;
    return "";
}

const std::string kPeriodic =
    R"({"kind":"periodic","name":"Morning","recipients":["head@example.com"],)"
    R"("schedule":{"every":"daily","time":"08:00"},"reports":[{"report":"queue_kpis","period":"yesterday",)"
    R"("filters":{"queue":["support"]}}]})";

std::string periodicWith(const std::string& field, const std::string& value) {
    auto body = Poco::JSON::Parser().parse(kPeriodic).extract<Poco::JSON::Object::Ptr>();
    // Wrapped: the parser takes an object or an array at the top, not a bare string.
    body->set(field, Poco::JSON::Parser().parse("{\"v\":" + value + "}").extract<Poco::JSON::Object::Ptr>()->get("v"));
    std::ostringstream out;
    body->stringify(out);
    return out.str();
}

TEST(MailingDefinition, APeriodicMailingKeepsWhatItWasGiven) {
    const Mailing m = parse(kPeriodic);
    EXPECT_EQ(m.kind, Mailing::Kind::Periodic);
    EXPECT_TRUE(m.enabled);
    EXPECT_EQ(m.format, "xlsx");
    ASSERT_EQ(m.reports.size(), 1u);
    EXPECT_EQ(m.reports[0].filters.at("queue"), std::set<std::string>{"support"});
    // The centre's offset is written into the schedule, and the definition parses back to itself.
    const Poco::JSON::Object::Ptr stored = m.definitionJson();
    EXPECT_EQ(stored->getObject("schedule")->getValue<std::string>("utc_offset"), "+03:00");
    std::ostringstream once, twice;
    stored->stringify(once);
    Mailing::parse(stored, 0).definitionJson()->stringify(twice);
    EXPECT_EQ(once.str(), twice.str());
}

TEST(MailingDefinition, ABadFieldIsNamed) {
    EXPECT_NE(refusal(periodicWith("schedule", R"({"every":"cron","cron":"0 8 * * mon-fry"})"))
                  .find("'schedule.cron': the day-of-week field 'mon-fry'"),
              std::string::npos);
    EXPECT_NE(refusal(periodicWith("recipients", R"(["head@example.com","not an address"])")).find("'recipients[1]'"),
              std::string::npos);
    EXPECT_NE(refusal(periodicWith("recipients", R"([])")).find("'recipients'"), std::string::npos);
    EXPECT_NE(refusal(periodicWith("recipients", R"(["a@example.com","a@example.com"])")).find("listed twice"),
              std::string::npos);
    EXPECT_NE(refusal(periodicWith("recipients", R"(["a@example.com\r\nRCPT TO:<b@example.com>"])"))
                  .find("'recipients[0]'"),
              std::string::npos);
    EXPECT_NE(refusal(periodicWith("format", R"("pdf")")).find("'format'"), std::string::npos);
    EXPECT_NE(refusal(periodicWith("reports", R"([{"report":"no_such_report","period":"today"}])"))
                  .find("'reports[0]': no report 'no_such_report'"),
              std::string::npos);
    EXPECT_NE(refusal(periodicWith("reports", R"([{"report":"queue_kpis","period":"today","filters":{"topic":["5"]}}])"))
                  .find("'reports[0]': 'topic' is not a parameter of report queue_kpis"),
              std::string::npos);
    EXPECT_NE(refusal(periodicWith("reports", R"([{"report":"queue_kpis","period":"last_decade"}])"))
                  .find("'reports[0].period'"),
              std::string::npos);
    EXPECT_NE(refusal(periodicWith("reports", R"([{"report":"contact_centre_detailed","period":"today","interval":20}])"))
                  .find("'reports[0]': 'interval' must be 15, 30 or 60"),
              std::string::npos);
    EXPECT_NE(refusal(periodicWith("queue", R"("support")")).find("'queue' is not a field of a periodic mailing"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"kind":"sometimes","name":"x","recipients":["a@b.c"]})").find("'kind'"), std::string::npos);
    EXPECT_NE(refusal(periodicWith("name", R"("  ")")).find("'name'"), std::string::npos);
}

const std::string kThreshold =
    R"({"kind":"threshold","name":"Waiting","recipients":["duty@example.com"],"queue":"support",)"
    R"("metric":"waiting","level":"warning","retrigger_minutes":15})";

TEST(MailingDefinition, AThresholdMailingNeedsTheQueuesThresholdForItsMetric) {
    const Mailing m = parse(kThreshold);
    EXPECT_EQ(m.level, Level::Warning);
    EXPECT_EQ(m.retriggerMinutes, 15);
    FigureThresholds thresholds;
    try {
        m.checkThreshold(thresholds);
        ADD_FAILURE() << "a metric without a threshold was accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_NE(std::string(e.what()).find("'metric': queue 'support' has no threshold for waiting, so no direction"),
                  std::string::npos) << e.what();
    }
    FigureThreshold waiting;
    waiting.critical = 5;
    thresholds["waiting"] = waiting;
    EXPECT_THROW(m.checkThreshold(thresholds), ApiError) << "no warning level to reach";
    thresholds["waiting"].warning = 2;
    EXPECT_NO_THROW(m.checkThreshold(thresholds));
    EXPECT_NE(refusal(R"({"kind":"threshold","name":"x","recipients":["a@b.c"],"queue":"support","metric":"mood",)"
                      R"("level":"warning"})").find("'metric'"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"kind":"threshold","name":"x","recipients":["a@b.c"],"queue":"support","metric":"waiting",)"
                      R"("level":"normal"})").find("'level'"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"kind":"threshold","name":"x","recipients":["a@b.c"],"queue":"support","metric":"waiting",)"
                      R"("level":"warning","retrigger_minutes":0})").find("'retrigger_minutes'"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"kind":"threshold","name":"x","recipients":["a@b.c"],"queue":"support","metric":"waiting",)"
                      R"("level":"warning","schedule":{}})").find("'schedule' is not a field of a threshold mailing"),
              std::string::npos);
}

}  // namespace
}  // namespace omnigate
