// The figures of the online statistics and their levels (docs/metrics.md): each formula on sums a person can
// check by hand, a threshold's direction, the target apart from the levels, and the centre's local day.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "model/figure_threshold.h"
#include "model/local_day.h"
#include "model/online_figures.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

std::optional<double> figure(const Figures& figures, const std::string& name) {
    for (const auto& [n, v] : figures) {
        if (n == name) return v;
    }
    ADD_FAILURE() << "no figure " << name;
    return std::nullopt;
}

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST(OnlineFigures, AQueuesDayIsCountedAsMetricsDefinesIt) {
    QueueCounts day;
    day.offered = 10;
    day.answered = 6;
    day.abandoned = 3;
    day.shortAbandoned = 1;
    day.transferredOut = 1;
    day.serviceLevelMet = 5;
    day.serviceLevelCounted = 8;  // 6 answered + 3 abandoned - 1 short
    day.answerWaitMs = 6 * 12500;
    day.handled = 4;
    day.handleMs = 4 * 300000 + 100;
    day.ratings = 3;
    day.ratingSum = 13;
    const Figures f = queueFigures(day, WaitingNow{2, 74999});
    EXPECT_EQ(figure(f, "waiting"), 2);
    EXPECT_EQ(figure(f, "longest_wait_seconds"), 74) << "whole seconds, not rounded up";
    EXPECT_EQ(figure(f, "offered"), 10);
    EXPECT_EQ(figure(f, "abandonment_rate_percent"), 30);
    EXPECT_EQ(figure(f, "service_level_percent"), 62.5);
    EXPECT_EQ(figure(f, "average_speed_of_answer_seconds"), 12.5);
    EXPECT_EQ(figure(f, "average_handle_seconds"), 300);
    EXPECT_EQ(figure(f, "average_rating"), 4.33);
}

TEST(OnlineFigures, NothingToDivideByIsNoFigureNotAHundredPercent) {
    const Figures f = queueFigures(QueueCounts{}, WaitingNow{});
    EXPECT_EQ(figure(f, "waiting"), 0);
    EXPECT_FALSE(figure(f, "service_level_percent").has_value());
    EXPECT_FALSE(figure(f, "average_speed_of_answer_seconds").has_value());
    EXPECT_FALSE(figure(f, "average_rating").has_value());
    const Figures o = operatorFigures(OperatorCounts{});
    EXPECT_EQ(figure(o, "handled"), 0);
    EXPECT_FALSE(figure(o, "first_response_seconds").has_value());
}

TEST(FigureThresholds, TheDirectionSaysWhichWayIsWorseAndTheTargetStandsApart) {
    const FigureThresholds t = parseFigureThresholds(
        json(R"({"longest_wait_seconds":{"direction":"above","warning":60,"critical":120,"target":30},)"
             R"("service_level_percent":{"direction":"below","warning":80,"critical":60}})"),
        "thresholds", {"longest_wait_seconds", "service_level_percent"});
    const FigureThreshold& wait = t.at("longest_wait_seconds");
    EXPECT_EQ(wait.levelOf(59), Level::Normal);
    EXPECT_EQ(wait.levelOf(60), Level::Warning);
    EXPECT_EQ(wait.levelOf(120), Level::Critical);
    EXPECT_TRUE(wait.meets(30));
    EXPECT_FALSE(wait.meets(31)) << "normal, yet past the target";
    const FigureThreshold& sl = t.at("service_level_percent");
    EXPECT_EQ(sl.levelOf(95), Level::Normal);
    EXPECT_EQ(sl.levelOf(80), Level::Warning);
    EXPECT_EQ(sl.levelOf(59.9), Level::Critical);

    const auto written = [](const std::optional<double>& value, const FigureThreshold& threshold) {
        JsonText out;
        writeFigure(out, value, &threshold);
        return json(out.str());
    };
    const auto shown = written(42.0, wait);
    EXPECT_EQ(shown->getValue<double>("value"), 42);
    EXPECT_EQ(shown->getValue<std::string>("level"), "normal");
    EXPECT_EQ(shown->getValue<double>("target"), 30);
    EXPECT_FALSE(shown->getValue<bool>("meets_target"));
    const auto absent = written(std::nullopt, sl);
    EXPECT_TRUE(absent->isNull("value"));
    EXPECT_TRUE(absent->isNull("level"));
    EXPECT_FALSE(absent->has("target")) << "no target, no target keys";
    // The JSON a queue stores reads back the same.
    const FigureThresholds again =
        parseFigureThresholds(figureThresholdsJson(t), "thresholds", {"longest_wait_seconds", "service_level_percent"});
    EXPECT_EQ(again.at("longest_wait_seconds").target, 30);
    EXPECT_FALSE(again.at("service_level_percent").higherIsWorse);
}

TEST(FigureThresholds, ABadThresholdIsRefusedNamingItsKey) {
    const auto refused = [](const std::string& text, const std::string& key) {
        try {
            parseFigureThresholds(json(text), "thresholds", {"waiting"});
            ADD_FAILURE() << text << " was taken";
        } catch (const ApiError& e) {
            EXPECT_EQ(e.status(), 400);
            EXPECT_NE(std::string(e.what()).find("'" + key + "'"), std::string::npos) << e.what();
        }
    };
    refused(R"({"waiting":{"warning":1}})", "thresholds.waiting.direction");
    refused(R"({"waiting":{"direction":"sideways","warning":1}})", "thresholds.waiting.direction");
    refused(R"({"mood":{"direction":"above","warning":1}})", "thresholds.mood");
    refused(R"({"waiting":{"direction":"above","warning":"1"}})", "thresholds.waiting.warning");
    refused(R"({"waiting":{"direction":"above","warning":5,"critical":2}})", "thresholds.waiting.warning");
    refused(R"({"waiting":{"direction":"above"}})", "thresholds.waiting");
    refused(R"({"waiting":{"direction":"above","colour":"red"}})", "thresholds.waiting.colour");
}

TEST(LocalDay, ADayStartsAtItsLocalTimeAtTheCentresOffset) {
    // 2026-12-07 01:30 UTC is 04:30 at +03:00: that local day began at 2026-12-06 21:00 UTC.
    const std::int64_t now = 1796607000LL * 1000000;  // 2026-12-07T01:30:00Z
    const std::int64_t hour = 3600LL * 1000000;
    EXPECT_EQ(localDayStart(now, 180), now - 4 * hour - 30 * 60 * 1000000LL);
    // A day reset at 08:00 local had not come yet at 04:30: the count runs from yesterday's 08:00 (05:00 UTC).
    EXPECT_EQ(localDayStart(now, 180, 8 * 60), now - 20 * hour - 30 * 60 * 1000000LL);
    EXPECT_EQ(localDayStart(now, -300), now - 20 * hour - 30 * 60 * 1000000LL)
        << "midnight of the 6th at -05:00 is 05:00 UTC";

    EXPECT_EQ(parseUtcOffset("+03:00"), 180);
    EXPECT_EQ(parseUtcOffset("-05:30"), -330);
    EXPECT_EQ(parseUtcOffset("Z"), 0);
    EXPECT_FALSE(parseUtcOffset("+15:00"));
    EXPECT_FALSE(parseUtcOffset("03:00"));
    EXPECT_EQ(formatUtcOffset(-330), "-05:30");
    EXPECT_EQ(parseQuarterHour("08:45"), 525);
    EXPECT_FALSE(parseQuarterHour("08:10"));
    EXPECT_FALSE(parseQuarterHour("24:00"));
}

}  // namespace
}  // namespace omnigate
