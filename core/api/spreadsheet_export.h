// One table held in memory and written as a file a supervisor opens in Excel or LibreOffice, CSV or XLSX: for
// tables of a bounded size (a report's rows, the unified queue). Kept apart from the endpoints so any of them
// exports the same way; a table too long to hold goes through SheetWriter row by row instead.
#pragma once

#include <string>
#include <vector>

#include "api/sheet_writer.h"

namespace omnigate {

class SpreadsheetExport {
public:
    using Cell = SheetCell;

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

    // The file's bytes, written by SheetWriter (core/api/sheet_writer.h). xlsx() throws std::runtime_error when
    // its temporary file cannot be written.
    std::string csv() const;
    std::string xlsx() const;

private:
    std::string write(SheetWriter::Format format) const;

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
