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

    try {
        for (std::size_t c = 0; c < headers_.size(); ++c) {
            const auto column = static_cast<lxw_col_t>(c);
            check(worksheet_write_string(sheet, 0, column, fitCell(headers_[c]).c_str(), bold), "writing a header");
            const double width = std::clamp<double>(static_cast<double>(headers_[c].size()) + 4, 10, 40);
            worksheet_set_column(sheet, column, column, width, nullptr);
        }
        for (std::size_t r = 0; r < rows_.size(); ++r) {
            const auto rowNumber = static_cast<lxw_row_t>(r + 1);
            for (std::size_t c = 0; c < rows_[r].size(); ++c) {
                const Cell& cell = rows_[r][c];
                const auto column = static_cast<lxw_col_t>(c);
                if (cell.numeric) {
                    check(worksheet_write_number(sheet, rowNumber, column, cell.number, nullptr), "writing a number");
                } else if (!cell.text.empty()) {
                    check(worksheet_write_string(sheet, rowNumber, column, fitCell(cell.text).c_str(), nullptr),
                          "writing a text");
                }
            }
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
