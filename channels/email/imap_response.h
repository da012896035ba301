// What an IMAP server says, read and understood apart from any socket: the reader takes bytes from whatever source
// it is given (the client's connection, a fuzzer's input), so the parsing of a possibly hostile server's replies is
// a pure function that can be tested and fuzzed alone. Every read is bounded: a line, a whole response, the bytes
// of literals kept; a server that goes beyond them is an ImapError, never memory.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace omnigate::email {

// The server refused (NO/BAD/BYE), spoke garbage, or the connection failed: reconnect with backoff.
class ImapError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ImapResponse {
    std::string text;                   // the line(s), each literal left as its "{N}" announcement
    std::vector<std::string> literals;  // their bytes (bounded)
    bool literalTruncated = false;      // a literal was over the limit: skipped, not kept
};

struct SelectedMailbox {
    std::uint32_t uidValidity = 0;
    std::uint32_t uidNext = 0;
    std::uint32_t exists = 0;
};

class ImapResponseReader {
public:
    // `fill` appends the next bytes the server sent to its argument; false when the connection is closed.
    explicit ImapResponseReader(std::function<bool(std::string&)> fill);

    // One line without its CRLF (a bare LF is accepted too).
    std::string readLine();
    // One whole response: a line and, for each literal it announces, the literal's bytes and the line's rest.
    // Literals over `maxLiteral` are read past (kept in step with the server) but not kept.
    ImapResponse read(std::size_t maxLiteral);
    // Bytes received and not yet read: IDLE waits on the socket only when there are none.
    bool buffered() const { return position_ < buffer_.size(); }
    // Forgets what was received and not read (after STARTTLS nothing read before it may be trusted).
    void clear();

private:
    bool more();
    void readExact(std::uint64_t n, std::string* into);

    std::function<bool(std::string&)> fill_;
    std::string buffer_;
    std::size_t position_ = 0;
};

// The number after `key` in `text` ("UIDVALIDITY 123"), case-insensitively, when it is one of at most 32 bits.
std::optional<std::uint32_t> imapNumberAfter(const std::string& text, const std::string& key);
// What SELECT's untagged responses say; throws ImapError when they give no UIDVALIDITY.
SelectedMailbox selectedMailboxOf(const std::vector<ImapResponse>& untagged, const std::string& mailbox);
// The UIDs of "* SEARCH" responses, ascending, each once.
std::vector<std::uint32_t> searchUidsOf(const std::vector<ImapResponse>& untagged);
// Whether an untagged response announces new mail (EXISTS or RECENT), which ends an IDLE.
bool announcesNewMail(const ImapResponse& response);

}  // namespace omnigate::email
