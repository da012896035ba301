#include "pipeline/spam_filter_stage.h"

#include <Poco/UTF8String.h>

#include <cctype>

namespace omnigate {

namespace {

// Letters of any script count as word characters: every byte of a multi-byte UTF-8 sequence is >= 0x80.
bool isWordByte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) != 0;
}

}  // namespace

bool SpamFilterStage::matches(const std::string& text, const std::vector<std::string>& words) {
    if (words.empty()) return false;
    const std::string lower = Poco::UTF8::toLower(text);
    for (const std::string& word : words) {
        if (word.empty()) continue;
        for (std::size_t at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
            const bool startsWord = at == 0 || !isWordByte(lower[at - 1]);
            const std::size_t end = at + word.size();
            const bool endsWord = end == lower.size() || !isWordByte(lower[end]);
            if (startsWord && endsWord) return true;
        }
    }
    return false;
}

bool SpamFilterStage::run(InboundContext& context, DbSession&) {
    const auto& catalog = context.catalog;
    context.spam = matches(context.message.subject + "\n" + context.message.text, catalog->spamWords);
    return true;
}

}  // namespace omnigate
