#include "api/spreadsheet_export.h"

#include <sstream>

namespace omnigate {

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

std::string SpreadsheetExport::csv() const { return write(SheetWriter::Format::Csv); }

std::string SpreadsheetExport::xlsx() const { return write(SheetWriter::Format::Xlsx); }

std::string SpreadsheetExport::write(SheetWriter::Format format) const {
    std::ostringstream out;
    SheetWriter writer(format, out, sheetName_, headers_, numberFormats_);
    for (const auto& row : rows_) writer.row(row);
    if (!totals_.empty()) writer.lastRow(totals_);
    if (!chartValues_.empty()) writer.chart(chartTitle_, chartCategory_, chartValues_);
    writer.finish();
    return out.str();
}

}  // namespace omnigate
