#include "email_config.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/URI.h>

#include "omnigate/sdk/address_rule.h"

namespace omnigate::email {

namespace {

ServerEndpoint parseEndpoint(const ConfigNode& url, const std::string& plainScheme, const std::string& tlsScheme,
                             std::uint16_t plainPort, std::uint16_t tlsPort, bool allowPlaintext,
                             std::string* path) {
    const std::string text = url.asString();
    Poco::URI uri;
    try {
        uri = Poco::URI(text);
    } catch (const std::exception& e) {
        url.fail("is not a URL: " + std::string(e.what()));
    }
    ServerEndpoint endpoint;
    if (uri.getScheme() == tlsScheme) {
        endpoint.tls = TlsMode::Implicit;
    } else if (uri.getScheme() == plainScheme) {
        endpoint.tls = allowPlaintext ? TlsMode::None : TlsMode::StartTls;
    } else {
        url.fail("must start with " + plainScheme + ":// (STARTTLS) or " + tlsScheme + ":// (TLS)");
    }
    if (uri.getHost().empty()) url.fail("names no host");
    endpoint.host = uri.getHost();
    endpoint.port = uri.getSpecifiedPort() != 0 ? uri.getSpecifiedPort()
                                                : (endpoint.tls == TlsMode::Implicit ? tlsPort : plainPort);
    if (path != nullptr) {
        std::string p = uri.getPath();
        while (!p.empty() && p.front() == '/') p.erase(0, 1);
        *path = p;
    }
    return endpoint;
}

bool isLoopback(const std::string& host) {
    Poco::Net::IPAddress ip;
    return host == "localhost" || (Poco::Net::IPAddress::tryParse(host, ip) && ip.isLoopback());
}

// Plaintext IMAP or SMTP sends the account's password and the clients' mail readable on the wire: acceptable only
// where the wire is this machine's own.
void requireLoopbackForPlaintext(const ConfigNode& allowPlaintext, const ConfigNode& url,
                                 const ServerEndpoint& endpoint) {
    if (endpoint.tls != TlsMode::None || isLoopback(endpoint.host)) return;
    allowPlaintext.fail("applies to loopback hosts only, but " + url.path() + " names '" + endpoint.host +
                        "'; without allow_plaintext, imap:// and smtp:// use STARTTLS");
}

}  // namespace

EmailConfig parseEmailConfig(const std::string& accountId, const ConfigNode& settings) {
    settings.expectKeys({"address", "display_name", "imap_url", "imap_user", "imap_password", "smtp_url", "smtp_user",
                         "smtp_password", "allow_plaintext", "tls_verify", "idle", "idle_renew_seconds",
                         "poll_seconds", "reconnect_max_seconds", "timeout_seconds", "processed_folder",
                         "max_message_bytes", "auto_reply_limit_per_hour", "smtp_retries", "smtp_retry_delay_ms"});
    EmailConfig config;
    config.id = accountId;
    const ConfigNode address = settings.child("address");
    config.address = address.asString();
    if (!isMailbox(config.address)) {
        address.fail("must be a plain mail address like support@example.com, got '" + config.address + "'");
    }
    config.displayName = settings.getString("display_name", "");
    if (config.displayName.find_first_of("\r\n") != std::string::npos) settings["display_name"].fail("must be one line");
    config.allowPlaintext = settings.getBool("allow_plaintext", false);
    config.tlsVerify = settings.getBool("tls_verify", true);

    std::string mailbox;
    config.imap = parseEndpoint(settings.child("imap_url"), "imap", "imaps", 143, 993, config.allowPlaintext, &mailbox);
    config.mailboxes = {mailbox.empty() ? "INBOX" : Poco::URI(std::string("x:/") + mailbox).getPath().substr(1)};
    for (const std::string& m : config.mailboxes) {
        if (m.find_first_of("\"\\\r\n") != std::string::npos) settings["imap_url"].fail("the mailbox name may not contain quotes or line breaks");
    }
    config.imap.user = settings.getString("imap_user");
    config.imap.password = settings.getString("imap_password");
    config.smtp = parseEndpoint(settings.child("smtp_url"), "smtp", "smtps", 587, 465, config.allowPlaintext, nullptr);
    if (config.allowPlaintext) {
        requireLoopbackForPlaintext(settings["allow_plaintext"], settings.child("imap_url"), config.imap);
        requireLoopbackForPlaintext(settings["allow_plaintext"], settings.child("smtp_url"), config.smtp);
    }
    config.smtp.user = settings.getString("smtp_user", "");
    config.smtp.password = settings.getString("smtp_password", "");

    config.idle = settings.getBool("idle", true);
    // RFC 2177: servers may log a client out after 30 minutes of IDLE; re-issue before 29.
    config.idleRenew = std::chrono::seconds(settings.getInt("idle_renew_seconds", 25 * 60, 1, 29 * 60 - 1));
    config.pollInterval = std::chrono::seconds(settings.getInt("poll_seconds", 60, 1, 3600));
    config.reconnectMax = std::chrono::seconds(settings.getInt("reconnect_max_seconds", 300, 1, 3600));
    config.timeout = std::chrono::seconds(settings.getInt("timeout_seconds", 30, 1, 600));
    config.processedFolder = settings.getString("processed_folder", "");
    if (config.processedFolder.find_first_of("\"\\\r\n") != std::string::npos) {
        settings["processed_folder"].fail("may not contain quotes or line breaks");
    }
    config.maxMessageBytes = static_cast<std::size_t>(settings.getInt("max_message_bytes", 50 << 20, 1024, 1LL << 30));
    config.autoReplyLimitPerHour = static_cast<int>(settings.getInt("auto_reply_limit_per_hour", 3, 0, 1000));
    config.smtpRetries = static_cast<int>(settings.getInt("smtp_retries", 3, 0, 10));
    config.smtpRetryDelay = std::chrono::milliseconds(settings.getInt("smtp_retry_delay_ms", 1000, 0, 60000));
    return config;
}

}  // namespace omnigate::email
