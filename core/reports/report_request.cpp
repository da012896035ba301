#include "reports/report_request.h"

#include <Poco/DateTime.h>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

constexpr std::int64_t kMicrosPerDay = 24LL * 60 * 60 * 1000 * 1000;

// Days since 1970-01-01 of a YYYY-MM-DD date; throws naming `param` when it is not a real date.
std::int64_t dayNumber(const std::string& text, const std::string& param) {
    const auto digits = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (text[i] < '0' || text[i] > '9') return -1;
            v = v * 10 + (text[i] - '0');
        }
        return v;
    };
    const auto refuse = [&] {
        return ApiError::badRequest("'" + param + "' must be a date YYYY-MM-DD" +
                                    (text.empty() ? std::string(" and is required") : ", not '" + text + "'"));
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') throw refuse();
    const int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > Poco::DateTime::daysOfMonth(year, month)) {
        throw refuse();
    }
    return Poco::DateTime(year, month, day).timestamp().epochMicroseconds() / kMicrosPerDay;
}

std::set<std::string> commaList(const std::string& value, const std::string& param) {
    std::set<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = value.find(',', start);
        const std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item.empty() || item.size() > 64) {
            throw ApiError::badRequest("'" + param + "' must be a comma list of ids of 1 to 64 characters");
        }
        out.insert(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

}  // namespace

const std::vector<ReportSpec>& reportSpecs() {
    static const std::vector<ReportSpec> specs{
        {"queue_kpis", "Queue KPIs", {"queue", "channel"}, false},
        {"operator_kpis", "Operator KPIs", {"operator", "group", "branch"}, false},
        {"operator_statuses", "Operator statuses", {"operator", "group", "branch"}, false},
        {"contact_centre_detailed", "Contact-centre indicators, detailed", {"queue", "channel"}, true},
        {"contact_centre_summary", "Contact-centre indicators, summary", {"queue", "channel"}, false},
        {"interaction_topics", "Interaction topics", {"queue", "channel", "topic"}, false},
        {"interaction_ratings", "Interaction ratings", {"queue", "channel", "operator", "group", "branch"}, false},
        {"interaction_statuses", "Interaction statuses", {"queue", "channel"}, false},
        {"interaction_channels", "Interaction channels", {"channel"}, false},
        {"template_usage", "Template usage", {"queue", "operator", "group", "branch"}, false},
        {"interaction_details", "Interaction details", {"queue", "channel", "operator", "group", "branch", "topic"},
         false},
    };
    return specs;
}

ReportRequest parseReportRequest(const std::string& name, const std::vector<std::pair<std::string, std::string>>& query,
                                 int utcOffsetMinutes) {
    ReportRequest request;
    for (const ReportSpec& spec : reportSpecs()) {
        if (spec.name == name) request.spec = &spec;
    }
    if (!request.spec) {
        std::string known;
        for (const ReportSpec& spec : reportSpecs()) known += (known.empty() ? "" : ", ") + spec.name;
        throw ApiError::badRequest("no report '" + name + "'; the reports are " + known);
    }
    request.utcOffsetMinutes = utcOffsetMinutes;
    std::set<std::string> given;
    for (const auto& [param, value] : query) {
        if (!given.insert(param).second) {
            throw ApiError::badRequest("'" + param + "' is given twice; use one (a comma list for several ids)");
        }
        if (param == "from") {
            request.fromDate = value;
        } else if (param == "to") {
            request.toDate = value;
        } else if (param == "format") {
            if (value != "json" && value != "csv" && value != "xlsx") {
                throw ApiError::badRequest("'format' must be json, csv or xlsx, not '" + value + "'");
            }
            request.format = value;
        } else if (param == "interval") {
            if (!request.spec->hasInterval) {
                throw ApiError::badRequest("'interval': report " + name + " has no intervals");
            }
            if (value != "15" && value != "30" && value != "60") {
                throw ApiError::badRequest("'interval' must be 15, 30 or 60 (minutes), not '" + value + "'");
            }
            request.intervalMinutes = std::stoi(value);
        } else if (request.spec->filters.count(param)) {
            request.filters[param] = commaList(value, param);
        } else {
            std::string allowed = "from, to, format";
            if (request.spec->hasInterval) allowed += ", interval";
            for (const std::string& f : request.spec->filters) allowed += ", " + f;
            throw ApiError::badRequest("'" + param + "' is not a parameter of report " + name + "; it takes " +
                                       allowed);
        }
    }
    const std::int64_t from = dayNumber(request.fromDate, "from");
    const std::int64_t to = dayNumber(request.toDate, "to");
    if (to < from) {
        throw ApiError::badRequest("'to' (" + request.toDate + ") is before 'from' (" + request.fromDate + ")");
    }
    if (to - from + 1 > kMaxReportDays) {
        throw ApiError::badRequest("the period from " + request.fromDate + " to " + request.toDate + " spans " +
                                   std::to_string(to - from + 1) + " days; a report covers at most " +
                                   std::to_string(kMaxReportDays));
    }
    // Local midnights at the centre's offset, as UTC.
    const std::int64_t offset = static_cast<std::int64_t>(utcOffsetMinutes) * 60 * 1000 * 1000;
    request.fromMicros = from * kMicrosPerDay - offset;
    request.toMicros = (to + 1) * kMicrosPerDay - offset;
    return request;
}

}  // namespace omnigate
