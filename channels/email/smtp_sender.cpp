#include "smtp_sender.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <sstream>

#include "mime_text.h"
#include "omnigate/sdk/address_rule.h"

namespace omnigate::email {

namespace {

SmtpOutcome outcomeOf(int code, const std::string& reply) {
    SmtpOutcome o;
    o.code = code;
    o.reply = trim(reply);
    o.kind = code >= 200 && code < 400 ? SmtpOutcome::Kind::Sent
             : code >= 500             ? SmtpOutcome::Kind::Permanent
                                       : SmtpOutcome::Kind::Temporary;
    return o;
}

}  // namespace

SmtpSender::SmtpSender(const ServerEndpoint& endpoint, bool tlsVerify, std::chrono::seconds timeout)
    : endpoint_(endpoint), tlsVerify_(tlsVerify), timeout_(timeout) {}

SmtpOutcome SmtpSender::send(const std::string& envelopeFrom, const std::vector<std::string>& recipients,
                             const std::string& data) const {
    if (!isMailbox(envelopeFrom)) {
        return {SmtpOutcome::Kind::InvalidAddress, 0, "the sender is not one mail address (RFC 5321)"};
    }
    for (const std::string& rcpt : recipients) {
        if (!isMailbox(rcpt)) return {SmtpOutcome::Kind::InvalidAddress, 0, "a recipient is not one mail address (RFC 5321)"};
    }
    const Poco::Timespan timeout(static_cast<long>(timeout_.count()), 0);
    try {
        Poco::Net::Context::Ptr context;
        if (endpoint_.tls != TlsMode::None) {
            context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                             tlsVerify_ ? Poco::Net::Context::VERIFY_RELAXED
                                                        : Poco::Net::Context::VERIFY_NONE,
                                             9, true);
        }
        const Poco::Net::SocketAddress address(endpoint_.host, endpoint_.port);
        Poco::Net::StreamSocket socket;
        if (endpoint_.tls == TlsMode::Implicit) {
            Poco::Net::SecureStreamSocket secure(context);
            secure.setPeerHostName(endpoint_.host);
            secure.connect(address, timeout);
            socket = secure;
        } else {
            socket.connect(address, timeout);
        }
        Poco::Net::SecureSMTPClientSession session(socket);
        session.setTimeout(timeout);
        const std::string ehlo = "omnigate";
        if (endpoint_.tls == TlsMode::StartTls) {
            session.login(ehlo);
            if (!session.startTLS(context)) {
                return {SmtpOutcome::Kind::Permanent, 0,
                        "the SMTP server offers no STARTTLS; use smtps:// or, on loopback only, allow_plaintext"};
            }
        }
        try {
            if (endpoint_.user.empty()) {
                session.login(ehlo);
            } else {
                session.login(ehlo, Poco::Net::SMTPClientSession::AUTH_PLAIN, endpoint_.user, endpoint_.password);
            }
        } catch (const Poco::Net::SMTPException& e) {
            return outcomeOf(e.code() != 0 ? e.code() : 535, "login failed: " + e.message());
        }
        std::string response;
        int status = session.sendCommand("MAIL FROM:<" + envelopeFrom + ">", response);
        if (status / 100 != 2) return outcomeOf(status, response);
        for (const std::string& rcpt : recipients) {
            status = session.sendCommand("RCPT TO:<" + rcpt + ">", response);
            if (status / 100 != 2) return outcomeOf(status, response);
        }
        status = session.sendCommand("DATA", response);
        if (status != 354) return outcomeOf(status, response);
        std::istringstream in(data);
        try {
            session.sendMessage(in);  // dot-stuffing and the final "." by POCO's MailOutputStream
        } catch (const Poco::Net::SMTPException& e) {
            return outcomeOf(e.code() != 0 ? e.code() : 451, e.message());
        }
        try {
            session.close();
        } catch (...) {
            // The mail was accepted; a failed QUIT changes nothing.
        }
        return {SmtpOutcome::Kind::Sent, 250, "accepted"};
    } catch (const Poco::Net::SMTPException& e) {
        return outcomeOf(e.code() != 0 ? e.code() : 451, e.message());
    } catch (const Poco::Exception& e) {
        return {SmtpOutcome::Kind::Temporary, 0, "cannot reach the SMTP server " + endpoint_.host + ":" +
                                                     std::to_string(endpoint_.port) + ": " + e.displayText()};
    }
}

}  // namespace omnigate::email
