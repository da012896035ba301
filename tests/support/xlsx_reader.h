// Reads back what a spreadsheet program would show of an XLSX the daemon wrote: the first sheet's cells as text
// (numbers as written, shared and inline strings resolved), and whether the workbook holds a chart. Tests use it
// to check an export's rows, not just that it is a zip.
#pragma once

#include <string>
#include <vector>

namespace omnigate::test {

struct XlsxContent {
    std::vector<std::vector<std::string>> rows;  // the first sheet, row by row, columns from A
    bool hasChart = false;
};

// Throws std::runtime_error when the bytes are not an XLSX workbook.
XlsxContent readXlsx(const std::string& bytes);

}  // namespace omnigate::test
