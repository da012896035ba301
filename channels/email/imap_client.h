// omnigate's own small IMAP4rev1 client (RFC 3501, IDLE from RFC 2177): just what fetching a mailbox durably needs
// — LOGIN / AUTHENTICATE PLAIN, STARTTLS or TLS, SELECT with UIDVALIDITY, UID SEARCH / FETCH / STORE / MOVE, IDLE.
// Synchronous over one POCO socket, owned by one mailbox thread; every read is bounded (line length, literal size)
// and every wait has a timeout, so a hostile or stuck server costs a reconnect, not memory or a hung thread.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "email_config.h"

namespace omnigate::email {

// The server refused (NO/BAD/BYE), spoke garbage, or the connection failed: reconnect with backoff.
class ImapError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct SelectedMailbox {
    std::uint32_t uidValidity = 0;
    std::uint32_t uidNext = 0;
    std::uint32_t exists = 0;
};

struct FetchedMail {
    std::uint32_t uid = 0;
    std::uint64_t size = 0;
    std::string raw;        // the whole mail, or only its header when it was over the size limit
    bool headerOnly = false;
};

class ImapClient {
public:
    ImapClient(const ServerEndpoint& endpoint, bool tlsVerify, std::chrono::seconds timeout);
    ~ImapClient();
    ImapClient(const ImapClient&) = delete;
    ImapClient& operator=(const ImapClient&) = delete;

    void connect();  // greeting, CAPABILITY, STARTTLS when configured
    void login();    // AUTHENTICATE PLAIN when offered, else LOGIN; never in plaintext unless configured
    SelectedMailbox select(const std::string& mailbox);
    std::vector<std::uint32_t> search(const std::string& criteria);  // UID SEARCH, ascending
    // The mail with this UID (BODY.PEEK: fetching does not mark it seen); nothing when it is gone.
    std::optional<FetchedMail> fetch(std::uint32_t uid, std::size_t maxBytes);
    void markSeen(std::uint32_t uid);
    void moveTo(std::uint32_t uid, const std::string& folder);
    void noop();
    bool hasCapability(const std::string& name) const;
    // IDLE until the server announces a change, `maxWait` passes or `stop` is set; true when something changed.
    bool idle(std::chrono::seconds maxWait, const std::atomic<bool>& stop);
    void logout() noexcept;

private:
    struct Response {
        std::string text;                   // the line(s), literals replaced by "{N}"
        std::vector<std::string> literals;  // their bytes (bounded)
        bool literalTruncated = false;
    };
    std::vector<Response> command(const std::string& command, std::size_t maxLiteral = 1 << 16,
                                  const std::string& continuation = "");
    Response readResponse(std::size_t maxLiteral);
    std::string readLine();
    void readExact(std::size_t n, std::string* into);
    bool fill();
    void send(const std::string& data);
    void parseCapabilities(const std::string& text);
    std::string nextTag();

    ServerEndpoint endpoint_;
    bool tlsVerify_;
    std::chrono::seconds timeout_;
    Poco::Net::Context::Ptr context_;
    Poco::Net::StreamSocket socket_;
    bool connected_ = false;
    std::string buffer_;
    std::size_t bufferPos_ = 0;
    std::set<std::string> capabilities_;
    unsigned tagCounter_ = 0;
};

// "quoted string" for IMAP commands (mailbox names, LOGIN arguments).
std::string imapQuote(const std::string& s);

}  // namespace omnigate::email
