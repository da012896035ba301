// The SMTP sender against the real SMTP relay of scripts/services.sh (which delivers into the private Dovecot): an
// envelope address that is not one mailbox is refused before a connection is made, so nothing it names receives
// anything, while a clean one is delivered by the same sender to the same relay.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>

#include <array>
#include <cstdio>
#include <sstream>

#include "smtp_sender.h"
#include "support/test_env.h"

namespace omnigate::email {
namespace {

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 13); }

std::string masterPassword() {
    const char* v = std::getenv("OMNIGATE_MAIL_MASTER_PASSWORD");
    return v != nullptr && *v != '\0' ? v : "omnigate-relay";
}

// The number of mails in `user`'s Dovecot INBOX (every address has one), by IMAP through the master user.
std::size_t mailsOf(const std::string& user) {
    const std::string command = "curl -sS --fail imap://127.0.0.1:" +
                                std::to_string(test::requireEnvInt("OMNIGATE_IMAP_PORT")) + "/INBOX -u '" + user +
                                "*relay:" + masterPassword() + "' -X 'UID SEARCH ALL'";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run curl");
    std::string out;
    std::array<char, 4096> buffer{};
    std::size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
    if (pclose(pipe) != 0) throw std::runtime_error("`" + command + "` failed: " + out);
    std::istringstream in(out.substr(std::min(out.size(), out.find("SEARCH") + 6)));
    std::size_t count = 0;
    for (int uid; in >> uid;) ++count;
    return count;
}

class SmtpSenderRelay : public ::testing::Test {
protected:
    SmtpSender sender() const {
        ServerEndpoint relay;
        relay.host = "127.0.0.1";
        relay.port = static_cast<std::uint16_t>(test::requireEnvInt("OMNIGATE_SMTP_PORT"));
        relay.tls = TlsMode::None;
        relay.user = "demo@omnigate.test";
        relay.password = "demo-password";
        return SmtpSender(relay, false, std::chrono::seconds(10));
    }
    static std::string mail(const std::string& to) {
        return "From: <demo@omnigate.test>\r\nTo: <" + to + ">\r\nSubject: relay test\r\n\r\nHello.\r\n";
    }
};

TEST_F(SmtpSenderRelay, AnEnvelopeAddressThatIsNotOneMailboxNeverReachesTheRelay) {
    const std::string client = "client-" + unique() + "@omnigate.test";
    const std::string victim = "victim-" + unique() + "@omnigate.test";
    const std::vector<std::string> recipients{
        client + "\r\nRCPT TO:<" + victim + ">",
        client + ">\r\nRCPT TO:<" + victim,
        client + "," + victim,
        client + "\x7f",
        "<" + client + ">",
    };
    for (const std::string& rcpt : recipients) {
        const SmtpOutcome outcome = sender().send("demo@omnigate.test", {rcpt}, mail(client));
        EXPECT_EQ(outcome.kind, SmtpOutcome::Kind::InvalidAddress) << rcpt << ": " << outcome.reply;
        EXPECT_EQ(outcome.code, 0) << rcpt << ": the server was asked: " << outcome.reply;
    }
    const SmtpOutcome badSender =
        sender().send("demo@omnigate.test\r\nRCPT TO:<" + victim + ">", {client}, mail(client));
    EXPECT_EQ(badSender.kind, SmtpOutcome::Kind::InvalidAddress) << badSender.reply;
    EXPECT_EQ(mailsOf(victim), 0u);
    EXPECT_EQ(mailsOf(client), 0u);

    // The same sender, relay and mailboxes deliver a clean address: the zeros above are not a blind check.
    const SmtpOutcome clean = sender().send("demo@omnigate.test", {client}, mail(client));
    ASSERT_EQ(clean.kind, SmtpOutcome::Kind::Sent) << clean.reply;
    EXPECT_EQ(mailsOf(client), 1u);
    EXPECT_EQ(mailsOf(victim), 0u);
}

}  // namespace
}  // namespace omnigate::email
