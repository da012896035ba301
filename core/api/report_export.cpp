#include "api/report_export.h"

namespace omnigate {

std::vector<SheetCell> reportCells(const std::vector<ReportCell>& row) {
    std::vector<SheetCell> cells;
    for (const ReportCell& cell : row) cells.push_back(cell.number ? SheetCell::of(*cell.number) : SheetCell::of(cell.text));
    return cells;
}

SpreadsheetExport reportSpreadsheet(const ReportSpec& spec, const ReportTable& table) {
    std::vector<std::string> headers;
    for (const ReportColumn& c : table.columns) headers.push_back(c.title);
    SpreadsheetExport sheet(spec.title.substr(0, 31), headers);
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
        if (!table.columns[c].format.empty()) sheet.setNumberFormat(c, table.columns[c].format);
    }
    for (const auto& row : table.rows) sheet.addRow(reportCells(row));
    if (!table.totals.empty()) sheet.setTotals(reportCells(table.totals));
    if (!table.chartColumns.empty()) {
        std::vector<std::size_t> values;
        for (const std::string& key : table.chartColumns) {
            for (std::size_t c = 0; c < table.columns.size(); ++c) {
                if (table.columns[c].key == key) values.push_back(c);
            }
        }
        sheet.setChart(spec.title, 0, values);
    }
    return sheet;
}

std::string reportFileName(const ReportRequest& request, const std::string& format) {
    return request.spec->name + "-" + request.fromDate + "-" + request.toDate + "." + format;
}

}  // namespace omnigate
