#include "imap_response.h"

#include <algorithm>
#include <sstream>

#include "mime_text.h"

namespace omnigate::email {

namespace {

constexpr std::size_t maxLineBytes = 1 << 20;      // a server's single line: SEARCH results of huge mailboxes fit
constexpr std::size_t maxResponseText = 1 << 20;   // the lines of one response together
constexpr std::size_t maxLiterals = 1000;          // literals in one response (a FETCH of ours has one or two)
constexpr std::size_t compactAfter = 1 << 20;      // read bytes kept before the buffer is compacted

bool startsWithNoCase(const std::string& s, const std::string& prefix) {
    return s.size() >= prefix.size() && toLower(s.substr(0, prefix.size())) == toLower(prefix);
}

// N of a "{N}" or "{N+}" at the end of `line`, or nothing when the line announces no literal.
std::optional<std::uint64_t> literalAnnounced(const std::string& line) {
    if (line.empty() || line.back() != '}') return std::nullopt;
    const std::size_t open = line.rfind('{');
    if (open == std::string::npos) return std::nullopt;
    std::string digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+') digits.pop_back();
    if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoull(digits);
}

}  // namespace

ImapResponseReader::ImapResponseReader(std::function<bool(std::string&)> fill) : fill_(std::move(fill)) {}

void ImapResponseReader::clear() {
    buffer_.clear();
    position_ = 0;
}

bool ImapResponseReader::more() {
    if (position_ > 0 && position_ >= buffer_.size()) {
        clear();
    } else if (position_ > compactAfter) {
        buffer_.erase(0, position_);
        position_ = 0;
    }
    return fill_(buffer_);
}

std::string ImapResponseReader::readLine() {
    std::size_t searchedUpTo = position_;
    while (true) {
        const std::size_t nl = buffer_.find('\n', searchedUpTo);
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(position_, nl - position_);
            position_ = nl + 1;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        if (buffer_.size() - position_ > maxLineBytes) throw ImapError("the IMAP server sent an over-long line");
        // Only what arrives next can hold the line's end: a line trickled in pieces is not searched again and again.
        // (more() may move the unread bytes to the buffer's start; they stay where they are relative to position_.)
        const std::size_t searched = buffer_.size() - position_;
        if (!more()) throw ImapError("the IMAP server closed the connection");
        searchedUpTo = position_ + searched;
    }
}

void ImapResponseReader::readExact(std::uint64_t n, std::string* into) {
    while (n > 0) {
        if (position_ >= buffer_.size() && !more()) throw ImapError("the IMAP server closed the connection");
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, buffer_.size() - position_));
        if (into != nullptr) into->append(buffer_, position_, take);
        position_ += take;
        n -= take;
    }
}

ImapResponse ImapResponseReader::read(std::size_t maxLiteral) {
    ImapResponse response;
    std::size_t kept = 0;  // literal bytes kept in this response
    while (true) {
        const std::string line = readLine();
        if (response.text.size() + line.size() > maxResponseText) {
            throw ImapError("the IMAP server sent an over-long response");
        }
        response.text += line;
        const std::optional<std::uint64_t> n = literalAnnounced(line);
        if (!n) return response;
        if (response.literals.size() >= maxLiterals) throw ImapError("the IMAP server sent too many literals");
        std::string literal;
        if (*n <= maxLiteral - kept) {
            literal.reserve(static_cast<std::size_t>(*n));
            readExact(*n, &literal);
            kept += literal.size();
        } else {
            // Kept in step with the server, but not in memory.
            readExact(*n, nullptr);
            response.literalTruncated = true;
        }
        response.literals.push_back(std::move(literal));
    }
}

std::optional<std::uint32_t> imapNumberAfter(const std::string& text, const std::string& key) {
    const std::size_t pos = toLower(text).find(toLower(key));
    if (pos == std::string::npos) return std::nullopt;
    std::size_t i = pos + key.size();
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t start = i;
    std::uint64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 11) {
        n = n * 10 + static_cast<std::uint64_t>(text[i++] - '0');
    }
    if (i == start || n > 0xFFFFFFFFull) return std::nullopt;
    return static_cast<std::uint32_t>(n);
}

SelectedMailbox selectedMailboxOf(const std::vector<ImapResponse>& untagged, const std::string& mailbox) {
    SelectedMailbox selected;
    for (const ImapResponse& r : untagged) {
        if (const auto v = imapNumberAfter(r.text, "[UIDVALIDITY")) selected.uidValidity = *v;
        if (const auto v = imapNumberAfter(r.text, "[UIDNEXT")) selected.uidNext = *v;
        const std::string lower = toLower(r.text);
        if (lower.size() > 7 && lower.compare(lower.size() - 7, 7, " exists") == 0) {
            if (const auto v = imapNumberAfter(r.text, "* ")) selected.exists = *v;
        }
    }
    if (selected.uidValidity == 0) throw ImapError("the IMAP server gave no UIDVALIDITY for " + mailbox);
    return selected;
}

std::vector<std::uint32_t> searchUidsOf(const std::vector<ImapResponse>& untagged) {
    std::vector<std::uint32_t> uids;
    for (const ImapResponse& r : untagged) {
        if (!startsWithNoCase(r.text, "* SEARCH")) continue;
        std::istringstream in(r.text.substr(8));
        std::string word;
        while (in >> word) {
            if (word.find_first_not_of("0123456789") != std::string::npos || word.size() > 10) continue;
            const unsigned long v = std::stoul(word);
            if (v > 0 && v <= 0xFFFFFFFFUL) uids.push_back(static_cast<std::uint32_t>(v));
        }
    }
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    return uids;
}

bool announcesNewMail(const ImapResponse& response) {
    if (response.text.compare(0, 2, "* ") != 0) return false;
    const std::string lower = toLower(response.text);
    return lower.find(" exists") != std::string::npos || lower.find(" recent") != std::string::npos;
}

}  // namespace omnigate::email
