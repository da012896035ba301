#include "api/reports_api.h"

#include <Poco/JSON/Array.h>

#include <memory>

#include "api/api_support.h"
#include "api/report_export.h"
#include "api/sheet_writer.h"
#include "model/local_day.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/content_disposition.h"
#include "reports/interaction_details.h"
#include "reports/report_builder.h"

namespace omnigate {

namespace {

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::Dynamic::Var jsonOf(const ReportCell& cell) {
    if (cell.number) return *cell.number;
    if (!cell.text.empty()) return cell.text;
    return Poco::Dynamic::Var();
}

Poco::JSON::Object::Ptr rowJson(const std::vector<ReportColumn>& columns, const std::vector<ReportCell>& row) {
    Poco::JSON::Object::Ptr out = object();
    for (std::size_t c = 0; c < columns.size() && c < row.size(); ++c) out->set(columns[c].key, jsonOf(row[c]));
    return out;
}

// What every JSON answer starts with: the question it answers and its columns.
Poco::JSON::Object::Ptr header(const ReportRequest& parsed, const std::vector<ReportColumn>& columns,
                               const std::vector<std::string>& chartColumns) {
    Poco::JSON::Object::Ptr body = object();
    body->set("report", parsed.spec->name);
    body->set("title", parsed.spec->title);
    Poco::JSON::Object::Ptr period = object();
    period->set("from", parsed.fromDate);
    period->set("to", parsed.toDate);
    period->set("utc_offset", formatUtcOffset(parsed.utcOffsetMinutes));
    body->set("period", period);
    if (parsed.spec->hasInterval) body->set("interval_minutes", parsed.intervalMinutes);
    Poco::JSON::Object::Ptr filters = object();
    for (const auto& [name, values] : parsed.filters) {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const std::string& v : values) list->add(v);
        filters->set(name, list);
    }
    body->set("filters", filters);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const ReportColumn& c : columns) {
        Poco::JSON::Object::Ptr column = object();
        column->set("key", c.key);
        column->set("title", c.title);
        column->set("format", c.format);
        list->add(column);
    }
    body->set("columns", list);
    // The console draws the same chart the spreadsheet carries.
    Poco::JSON::Array::Ptr chart = new Poco::JSON::Array;
    for (const std::string& key : chartColumns) chart->add(key);
    body->set("chart", chart);
    return body;
}

// Rows read at a time for an export: a few megabytes of a page, a few hundred round trips for a million rows.
constexpr int kExportPageRows = 5000;

}  // namespace

ReportsApi::ReportsApi(ConnectionPool& pool, int utcOffsetMinutes, int maxExportRows)
    : pool_(pool), utcOffsetMinutes_(utcOffsetMinutes), maxExportRows_(static_cast<std::size_t>(maxExportRows)) {}

void ReportsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/reports", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return list(r); });
    router.add("GET", "/api/v1/reports/{name}", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return report(r); });
}

HttpResponse ReportsApi::list(const HttpRequest& request) {
    for (const auto& [name, value] : request.query) throw ApiError::badRequest("unknown query parameter '" + name + "'");
    Poco::JSON::Array::Ptr reports = new Poco::JSON::Array;
    for (const ReportSpec& spec : reportSpecs()) {
        Poco::JSON::Object::Ptr item = object();
        item->set("name", spec.name);
        item->set("title", spec.title);
        Poco::JSON::Array::Ptr filters = new Poco::JSON::Array;
        for (const std::string& f : spec.filters) filters->add(f);
        item->set("filters", filters);
        item->set("intervals", spec.hasInterval);
        reports->add(item);
    }
    Poco::JSON::Object::Ptr body = object();
    body->set("utc_offset", formatUtcOffset(utcOffsetMinutes_));
    body->set("max_days", kMaxReportDays);
    body->set("reports", reports);
    return api::jsonResponse(200, body);
}

HttpResponse ReportsApi::report(const HttpRequest& request) {
    if (request.param("name") == "interaction_details") return details(request);
    std::vector<std::pair<std::string, std::string>> query(request.query.begin(), request.query.end());
    const ReportRequest parsed = parseReportRequest(request.param("name"), query, utcOffsetMinutes_);
    const ReportTable table = api::readWith<ReportTable>(pool_, "the report", [&](DbSession& s) {
        return ReportBuilder(s).build(parsed);
    });

    if (parsed.format == "json") {
        Poco::JSON::Object::Ptr body = header(parsed, table.columns, table.chartColumns);
        Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
        for (const auto& row : table.rows) rows->add(rowJson(table.columns, row));
        body->set("rows", rows);
        body->set("totals", table.totals.empty() ? Poco::Dynamic::Var()
                                                 : Poco::Dynamic::Var(rowJson(table.columns, table.totals)));
        return api::jsonResponse(200, body);
    }

    return api::spreadsheetResponse(reportSpreadsheet(*parsed.spec, table), parsed.format,
                                    reportFileName(parsed, parsed.format));
}

