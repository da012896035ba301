// One table written as a file a supervisor opens in Excel or LibreOffice: CSV (RFC 4180, UTF-8 with a byte-order
// mark, without which Excel reads Cyrillic as mojibake) or XLSX (libxlsxwriter). Kept apart from the endpoints so
// any report can export the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace omnigate {

class SpreadsheetExport {
public:
    // A value as text; numbers also keep their value so XLSX stores them as numbers (sortable, summable).
    struct Cell {
        std::string text;
        bool numeric = false;
        double number = 0;

        static Cell of(std::string text) { return Cell{std::move(text), false, 0}; }
        static Cell of(std::int64_t value) { return Cell{std::to_string(value), true, static_cast<double>(value)}; }
        static Cell of(double value);
    };

    SpreadsheetExport(std::string sheetName, std::vector<std::string> headers);

    // A row with as many cells as there are headers (fewer are padded with empty cells, more are dropped).
    void addRow(std::vector<Cell> row);
    std::size_t rowCount() const { return rows_.size(); }
    // A bold last row outside the filtered range (a report's totals), in the CSV as the last line.
    void setTotals(std::vector<Cell> row) { totals_ = std::move(row); }
    // An Excel number format for a column's numbers in the XLSX ("0.0", "0.00"); the CSV keeps the text.
    void setNumberFormat(std::size_t column, std::string format);
    // A line chart beside the table in the XLSX: `categoryColumn` along the axis, one line per value column.
    void setChart(std::string title, std::size_t categoryColumn, std::vector<std::size_t> valueColumns);

    // The header line and the rows, CRLF-terminated, fields quoted when they hold a comma, a quote or a line
    // break. A text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a CR) gets a
    // leading apostrophe: an export must never execute what a client typed.
    std::string csv() const;
    // The workbook's bytes: one sheet, a bold frozen header row with filters. libxlsxwriter only writes files,
    // so it goes through a temporary file in the system's temporary folder, removed before returning. Throws
    // std::runtime_error when that file cannot be written.
    std::string xlsx() const;

private:
    std::string sheetName_;
    std::vector<std::string> headers_;
    std::vector<std::vector<Cell>> rows_;
    std::vector<Cell> totals_;
    std::vector<std::string> numberFormats_;  // by column; empty: general
    std::string chartTitle_;
    std::size_t chartCategory_ = 0;
    std::vector<std::size_t> chartValues_;
};

}  // namespace omnigate
