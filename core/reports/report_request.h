// A report's question (docs/reports.md): which report, over which local days, at which interval, narrowed by
// which filters, answered in which format. Parsed and checked before anything is read: a period that ends before
// it starts or spans more than 400 days, an unknown report, filter or format is a 400 naming it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace omnigate {

struct ReportSpec {
    std::string name;
    std::string title;
    std::set<std::string> filters;  // of queue, channel, operator, group, branch
    bool hasInterval = false;       // per 15, 30 or 60 minutes
};

const std::vector<ReportSpec>& reportSpecs();

struct ReportRequest {
    const ReportSpec* spec = nullptr;
    std::string fromDate, toDate;          // local days, both included (YYYY-MM-DD)
    std::int64_t fromMicros = 0;           // UTC bounds of those days: [from, to)
    std::int64_t toMicros = 0;
    int utcOffsetMinutes = 0;
    int intervalMinutes = 60;
    std::map<std::string, std::set<std::string>> filters;  // by filter name; comma lists allowed
    std::string format = "json";
};

constexpr int kMaxReportDays = 400;

// `query` as the URL gave it; ApiError 400 naming what is wrong.
ReportRequest parseReportRequest(const std::string& name, const std::vector<std::pair<std::string, std::string>>& query,
                                 int utcOffsetMinutes);

}  // namespace omnigate
