#include "mailings/smtp_client.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>

#include <sstream>

namespace omnigate {

namespace {

// POCO's own startTLS() checks the certificate against the host given to its constructor, which also connects
// without a timeout; a session made from a connected socket would check against the peer's IP address instead.
// This one connects with the configured timeout and checks the name the config gives.
class Session : public Poco::Net::SecureSMTPClientSession {
public:
    using SecureSMTPClientSession::SecureSMTPClientSession;

    bool startTlsFor(const std::string& host, Poco::Net::Context::Ptr context, std::string& response) {
        const int status = sendCommand("STARTTLS", response);
        if (status / 100 != 2) return false;
        socket() = Poco::Net::SecureStreamSocket::attach(socket(), host, context);
        return true;
    }
};

SmtpResult resultOf(int code, const std::string& reply) {
    SmtpResult r;
    r.code = code;
    r.reply = Poco::trim(reply);
    r.kind = code >= 200 && code < 400 ? SmtpResult::Kind::Sent
             : code >= 500             ? SmtpResult::Kind::Permanent
                                       : SmtpResult::Kind::Temporary;
    return r;
}

}  // namespace

SmtpResult SmtpClient::send(const std::vector<std::string>& recipients, const std::string& data) const {
    const Poco::Timespan timeout(static_cast<long>(config_.timeout.count()), 0);
    const std::string where = config_.host + ":" + std::to_string(config_.port);
    try {
        Poco::Net::Context::Ptr context;
        if (config_.tls != SmtpConfig::Tls::None) {
            context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", config_.caFile,
                                             Poco::Net::Context::VERIFY_RELAXED, 9, config_.caFile.empty());
        }
        const Poco::Net::SocketAddress address(config_.host, static_cast<Poco::UInt16>(config_.port));
        Poco::Net::StreamSocket socket;
        if (config_.tls == SmtpConfig::Tls::Implicit) {
            Poco::Net::SecureStreamSocket secure(context);
            secure.setPeerHostName(config_.host);
            secure.connect(address, timeout);
            socket = secure;
        } else {
            socket.connect(address, timeout);
        }
        Session session(socket);
        session.setTimeout(timeout);
        const std::string ehlo = "omnigate";
        if (config_.tls == SmtpConfig::Tls::StartTls) {
            session.login(ehlo);
            std::string response;
            if (!session.startTlsFor(config_.host, context, response)) {
                return {SmtpResult::Kind::Permanent, 0,
                        "the SMTP server " + where + " offers no STARTTLS (" + Poco::trim(response) +
                            "); mailings.smtp.tls: starttls requires it"};
            }
        }
        // EHLO (again, over TLS, as RFC 3207 requires after STARTTLS) and AUTH.
        if (config_.user.empty()) {
            session.login(ehlo);
        } else {
            try {
                session.login(ehlo, Poco::Net::SMTPClientSession::AUTH_PLAIN, config_.user, config_.password);
            } catch (const Poco::Net::SMTPException& e) {
                // The exception's message carries the server's reply; the password never appears in it.
                return resultOf(e.code() != 0 ? e.code() : 535, "AUTH failed: " + e.message());
            }
        }
        std::string response;
        int status = session.sendCommand("MAIL FROM:<" + config_.from + ">", response);
        if (status / 100 != 2) return resultOf(status, response);
        for (const std::string& rcpt : recipients) {
            status = session.sendCommand("RCPT TO:<" + rcpt + ">", response);
            if (status / 100 != 2) return resultOf(status, response);
        }
        status = session.sendCommand("DATA", response);
        if (status != 354) return resultOf(status, response);
        std::istringstream in(data);
        try {
            session.sendMessage(in);  // dot-stuffing and the final "." by POCO's MailOutputStream
        } catch (const Poco::Net::SMTPException& e) {
            return resultOf(e.code() != 0 ? e.code() : 451, e.message());
        }
        try {
            session.close();
        } catch (const Poco::Exception&) {
            // The mail was accepted; a failed QUIT changes nothing.
        }
        return {SmtpResult::Kind::Sent, 250, "accepted by " + where};
    } catch (const Poco::Net::SMTPException& e) {
        return resultOf(e.code() != 0 ? e.code() : 451, e.message());
    } catch (const Poco::Exception& e) {
        return {SmtpResult::Kind::Temporary, 0, "cannot reach the SMTP server " + where + ": " + e.displayText()};
    }
}

}  // namespace omnigate
