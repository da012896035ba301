#include "omnigate/sdk/word_match.h"

#include <Poco/Unicode.h>
#include <Poco/UTF8Encoding.h>

#include <algorithm>

namespace omnigate::word_match {

namespace {

int codePointAt(const std::string& text, std::size_t i, std::size_t length) {
    static Poco::UTF8Encoding utf8;
    return utf8.queryConvert(reinterpret_cast<const unsigned char*>(text.data()) + i, static_cast<int>(length));
}

bool hasDigit(const std::u32string& word) {
    return std::any_of(word.begin(), word.end(), [](char32_t c) { return Poco::Unicode::isDigit(static_cast<int>(c)); });
}

}  // namespace

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
        const std::size_t length = validSequenceAt(text, i);
        if (length == 0) {
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

double wordOverlap(const std::vector<std::u32string>& wanted, const std::vector<std::u32string>& words) {
    if (wanted.empty()) return 0;
    std::size_t matched = 0;
    for (const std::u32string& word : wanted) {
        const bool found = std::any_of(words.begin(), words.end(),
                                       [&](const std::u32string& other) { return sameWord(word, other); });
        if (found) ++matched;
    }
    return static_cast<double>(matched) / static_cast<double>(wanted.size());
}

std::size_t validSequenceAt(const std::string& text, std::size_t i) {
    static Poco::UTF8Encoding utf8;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data()) + i;
    const int needed = utf8.sequenceLength(bytes, 1);
    if (needed <= 0 || i + static_cast<std::size_t>(needed) > text.size()) return 0;
    if (!Poco::UTF8Encoding::isLegal(bytes, needed)) return 0;
    return static_cast<std::size_t>(needed);
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

}  // namespace omnigate::word_match
