// A report's question checked before anything is read (docs/reports.md): the local days as UTC bounds at the
// centre's offset, the filters each report takes, and the bad input the issue names, each a 400 naming it.
#include <gtest/gtest.h>

#include "omnigate/sdk/api_error.h"
#include "reports/report_request.h"

namespace omnigate {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

std::string refusal(const std::string& name, const Query& query) {
    try {
        parseReportRequest(name, query, 180);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        return e.what();
    }
    return "taken";
}

TEST(ReportRequest, LocalDaysBecomeUtcBoundsAtTheCentresOffset) {
    const ReportRequest r = parseReportRequest(
        "contact_centre_detailed",
        {{"from", "2026-12-01"}, {"to", "2026-12-07"}, {"interval", "15"}, {"queue", "sales,support"},
         {"format", "xlsx"}},
        180);
    // 2026-12-01 00:00 at +03:00 is 2026-11-30 21:00 UTC; the 7th is included, so the end is the 8th's midnight.
    EXPECT_EQ(r.fromMicros, 1796072400LL * 1000000);
    EXPECT_EQ(r.toMicros - r.fromMicros, 7LL * 24 * 3600 * 1000000);
    EXPECT_EQ(r.intervalMinutes, 15);
    EXPECT_EQ(r.filters.at("queue"), (std::set<std::string>{"sales", "support"}));
    EXPECT_EQ(r.format, "xlsx");
    EXPECT_EQ(parseReportRequest("queue_kpis", {{"from", "2026-12-01"}, {"to", "2026-12-01"}}, 0).format, "json");
}

TEST(ReportRequest, BadInputIsRefusedNamingIt) {
    EXPECT_NE(refusal("queue_kpis", {{"from", "2026-12-07"}, {"to", "2026-12-01"}}).find("before 'from'"),
              std::string::npos);
    EXPECT_NE(refusal("queue_kpis", {{"from", "2025-10-01"}, {"to", "2026-11-05"}}).find("at most 400"),
              std::string::npos);
    EXPECT_EQ(refusal("queue_kpis", {{"from", "2025-10-03"}, {"to", "2026-11-06"}}), "taken") << "400 days exactly";
    EXPECT_NE(refusal("queue_kpis", {{"from", "2026-02-30"}, {"to", "2026-03-01"}}).find("'from' must be a date"),
              std::string::npos);
    EXPECT_NE(refusal("queue_kpis", {{"from", "2026-12-01"}, {"to", "2026-12-01"}, {"operator", "anna"}})
                  .find("'operator' is not a parameter of report queue_kpis"),
              std::string::npos);
    EXPECT_NE(refusal("topics", {{"from", "2026-12-01"}, {"to", "2026-12-01"}}).find("no report 'topics'"),
              std::string::npos);
    EXPECT_NE(refusal("queue_kpis", {{"from", "2026-12-01"}, {"to", "2026-12-01"}, {"queue", "a,,b"}})
                  .find("'queue' must be a comma list"),
              std::string::npos);
    EXPECT_NE(refusal("queue_kpis", {{"from", "2026-12-01"}, {"from", "2026-12-02"}, {"to", "2026-12-03"}})
                  .find("'from' is given twice"),
              std::string::npos);
}

}  // namespace
}  // namespace omnigate
