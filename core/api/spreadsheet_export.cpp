#include "api/spreadsheet_export.h"

#include <xlsxwriter.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace omnigate {

namespace {

const char* const kBom = "\xEF\xBB\xBF";
// Excel's limit for one cell; longer text would make libxlsxwriter refuse the cell.
constexpr std::size_t kMaxCellBytes = 32767;

bool looksLikeFormula(const std::string& text) {
    return !text.empty() &&
           (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r');
}

void appendCsvField(std::string& out, const SpreadsheetExport::Cell& cell) {
    const std::string value = !cell.numeric && looksLikeFormula(cell.text) ? "'" + cell.text : cell.text;
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

// Cut at a character boundary so the cell stays valid UTF-8.
std::string fitCell(const std::string& text) {
    if (text.size() <= kMaxCellBytes) return text;
    std::size_t end = kMaxCellBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

// Removes the temporary file however the export ends.
struct TemporaryFile {
    std::string path;
    ~TemporaryFile() {
        if (!path.empty()) std::remove(path.c_str());
    }
};

void check(lxw_error error, const char* what) {
    if (error != LXW_NO_ERROR) throw std::runtime_error(std::string(what) + ": " + lxw_strerror(error));
}

}  // namespace

SpreadsheetExport::Cell SpreadsheetExport::Cell::of(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", value);
    return Cell{text, true, value};
}

SpreadsheetExport::SpreadsheetExport(std::string sheetName, std::vector<std::string> headers)
    : sheetName_(std::move(sheetName)), headers_(std::move(headers)) {}

void SpreadsheetExport::setNumberFormat(std::size_t column, std::string format) {
    if (numberFormats_.size() <= column) numberFormats_.resize(column + 1);
    numberFormats_[column] = std::move(format);
}

void SpreadsheetExport::setChart(std::string title, std::size_t categoryColumn, std::vector<std::size_t> valueColumns) {
    chartTitle_ = std::move(title);
    chartCategory_ = categoryColumn;
    chartValues_ = std::move(valueColumns);
}

void SpreadsheetExport::addRow(std::vector<Cell> row) {
    row.resize(headers_.size());
    rows_.push_back(std::move(row));
}

std::string SpreadsheetExport::csv() const {
    std::string out = kBom;
    const auto line = [&](const std::vector<Cell>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) out += ',';
            appendCsvField(out, cells[i]);
        }
        out += "\r\n";
    };
    std::vector<Cell> header;
    for (const std::string& h : headers_) header.push_back(Cell::of(h));
    line(header);
    for (const auto& row : rows_) line(row);
    if (!totals_.empty()) line(totals_);
    return out;
}

std::string SpreadsheetExport::xlsx() const {
    std::error_code ignored;
    const std::filesystem::path folder = std::filesystem::temp_directory_path(ignored);
    std::string pattern = (folder.empty() ? std::filesystem::path("/tmp") : folder) / "omnigate-export-XXXXXX.xlsx";
    const int fd = ::mkstemps(pattern.data(), 5);
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the XLSX export: " + pattern);
    ::close(fd);
    TemporaryFile file{pattern};
    const std::string tmpdir = file.path.substr(0, file.path.rfind('/'));

    // Constant memory: rows go to disk as they are written, so 100,000 lines do not sit in memory twice.
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = const_cast<char*>(tmpdir.c_str());
    lxw_workbook* workbook = workbook_new_opt(file.path.c_str(), &options);
    if (!workbook) throw std::runtime_error("cannot start the XLSX workbook " + file.path);
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, sheetName_.c_str());
    if (!sheet) {
        workbook_close(workbook);
        throw std::runtime_error("cannot add the sheet '" + sheetName_ + "' to the XLSX workbook");
    }
    lxw_format* bold = workbook_add_format(workbook);
    format_set_bold(bold);
    // One format per column with a number format, and its bold twin for the totals.
    std::vector<lxw_format*> formats(headers_.size(), nullptr);
    std::vector<lxw_format*> boldFormats(headers_.size(), bold);
    for (std::size_t c = 0; c < headers_.size() && c < numberFormats_.size(); ++c) {
        if (numberFormats_[c].empty()) continue;
        formats[c] = workbook_add_format(workbook);
        format_set_num_format(formats[c], numberFormats_[c].c_str());
        boldFormats[c] = workbook_add_format(workbook);
        format_set_num_format(boldFormats[c], numberFormats_[c].c_str());
        format_set_bold(boldFormats[c]);
    }
    const auto writeRow = [&](lxw_row_t rowNumber, const std::vector<Cell>& row, bool total) {
        for (std::size_t c = 0; c < row.size() && c < headers_.size(); ++c) {
            const Cell& cell = row[c];
            const auto column = static_cast<lxw_col_t>(c);
            lxw_format* format = total ? boldFormats[c] : formats[c];
            if (cell.numeric) {
                check(worksheet_write_number(sheet, rowNumber, column, cell.number, format), "writing a number");
            } else if (!cell.text.empty()) {
                check(worksheet_write_string(sheet, rowNumber, column, fitCell(cell.text).c_str(),
                                             total ? bold : nullptr),
                      "writing a text");
            }
        }
    };

    try {
        for (std::size_t c = 0; c < headers_.size(); ++c) {
            const auto column = static_cast<lxw_col_t>(c);
            check(worksheet_write_string(sheet, 0, column, fitCell(headers_[c]).c_str(), bold), "writing a header");
            const double width = std::clamp<double>(static_cast<double>(headers_[c].size()) + 4, 10, 40);
            worksheet_set_column(sheet, column, column, width, nullptr);
        }
        for (std::size_t r = 0; r < rows_.size(); ++r) writeRow(static_cast<lxw_row_t>(r + 1), rows_[r], false);
        if (!totals_.empty()) writeRow(static_cast<lxw_row_t>(rows_.size() + 1), totals_, true);
        if (!chartValues_.empty() && !rows_.empty()) {
            lxw_chart* chart = workbook_add_chart(workbook, LXW_CHART_LINE);
            const auto last = static_cast<lxw_row_t>(rows_.size());
            for (std::size_t value : chartValues_) {
                lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
                chart_series_set_categories(series, sheetName_.c_str(), 1, static_cast<lxw_col_t>(chartCategory_),
                                            last, static_cast<lxw_col_t>(chartCategory_));
                chart_series_set_values(series, sheetName_.c_str(), 1, static_cast<lxw_col_t>(value), last,
                                        static_cast<lxw_col_t>(value));
                chart_series_set_name_range(series, sheetName_.c_str(), 0, static_cast<lxw_col_t>(value));
            }
            chart_title_set_name(chart, chartTitle_.c_str());
            // Beside the table, at its top: the rows are written in order (constant memory) and are all done.
            check(worksheet_insert_chart(sheet, 1, static_cast<lxw_col_t>(headers_.size() + 1), chart),
                  "inserting the chart");
        }
        if (!headers_.empty()) {
            worksheet_freeze_panes(sheet, 1, 0);
            worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(rows_.size()),
                                 static_cast<lxw_col_t>(headers_.size() - 1));
        }
    } catch (...) {
        workbook_close(workbook);
        throw;
    }
    check(workbook_close(workbook), "writing the XLSX workbook");

    std::ifstream in(file.path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read back the XLSX export " + file.path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace omnigate
