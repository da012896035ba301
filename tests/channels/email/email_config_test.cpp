// The email account settings: valid YAML becomes a typed config, and every mistake (a bad URL, plaintext without
// allow_plaintext, an unknown key) becomes a ConfigError pointing at the file, line, column and key.
#include <gtest/gtest.h>

#include <tuple>

#include "email_config.h"
#include "omnigate/sdk/config_node.h"

namespace omnigate::email {
namespace {

ConfigNode settingsOf(const std::string& yaml) { return ConfigNode::parseString(yaml, "test.yaml")["settings"]; }

const std::string minimal =
    "settings:\n"
    "  address: support@example.com\n"
    "  imap_url: imaps://imap.example.com\n"
    "  imap_user: support\n"
    "  imap_password: secret\n"
    "  smtp_url: smtp://smtp.example.com\n";

ConfigError errorOf(const std::string& yaml) {
    try {
        parseEmailConfig("demo", settingsOf(yaml));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
    return ConfigError("", 0, 0, "", "");
}

TEST(EmailConfig, AppliesDefaultsAndSecureSchemes) {
    const EmailConfig config = parseEmailConfig("demo", settingsOf(minimal));
    EXPECT_EQ(config.id, "demo");
    EXPECT_EQ(config.address, "support@example.com");
    EXPECT_EQ(config.imap.host, "imap.example.com");
    EXPECT_EQ(config.imap.port, 993);
    EXPECT_EQ(config.imap.tls, TlsMode::Implicit);
    ASSERT_EQ(config.mailboxes.size(), 1u);
    EXPECT_EQ(config.mailboxes[0], "INBOX");
    EXPECT_EQ(config.smtp.port, 587);
    EXPECT_EQ(config.smtp.tls, TlsMode::StartTls);  // smtp:// is STARTTLS unless plaintext is allowed
    EXPECT_TRUE(config.idle);
    EXPECT_EQ(config.idleRenew.count(), 25 * 60);
    EXPECT_EQ(config.autoReplyLimitPerHour, 3);
    EXPECT_TRUE(config.processedFolder.empty());
}

TEST(EmailConfig, ReadsEveryKey) {
    const EmailConfig config = parseEmailConfig("demo", settingsOf(
        "settings:\n"
        "  address: support@example.com\n"
        "  display_name: Support\n"
        "  imap_url: imap://127.0.0.1:1143/Support%20Box\n"
        "  imap_user: u\n"
        "  imap_password: p\n"
        "  smtp_url: smtp://127.0.0.1:2525\n"
        "  smtp_user: su\n"
        "  smtp_password: sp\n"
        "  allow_plaintext: true\n"
        "  tls_verify: false\n"
        "  idle: false\n"
        "  idle_renew_seconds: 600\n"
        "  poll_seconds: 5\n"
        "  reconnect_max_seconds: 10\n"
        "  timeout_seconds: 7\n"
        "  processed_folder: Done\n"
        "  max_message_bytes: 2048\n"
        "  auto_reply_limit_per_hour: 1\n"
        "  smtp_retries: 0\n"
        "  smtp_retry_delay_ms: 10\n"));
    EXPECT_EQ(config.imap.port, 1143);
    EXPECT_EQ(config.imap.tls, TlsMode::None);
    EXPECT_EQ(config.mailboxes[0], "Support Box");
    EXPECT_EQ(config.smtp.port, 2525);
    EXPECT_EQ(config.smtp.user, "su");
    EXPECT_FALSE(config.idle);
    EXPECT_EQ(config.pollInterval.count(), 5);
    EXPECT_EQ(config.processedFolder, "Done");
    EXPECT_EQ(config.maxMessageBytes, 2048u);
    EXPECT_EQ(config.smtpRetries, 0);
}

TEST(EmailConfig, MistakesNameTheirPosition) {
    ConfigError e = errorOf(minimal + "  colour: blue\n");
    EXPECT_NE(e.keyPath().find("colour"), std::string::npos) << e.what();
    e = errorOf("settings:\n  address: nobody\n  imap_url: imaps://x\n  imap_user: u\n  imap_password: p\n  smtp_url: smtp://x\n");
    EXPECT_EQ(e.keyPath(), "settings.address");
    EXPECT_EQ(e.line(), 2);
    e = errorOf("settings:\n  address: a@b.c\n  imap_url: http://x\n  imap_user: u\n  imap_password: p\n  smtp_url: smtp://x\n");
    EXPECT_EQ(e.keyPath(), "settings.imap_url");
    e = errorOf("settings:\n  address: a@b.c\n  imap_url: imaps://x\n  imap_password: p\n  smtp_url: smtp://x\n");
    EXPECT_NE(e.keyPath().find("imap_user"), std::string::npos);
    e = errorOf(minimal + "  idle_renew_seconds: 1800\n");  // past RFC 2177's 29 minutes
    EXPECT_EQ(e.keyPath(), "settings.idle_renew_seconds");
}

TEST(EmailConfig, AddressMustBeOneMailbox) {
    for (const std::string& bad : {std::string("\"a@b.c\\r\\nBcc: x@y.z\""), std::string("a@b.c,x@y.z"),
                                   std::string("\"<a@b.c>\"")}) {
        const ConfigError e = errorOf("settings:\n  address: " + bad +
                                      "\n  imap_url: imaps://x\n  imap_user: u\n  imap_password: p\n  smtp_url: smtp://x\n");
        EXPECT_EQ(e.keyPath(), "settings.address") << bad << ": " << e.what();
    }
}

// Plaintext sends the password and the mail readable on the wire: only where the wire is this machine's.
TEST(EmailConfig, PlaintextIsForLoopbackHostsOnly) {
    const auto config = [](const std::string& imap, const std::string& smtp) {
        return "settings:\n"
               "  address: support@example.com\n"
               "  imap_url: " + imap + "\n"
               "  imap_user: u\n"
               "  imap_password: p\n"
               "  smtp_url: " + smtp + "\n"
               "  allow_plaintext: true\n";
    };
    for (const auto& [imap, smtp] : {std::pair<std::string, std::string>{"imap://127.0.0.1:1143", "smtp://127.0.0.1:2525"},
                                     {"imap://localhost", "smtp://127.1.2.3"},
                                     {"imap://[::1]:1143", "smtps://smtp.example.com"},
                                     {"imaps://imap.example.com", "smtp://localhost:25"}}) {
        const EmailConfig c = parseEmailConfig("demo", settingsOf(config(imap, smtp)));
        EXPECT_TRUE(c.allowPlaintext) << imap << " " << smtp;
    }
    for (const auto& [imap, smtp, named] :
         {std::tuple<std::string, std::string, std::string>{"imap://imap.example.com", "smtp://127.0.0.1", "imap_url"},
          {"imaps://imap.example.com", "smtp://192.168.1.10:25", "smtp_url"},
          {"imap://127.0.0.1", "smtp://localhost.example.com", "smtp_url"},
          {"imap://10.0.0.1", "smtps://smtp.example.com", "imap_url"}}) {
        const ConfigError e = errorOf(config(imap, smtp));
        EXPECT_EQ(e.keyPath(), "settings.allow_plaintext") << imap << " " << smtp << ": " << e.what();
        EXPECT_EQ(e.line(), 7) << e.what();
        EXPECT_NE(e.problem().find("loopback"), std::string::npos) << e.what();
        EXPECT_NE(e.problem().find(named), std::string::npos) << e.what();
    }
    // Without allow_plaintext the same remote hosts are fine: smtp:// and imap:// then use STARTTLS.
    const EmailConfig tls = parseEmailConfig(
        "demo", settingsOf("settings:\n  address: a@b.c\n  imap_url: imap://imap.example.com\n  imap_user: u\n"
                           "  imap_password: p\n  smtp_url: smtp://smtp.example.com\n"));
    EXPECT_EQ(tls.smtp.tls, TlsMode::StartTls);
}

}  // namespace
}  // namespace omnigate::email
