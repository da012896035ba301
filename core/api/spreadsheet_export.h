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
};

}  // namespace omnigate
