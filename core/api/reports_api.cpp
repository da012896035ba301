#include "api/reports_api.h"

#include <Poco/JSON/Array.h>

#include "api/api_support.h"
#include "api/spreadsheet_export.h"
#include "model/local_day.h"
#include "omnigate/sdk/api_error.h"
#include "reports/report_builder.h"

namespace omnigate {

namespace {

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::Dynamic::Var jsonOf(const ReportCell& cell) {
    if (cell.number) return *cell.number;
    if (!cell.text.empty()) return cell.text;
    return Poco::Dynamic::Var();
}

Poco::JSON::Object::Ptr rowJson(const ReportTable& table, const std::vector<ReportCell>& row) {
    Poco::JSON::Object::Ptr out = object();
    for (std::size_t c = 0; c < table.columns.size() && c < row.size(); ++c) {
        out->set(table.columns[c].key, jsonOf(row[c]));
    }
    return out;
}

SpreadsheetExport::Cell exportCell(const ReportCell& cell) {
    if (cell.number) return SpreadsheetExport::Cell::of(*cell.number);
    return SpreadsheetExport::Cell::of(cell.text);
}

}  // namespace

ReportsApi::ReportsApi(ConnectionPool& pool, int utcOffsetMinutes)
    : pool_(pool), utcOffsetMinutes_(utcOffsetMinutes) {}

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
    std::vector<std::pair<std::string, std::string>> query(request.query.begin(), request.query.end());
    const ReportRequest parsed = parseReportRequest(request.param("name"), query, utcOffsetMinutes_);
    const ReportTable table = api::readWith<ReportTable>(pool_, "the report", [&](DbSession& s) {
        return ReportBuilder(s).build(parsed);
    });

    if (parsed.format == "json") {
        Poco::JSON::Object::Ptr body = object();
        body->set("report", parsed.spec->name);
        body->set("title", parsed.spec->title);
        Poco::JSON::Object::Ptr period = object();
        period->set("from", parsed.fromDate);
        period->set("to", parsed.toDate);
        period->set("utc_offset", formatUtcOffset(utcOffsetMinutes_));
        body->set("period", period);
        if (parsed.spec->hasInterval) body->set("interval_minutes", parsed.intervalMinutes);
        Poco::JSON::Object::Ptr filters = object();
        for (const auto& [name, values] : parsed.filters) {
            Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
            for (const std::string& v : values) list->add(v);
            filters->set(name, list);
        }
        body->set("filters", filters);
        Poco::JSON::Array::Ptr columns = new Poco::JSON::Array;
        for (const ReportColumn& c : table.columns) {
            Poco::JSON::Object::Ptr column = object();
            column->set("key", c.key);
            column->set("title", c.title);
            column->set("format", c.format);
            columns->add(column);
        }
        body->set("columns", columns);
        // The console draws the same chart the spreadsheet carries.
        Poco::JSON::Array::Ptr chart = new Poco::JSON::Array;
        for (const std::string& key : table.chartColumns) chart->add(key);
        body->set("chart", chart);
        Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
        for (const auto& row : table.rows) rows->add(rowJson(table, row));
        body->set("rows", rows);
        body->set("totals", table.totals.empty() ? Poco::Dynamic::Var()
                                                 : Poco::Dynamic::Var(rowJson(table, table.totals)));
        return api::jsonResponse(200, body);
    }

    std::vector<std::string> headers;
    for (const ReportColumn& c : table.columns) headers.push_back(c.title);
    SpreadsheetExport sheet(parsed.spec->title.substr(0, 31), headers);
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
        if (!table.columns[c].format.empty()) sheet.setNumberFormat(c, table.columns[c].format);
    }
    for (const auto& row : table.rows) {
        std::vector<SpreadsheetExport::Cell> cells;
        for (const ReportCell& cell : row) cells.push_back(exportCell(cell));
        sheet.addRow(std::move(cells));
    }
    if (!table.totals.empty()) {
        std::vector<SpreadsheetExport::Cell> cells;
        for (const ReportCell& cell : table.totals) cells.push_back(exportCell(cell));
        sheet.setTotals(std::move(cells));
    }
    if (!table.chartColumns.empty()) {
        std::vector<std::size_t> values;
        for (const std::string& key : table.chartColumns) {
            for (std::size_t c = 0; c < table.columns.size(); ++c) {
                if (table.columns[c].key == key) values.push_back(c);
            }
        }
        sheet.setChart(parsed.spec->title, 0, values);
    }
    // queue_kpis-2026-12-01-2026-12-07.xlsx: the report and its local days.
    return api::spreadsheetResponse(
        sheet, parsed.format, parsed.spec->name + "-" + parsed.fromDate + "-" + parsed.toDate + "." + parsed.format);
}

}  // namespace omnigate
