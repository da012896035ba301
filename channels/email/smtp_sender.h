// One SMTP submission (RFC 5321 with STARTTLS, implicit TLS and AUTH PLAIN) through POCO's SMTPClientSession,
// reporting the server's own reply so a refused mail fails with the words the server used. The caller decides
// about retries: a 4xx reply or a network failure is temporary, a 5xx reply is permanent. An address that is not
// one mailbox never reaches the server: inside MAIL FROM or RCPT TO a line break would be a command of its own.
#pragma once

#include <string>
#include <vector>

#include "email_config.h"

namespace omnigate::email {

struct SmtpOutcome {
    // InvalidAddress: the sender or a recipient is not one RFC 5321 mailbox; nothing was sent to the server.
    enum class Kind { Sent, Temporary, Permanent, InvalidAddress };
    Kind kind = Kind::Sent;
    int code = 0;       // the server's reply code (0: no reply, e.g. the connection failed)
    std::string reply;  // the server's reply text, or what went wrong
};

class SmtpSender {
public:
    SmtpSender(const ServerEndpoint& endpoint, bool tlsVerify, std::chrono::seconds timeout);
    SmtpOutcome send(const std::string& envelopeFrom, const std::vector<std::string>& recipients,
                     const std::string& data) const;

private:
    ServerEndpoint endpoint_;
    bool tlsVerify_;
    std::chrono::seconds timeout_;
};

}  // namespace omnigate::email
