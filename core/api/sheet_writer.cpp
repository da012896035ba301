#include "api/sheet_writer.h"

#include <xlsxwriter.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
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

void appendCsvField(std::string& out, const SheetCell& cell) {
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

void check(lxw_error error, const char* what) {
    if (error != LXW_NO_ERROR) throw std::runtime_error(std::string(what) + ": " + lxw_strerror(error));
}

}  // namespace

SheetCell SheetCell::of(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", value);
    return SheetCell{text, true, value};
}

// The workbook under construction and its temporary file, both released however the export ends.
struct SheetWriter::Xlsx {
    std::string path;
    std::string tmpdir;
    lxw_workbook* workbook = nullptr;
    lxw_worksheet* sheet = nullptr;
    lxw_format* bold = nullptr;
    std::vector<lxw_format*> formats;      // by column: its number format, or null
    std::vector<lxw_format*> boldFormats;  // the same, bold, for the last row

    ~Xlsx() {
        if (workbook) workbook_close(workbook);
        if (!path.empty()) std::remove(path.c_str());
    }
};

SheetWriter::SheetWriter(Format format, std::ostream& out, const std::string& sheetName,
                         const std::vector<std::string>& headers, const std::vector<std::string>& numberFormats)
    : format_(format), out_(out), sheetName_(sheetName), columns_(headers.size()) {
    std::vector<SheetCell> header;
    for (const std::string& h : headers) header.push_back(SheetCell::of(h));
    if (format_ == Format::Csv) {
        out_ << kBom;
        csvLine(header);
        return;
    }

    xlsx_ = std::make_unique<Xlsx>();
    std::error_code ignored;
    const std::filesystem::path folder = std::filesystem::temp_directory_path(ignored);
    std::string pattern = (folder.empty() ? std::filesystem::path("/tmp") : folder) / "omnigate-export-XXXXXX.xlsx";
    const int fd = ::mkstemps(pattern.data(), 5);
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the XLSX export: " + pattern);
    ::close(fd);
    xlsx_->path = pattern;
    xlsx_->tmpdir = pattern.substr(0, pattern.rfind('/'));

    // Constant memory: rows go to disk as they are written, and only the current one stays in memory.
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = const_cast<char*>(xlsx_->tmpdir.c_str());
    xlsx_->workbook = workbook_new_opt(xlsx_->path.c_str(), &options);
    if (!xlsx_->workbook) throw std::runtime_error("cannot start the XLSX workbook " + xlsx_->path);
    xlsx_->sheet = workbook_add_worksheet(xlsx_->workbook, sheetName_.c_str());
    if (!xlsx_->sheet) throw std::runtime_error("cannot add the sheet '" + sheetName_ + "' to the XLSX workbook");
    xlsx_->bold = workbook_add_format(xlsx_->workbook);
    format_set_bold(xlsx_->bold);
    xlsx_->formats.assign(columns_, nullptr);
    xlsx_->boldFormats.assign(columns_, xlsx_->bold);
    for (std::size_t c = 0; c < columns_ && c < numberFormats.size(); ++c) {
        if (numberFormats[c].empty()) continue;
        xlsx_->formats[c] = workbook_add_format(xlsx_->workbook);
        format_set_num_format(xlsx_->formats[c], numberFormats[c].c_str());
        xlsx_->boldFormats[c] = workbook_add_format(xlsx_->workbook);
        format_set_num_format(xlsx_->boldFormats[c], numberFormats[c].c_str());
        format_set_bold(xlsx_->boldFormats[c]);
    }
    for (std::size_t c = 0; c < columns_; ++c) {
        const auto column = static_cast<lxw_col_t>(c);
        const double width = std::clamp<double>(static_cast<double>(headers[c].size()) + 4, 10, 40);
        worksheet_set_column(xlsx_->sheet, column, column, width, nullptr);
    }
    xlsxRow(0, header, true);
}

SheetWriter::~SheetWriter() = default;

void SheetWriter::row(const std::vector<SheetCell>& cells) {
    if (lastRowWritten_) throw std::logic_error("SheetWriter: a row after the last row");
    ++rows_;
    if (format_ == Format::Csv) {
        csvLine(cells);
    } else {
        xlsxRow(rows_, cells, false);
    }
}

void SheetWriter::lastRow(const std::vector<SheetCell>& cells) {
    if (format_ == Format::Csv) {
        csvLine(cells);
    } else {
        xlsxRow(rows_ + 1, cells, true);
    }
    lastRowWritten_ = true;
}

void SheetWriter::chart(std::string title, std::size_t categoryColumn, std::vector<std::size_t> valueColumns) {
    chartTitle_ = std::move(title);
    chartCategory_ = categoryColumn;
    chartValues_ = std::move(valueColumns);
}

void SheetWriter::finish() {
    if (format_ == Format::Csv) {
        out_.flush();
        return;
    }
    lxw_worksheet* sheet = xlsx_->sheet;
    if (!chartValues_.empty() && rows_ > 0) {
        lxw_chart* chart = workbook_add_chart(xlsx_->workbook, LXW_CHART_LINE);
        const auto last = static_cast<lxw_row_t>(rows_);
        const auto category = static_cast<lxw_col_t>(chartCategory_);
        for (std::size_t value : chartValues_) {
            lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
            chart_series_set_categories(series, sheetName_.c_str(), 1, category, last, category);
            chart_series_set_values(series, sheetName_.c_str(), 1, static_cast<lxw_col_t>(value), last,
                                    static_cast<lxw_col_t>(value));
            chart_series_set_name_range(series, sheetName_.c_str(), 0, static_cast<lxw_col_t>(value));
        }
        chart_title_set_name(chart, chartTitle_.c_str());
        // Beside the table, at its top: the rows are all written (constant memory writes them in order).
        check(worksheet_insert_chart(sheet, 1, static_cast<lxw_col_t>(columns_ + 1), chart), "inserting the chart");
    }
    if (columns_ > 0) {
        worksheet_freeze_panes(sheet, 1, 0);
        worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(rows_), static_cast<lxw_col_t>(columns_ - 1));
    }
    const lxw_error closed = workbook_close(xlsx_->workbook);
    xlsx_->workbook = nullptr;
    check(closed, "writing the XLSX workbook");

    std::ifstream in(xlsx_->path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read back the XLSX export " + xlsx_->path);
    out_ << in.rdbuf();
    out_.flush();
}

void SheetWriter::csvLine(const std::vector<SheetCell>& cells) {
    std::string line;
    for (std::size_t i = 0; i < columns_; ++i) {
        if (i > 0) line += ',';
        if (i < cells.size()) appendCsvField(line, cells[i]);
    }
    line += "\r\n";
    out_ << line;
}

void SheetWriter::xlsxRow(std::size_t rowNumber, const std::vector<SheetCell>& cells, bool bold) {
    const auto r = static_cast<lxw_row_t>(rowNumber);
    for (std::size_t c = 0; c < cells.size() && c < columns_; ++c) {
        const SheetCell& cell = cells[c];
        const auto column = static_cast<lxw_col_t>(c);
        if (cell.numeric) {
            check(worksheet_write_number(xlsx_->sheet, r, column, cell.number,
                                         bold ? xlsx_->boldFormats[c] : xlsx_->formats[c]),
                  "writing a number");
        } else if (!cell.text.empty()) {
            check(worksheet_write_string(xlsx_->sheet, r, column, fitCell(cell.text).c_str(),
                                         bold ? xlsx_->bold : nullptr),
                  "writing a text");
        }
    }
}

}  // namespace omnigate
