#include "support/xlsx_reader.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/StreamCopier.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <map>
#include <sstream>
#include <stdexcept>

namespace omnigate::test {

namespace {

using Poco::AutoPtr;
using Poco::XML::Document;
using Poco::XML::Element;
using Poco::XML::NodeList;

std::map<std::string, std::string> entries(const std::string& bytes) {
    std::istringstream in(bytes);
    Poco::Zip::ZipArchive archive(in);
    std::map<std::string, std::string> out;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
        if (it->second.isDirectory()) continue;
        std::istringstream again(bytes);
        Poco::Zip::ZipInputStream zip(again, it->second);
        std::string content;
        Poco::StreamCopier::copyToString(zip, content);
        out[it->first] = content;
    }
    return out;
}

std::string textOf(Element* element) { return element ? element->innerText() : std::string(); }

// "C7" -> 2 (columns from A = 0).
std::size_t columnOf(const std::string& reference) {
    std::size_t column = 0;
    for (char c : reference) {
        if (c < 'A' || c > 'Z') break;
        column = column * 26 + static_cast<std::size_t>(c - 'A' + 1);
    }
    return column == 0 ? 0 : column - 1;
}

}  // namespace

XlsxContent readXlsx(const std::string& bytes) {
    if (bytes.rfind("PK\x03\x04", 0) != 0) throw std::runtime_error("not a zip archive");
    const auto files = entries(bytes);
    const auto sheet = files.find("xl/worksheets/sheet1.xml");
    if (sheet == files.end()) throw std::runtime_error("no first sheet in the workbook");
    Poco::XML::DOMParser parser;
    std::vector<std::string> shared;
    if (const auto strings = files.find("xl/sharedStrings.xml"); strings != files.end()) {
        AutoPtr<Document> doc = parser.parseString(strings->second);
        AutoPtr<NodeList> items = doc->getElementsByTagName("si");
        for (unsigned long i = 0; i < items->length(); ++i) shared.push_back(items->item(i)->innerText());
    }
    XlsxContent content;
    AutoPtr<Document> doc = parser.parseString(sheet->second);
    AutoPtr<NodeList> rows = doc->getElementsByTagName("row");
    for (unsigned long r = 0; r < rows->length(); ++r) {
        auto* row = static_cast<Element*>(rows->item(r));
        std::vector<std::string> cells;
        AutoPtr<NodeList> cs = row->getElementsByTagName("c");
        for (unsigned long c = 0; c < cs->length(); ++c) {
            auto* cell = static_cast<Element*>(cs->item(c));
            const std::size_t column = columnOf(cell->getAttribute("r"));
            if (cells.size() <= column) cells.resize(column + 1);
            const std::string type = cell->getAttribute("t");
            if (type == "s") {
                const std::size_t index = std::stoul(textOf(cell->getChildElement("v")));
                cells[column] = index < shared.size() ? shared[index] : "";
            } else if (type == "inlineStr") {
                cells[column] = textOf(cell->getChildElement("is"));
            } else {
                cells[column] = textOf(cell->getChildElement("v"));
            }
        }
        content.rows.push_back(std::move(cells));
    }
    for (const auto& [name, text] : files) {
        if (name.rfind("xl/charts/chart", 0) == 0) content.hasChart = true;
    }
    return content;
}

}  // namespace omnigate::test
