// Rows written one at a time as CSV (RFC 4180, UTF-8 with a byte-order mark, without which Excel reads Cyrillic
// as mojibake) or XLSX (libxlsxwriter in constant memory), so that an export of a million rows never holds its
// table: CSV lines go out as they come, an XLSX workbook builds in a temporary file and is copied out at the end.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace omnigate {

// A value as text; numbers also keep their value so XLSX stores them as numbers (sortable, summable).
struct SheetCell {
    std::string text;
    bool numeric = false;
    double number = 0;

    static SheetCell of(std::string text) { return SheetCell{std::move(text), false, 0}; }
    static SheetCell of(std::int64_t value) { return SheetCell{std::to_string(value), true, static_cast<double>(value)}; }
    static SheetCell of(double value);
};

class SheetWriter {
public:
    enum class Format { Csv, Xlsx };

    // The header row is written at once. `numberFormats` are Excel number formats by column ("0.0", empty for
    // general), used by the XLSX only. Throws std::runtime_error when the XLSX's temporary file cannot be made.
    SheetWriter(Format format, std::ostream& out, const std::string& sheetName, const std::vector<std::string>& headers,
                const std::vector<std::string>& numberFormats = {});
    ~SheetWriter();
    SheetWriter(const SheetWriter&) = delete;
    SheetWriter& operator=(const SheetWriter&) = delete;

    // A row with as many cells as there are headers (fewer are padded with empty cells, more are dropped). A text
    // that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a CR) gets a leading
    // apostrophe in the CSV: an export must never execute what a client typed.
    void row(const std::vector<SheetCell>& cells);
    // A bold last row outside the filtered range (a report's totals, a note that the rows were cut).
    void lastRow(const std::vector<SheetCell>& cells);
    std::size_t rows() const { return rows_; }
    // A line chart beside the table in the XLSX, over the rows written: `categoryColumn` along the axis, one line
    // per value column. Drawn at finish().
    void chart(std::string title, std::size_t categoryColumn, std::vector<std::size_t> valueColumns);
    // Completes the file: for an XLSX, closes the workbook and copies it to the stream. Throws
    // std::runtime_error when the workbook cannot be written.
    void finish();

private:
    struct Xlsx;

    void csvLine(const std::vector<SheetCell>& cells);
    void xlsxRow(std::size_t rowNumber, const std::vector<SheetCell>& cells, bool bold);

    Format format_;
    std::ostream& out_;
    std::string sheetName_;
    std::size_t columns_;
    std::size_t rows_ = 0;
    bool lastRowWritten_ = false;
    std::unique_ptr<Xlsx> xlsx_;
    std::string chartTitle_;
    std::size_t chartCategory_ = 0;
    std::vector<std::size_t> chartValues_;
};

}  // namespace omnigate
