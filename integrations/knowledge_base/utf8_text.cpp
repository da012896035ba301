#include "utf8_text.h"

#include <algorithm>

#include "omnigate/sdk/word_match.h"

namespace omnigate::knowledge_base {

bool isValidUtf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = word_match::validSequenceAt(text, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

bool isBlank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

std::size_t utf8Length(const std::string& text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count) i += std::max<std::size_t>(1, word_match::validSequenceAt(text, i));
    return count;
}

std::string truncateUtf8(const std::string& text, std::size_t maxBytes) {
    if (text.size() <= maxBytes) return text;
    std::size_t end = 0;
    while (end < text.size()) {
        const std::size_t length = std::max<std::size_t>(1, word_match::validSequenceAt(text, end));
        if (end + length > maxBytes) break;
        end += length;
    }
    return text.substr(0, end);
}

}  // namespace omnigate::knowledge_base
