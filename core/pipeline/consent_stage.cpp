#include "pipeline/consent_stage.h"

#include <Poco/UTF8String.h>

#include <algorithm>
#include <cctype>

#include "store/campaign_opt_out_store.h"

namespace omnigate {

namespace {

// A stop word is short: a longer text is a conversation, not a request to stop, and is not lower-cased at all.
constexpr std::size_t kLongestReply = 80;

// Quotes and dashes people type around a word beyond ASCII's punctuation.
const char* const kFrames[] = {"«", "»", "“", "”", "„", "…", "—", "–", "\xC2\xA0"};

// The length of the space or punctuation at `at` (forwards) or ending at `at` (backwards); 0 when none.
std::size_t frameAt(const std::string& text, std::size_t at, bool backwards) {
    if (backwards ? at == 0 : at >= text.size()) return 0;
    const auto c = static_cast<unsigned char>(text[backwards ? at - 1 : at]);
    if (c < 0x80) return std::isspace(c) != 0 || std::ispunct(c) != 0 ? 1 : 0;
    for (const std::string frame : kFrames) {
        if (backwards ? at >= frame.size() && text.compare(at - frame.size(), frame.size(), frame) == 0
                      : text.compare(at, frame.size(), frame) == 0) {
            return frame.size();
        }
    }
    return 0;
}

}  // namespace

ConsentStage::ConsentStage(const std::vector<std::string>& stopWords, int replyWindowHours)
    : replyWindowHours_(replyWindowHours) {
    for (const std::string& word : stopWords) words_.push_back(Poco::UTF8::toLower(word));
}

bool ConsentStage::isStop(const std::string& text, const std::vector<std::string>& lowerWords) {
    if (text.size() > kLongestReply) return false;
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (const std::size_t n = begin < end ? frameAt(text, begin, false) : 0) begin += n;
    while (const std::size_t n = end > begin ? frameAt(text, end, true) : 0) end -= n;
    if (begin == end) return false;
    const std::string word = Poco::UTF8::toLower(text.substr(begin, end - begin));
    return std::find(lowerWords.begin(), lowerWords.end(), word) != lowerWords.end();
}

bool ConsentStage::run(InboundContext& context, DbSession& session) {
    if (context.clientId == 0 || !isStop(context.message.text, words_)) return true;
    CampaignOptOutStore(session).optOutByReply(context.clientId, replyWindowHours_);
    return true;
}

}  // namespace omnigate
