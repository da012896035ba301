// A report's table as a spreadsheet, the same for the REST download and a mailing's attachment: the columns under
// their titles, their number formats, the totals row and the chart of the reports with a trend.
#pragma once

#include <string>
#include <vector>

#include "api/spreadsheet_export.h"
#include "reports/report_request.h"
#include "reports/report_table.h"

namespace omnigate {

// A row's cells as a spreadsheet holds them: figures as numbers, the rest as text.
std::vector<SheetCell> reportCells(const std::vector<ReportCell>& row);

SpreadsheetExport reportSpreadsheet(const ReportSpec& spec, const ReportTable& table);

// queue_kpis-2026-12-01-2026-12-07.xlsx: the report and its local days.
std::string reportFileName(const ReportRequest& request, const std::string& format);

}  // namespace omnigate
