#include "utf8_text.h"

#include <Poco/Unicode.h>
#include <Poco/UTF8Encoding.h>

#include <algorithm>

namespace omnigate::knowledge_base {

namespace {

// The length of the UTF-8 sequence starting at `i`, or 0 when it is not a valid one.
std::size_t sequenceAt(const std::string& text, std::size_t i) {
    static Poco::UTF8Encoding utf8;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data()) + i;
    const int needed = utf8.sequenceLength(bytes, 1);
    if (needed <= 0 || i + static_cast<std::size_t>(needed) > text.size()) return 0;
    if (!Poco::UTF8Encoding::isLegal(bytes, needed)) return 0;
    return static_cast<std::size_t>(needed);
}

// The code point of the valid sequence of `length` bytes at `i`.
int codePointAt(const std::string& text, std::size_t i, std::size_t length) {
    static Poco::UTF8Encoding utf8;
    return utf8.queryConvert(reinterpret_cast<const unsigned char*>(text.data()) + i, static_cast<int>(length));
}

bool hasDigit(const std::u32string& word) {
    return std::any_of(word.begin(), word.end(), [](char32_t c) { return Poco::Unicode::isDigit(static_cast<int>(c)); });
}

}  // namespace

bool isValidUtf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = sequenceAt(text, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

bool isBlank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

std::size_t utf8Length(const std::string& text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count) i += std::max<std::size_t>(1, sequenceAt(text, i));
    return count;
}

std::string truncateUtf8(const std::string& text, std::size_t maxBytes) {
    if (text.size() <= maxBytes) return text;
    std::size_t end = 0;
    while (end < text.size()) {
        const std::size_t length = std::max<std::size_t>(1, sequenceAt(text, end));
        if (end + length > maxBytes) break;
        end += length;
    }
    return text.substr(0, end);
}

std::vector<std::u32string> wordsOf(const std::string& text, std::size_t maxWords) {
    std::vector<std::u32string> words;
    std::u32string current;
    const auto finish = [&] {
        if ((current.size() >= 3 || hasDigit(current)) &&
            std::find(words.begin(), words.end(), current) == words.end()) {
            words.push_back(current);
        }
        current.clear();
    };
    for (std::size_t i = 0; i < text.size() && words.size() < maxWords;) {
        const std::size_t length = sequenceAt(text, i);
        if (length == 0) {  // a broken byte separates words like punctuation does
            finish();
            ++i;
            continue;
        }
        int c = codePointAt(text, i, length);
        i += length;
        if (Poco::Unicode::isAlpha(c) || Poco::Unicode::isDigit(c)) {
            c = Poco::Unicode::toLower(c);
            if (c == 0x0451) c = 0x0435;  // ё → е: Russian writes them interchangeably
            current.push_back(static_cast<char32_t>(c));
        } else {
            finish();
        }
    }
    if (words.size() < maxWords) finish();
    return words;
}

bool sameWord(const std::u32string& a, const std::u32string& b) {
    if (a == b) return true;
    const std::size_t shorter = std::min(a.size(), b.size());
    const std::size_t longer = std::max(a.size(), b.size());
    if (shorter < 4) return false;
    std::size_t common = 0;
    while (common < shorter && a[common] == b[common]) ++common;
    return common >= std::max<std::size_t>(4, longer - 3);
}

std::string toUtf8(const std::u32string& word) {
    static Poco::UTF8Encoding utf8;
    std::string out;
    unsigned char buffer[8];
    for (char32_t c : word) {
        const int length = utf8.convert(static_cast<int>(c), buffer, sizeof buffer);
        if (length > 0) out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
    }
    return out;
}

}  // namespace omnigate::knowledge_base