HttpResponse ReportsApi::details(const HttpRequest& request) {
    // `after` and `limit` page the JSON; the rest is the report's question like any other's.
    std::vector<std::pair<std::string, std::string>> query;
    std::string after, limitText;
    for (const auto& [name, value] : request.query) {
        if (name == "after") {
            after = value;
        } else if (name == "limit") {
            limitText = value;
        } else {
            query.emplace_back(name, value);
        }
    }
    const ReportRequest parsed = parseReportRequest("interaction_details", query, utcOffsetMinutes_);
    const ReportScope scope =
        api::readWith<ReportScope>(pool_, "the report", [&](DbSession& s) { return reportScope(s, parsed); });
    const InteractionDetails details(parsed, scope);

    if (parsed.format == "json") {
        int limit = 100;
        if (!limitText.empty()) {
            if (limitText.size() > 4 || limitText.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(limitText) < 1 || std::stoi(limitText) > InteractionDetails::kMaxPageRows) {
                throw ApiError::badRequest("'limit' must be a number of rows from 1 to " +
                                           std::to_string(InteractionDetails::kMaxPageRows));
            }
            limit = std::stoi(limitText);
        }
        const InteractionDetails::Cursor cursor =
            after.empty() ? InteractionDetails::Cursor{} : InteractionDetails::Cursor::parse(after);
        const InteractionDetails::Page page = api::readWith<InteractionDetails::Page>(
            pool_, "the report", [&](DbSession& s) { return details.page(s, cursor, limit); });
        Poco::JSON::Object::Ptr body = header(parsed, InteractionDetails::columns(), {});
        Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
        for (const auto& row : page.rows) rows->add(rowJson(InteractionDetails::columns(), row));
        body->set("rows", rows);
        body->set("next", static_cast<int>(page.rows.size()) == limit ? Poco::Dynamic::Var(page.last.format())
                                                                        : Poco::Dynamic::Var());
        return api::jsonResponse(200, body);
    }

    if (!after.empty() || !limitText.empty()) {
        throw ApiError::badRequest("'after' and 'limit' page the JSON; an export holds every row, up to " +
                                   std::to_string(maxExportRows_));
    }
    // The first page is read before the head goes out, so a database that is down is still a 503; the rest is
    // read page by page as the body is written, a pooled connection held only while a page is read.
    auto first = std::make_shared<InteractionDetails::Page>(api::readWith<InteractionDetails::Page>(
        pool_, "the report", [&](DbSession& s) { return details.page(s, {}, kExportPageRows); }));
    HttpResponse response;
    response.contentType = parsed.format == "csv" ? "text/csv; charset=utf-8"
                                                  : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    response.headers.emplace_back("Content-Disposition", contentDisposition("attachment", reportFileName(parsed, parsed.format)));
    response.stream = [this, details, first, title = parsed.spec->title,
                       format = parsed.format](std::ostream& out) {
        std::vector<std::string> headers, formats;
        for (const ReportColumn& c : InteractionDetails::columns()) {
            headers.push_back(c.title);
            formats.push_back(c.format);
        }
        SheetWriter writer(format == "csv" ? SheetWriter::Format::Csv : SheetWriter::Format::Xlsx, out,
                           title.substr(0, 31), headers, formats);
        InteractionDetails::Page page = std::move(*first);
        bool cut = false;
        for (;;) {
            for (const auto& row : page.rows) {
                if (writer.rows() == maxExportRows_) {
                    cut = true;
                    break;
                }
                writer.row(reportCells(row));
            }
            if (cut || page.rows.size() < static_cast<std::size_t>(kExportPageRows)) break;
            const InteractionDetails::Cursor after = page.last;
            page = api::readWith<InteractionDetails::Page>(
                pool_, "the report", [&](DbSession& s) { return details.page(s, after, kExportPageRows); });
        }
        if (cut) {
            writer.lastRow({SheetCell::of("The export stops at " + std::to_string(maxExportRows_) +
                                          " rows; narrow the period or the filters for the rest.")});
        }
        writer.finish();
    };
    return response;
}

}  // namespace omnigate
