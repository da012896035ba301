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
#include <string>
#include <vector>

#include "email_config.h"
#include "imap_response.h"

namespace omnigate::email {

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
    std::vector<ImapResponse> command(const std::string& command, std::size_t maxLiteral = 1 << 16,
                                      const std::string& continuation = "");
    void send(const std::string& data);
    void parseCapabilities(const std::string& text);
    std::string nextTag();

    ServerEndpoint endpoint_;
    bool tlsVerify_;
    std::chrono::seconds timeout_;
    Poco::Net::Context::Ptr context_;
    Poco::Net::StreamSocket socket_;
    bool connected_ = false;
    ImapResponseReader reader_;
    std::set<std::string> capabilities_;
    unsigned tagCounter_ = 0;
};

// "quoted string" for IMAP commands (mailbox names, LOGIN arguments).
std::string imapQuote(const std::string& s);

}  // namespace omnigate::email
