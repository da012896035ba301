// The typed settings of one email account: its IMAP mailbox(es), its SMTP server, its own address, and how it
// polls, retries and limits. Read and checked once at load time, with the file position of any mistake, so the
// mailbox threads and the sender only ever see valid values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "omnigate/sdk/config_node.h"

namespace omnigate::email {

enum class TlsMode { None, StartTls, Implicit };

struct ServerEndpoint {
    std::string host;
    std::uint16_t port = 0;
    TlsMode tls = TlsMode::StartTls;  // imap:// and smtp:// use STARTTLS unless allow_plaintext; imaps/smtps TLS
    std::string user;
    std::string password;
};

struct EmailConfig {
    std::string id;           // the account id
    std::string address;      // ours: From of what we send, the domain of our Message-IDs
    std::string displayName;  // shown with it
    ServerEndpoint imap;
    std::vector<std::string> mailboxes;  // from the URL's path (INBOX when none); one thread each
    ServerEndpoint smtp;
    bool allowPlaintext = false;  // loopback tests and the demo only
    bool tlsVerify = true;
    bool idle = true;                                  // IMAP IDLE where the server offers it
    std::chrono::seconds idleRenew{25 * 60};           // re-issued before the 29 minutes of RFC 2177
    std::chrono::seconds pollInterval{60};             // without IDLE
    std::chrono::seconds reconnectMax{300};            // backoff cap for an unreachable mailbox
    std::chrono::seconds timeout{30};                  // socket operations
    std::string processedFolder;                       // empty: mark \Seen; else move the mail there
    std::size_t maxMessageBytes = 50u << 20;           // larger mails are stored with their headers only
    int autoReplyLimitPerHour = 3;                     // our auto-replies to one address
    int smtpRetries = 3;                               // further attempts after a temporary (4xx) failure
    std::chrono::milliseconds smtpRetryDelay{1000};    // doubled on each attempt
};

// Reads `settings` of `channels: [{type: email, id: …, settings: {…}}]`. Throws ConfigError (file, line, column,
// key path) on a missing, mistyped, out-of-range or unknown key, a bad URL, or plaintext without allow_plaintext.
EmailConfig parseEmailConfig(const std::string& accountId, const ConfigNode& settings);

}  // namespace omnigate::email
