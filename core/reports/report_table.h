// A report's answer before it is written out: its columns, rows and totals, and the chart it has where it shows a
// trend. The REST API writes it as JSON, CSV or XLSX alike, so the three never disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace omnigate {

struct ReportCell {
    std::optional<double> number;  // a figure; absent with no text: nothing to compute it from
    std::string text;

    static ReportCell of(std::string t) { return ReportCell{std::nullopt, std::move(t)}; }
    static ReportCell of(std::optional<double> n) { return ReportCell{n, ""}; }
};

struct ReportColumn {
    std::string key;     // the figure's name in docs/metrics.md, or what the row is of (queue, operator…)
    std::string title;   // the CSV and XLSX header
    std::string format;  // an Excel number format for the XLSX, empty for text and counts
};

struct ReportTable {
    std::vector<ReportColumn> columns;
    std::vector<std::vector<ReportCell>> rows;
    std::vector<ReportCell> totals;  // empty: no totals row
    std::vector<std::string> chartColumns;  // keys drawn as lines over the first column; empty: no chart
};

}  // namespace omnigate
