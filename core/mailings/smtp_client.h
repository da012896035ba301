// One SMTP submission for the mailings through POCO's SMTP session: STARTTLS or implicit TLS with the server's
// certificate verified against the configured host name, AUTH PLAIN, and the server's own reply when it refuses,
// so a failed run records the words the server used. One attempt; the runner decides about retries: a 4xx reply
// or no connection is temporary, a 5xx reply is permanent.
#pragma once

#include <string>
#include <vector>

#include "config/daemon_config.h"

namespace omnigate {

struct SmtpResult {
    enum class Kind { Sent, Temporary, Permanent };
    Kind kind = Kind::Sent;
    int code = 0;       // the server's reply code; 0: no reply (no connection, a TLS failure)
    std::string reply;  // the server's reply text, or what went wrong
};

class SmtpClient {
public:
    explicit SmtpClient(SmtpConfig config) : config_(std::move(config)) {}

    // `data` is the whole message (headers and body) with CRLF line ends; the recipients are already checked
    // mail addresses (Mailing::parse), so nothing else can reach RCPT TO.
    SmtpResult send(const std::vector<std::string>& recipients, const std::string& data) const;

private:
    SmtpConfig config_;
};

}  // namespace omnigate
