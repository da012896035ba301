// What we send: headers that thread in the client's mail program and carry the tag back, encoded subjects and names,
// the auto-reply marker, and a body our own parser (and so any reader) takes apart again.
#include <gtest/gtest.h>

#include "mail_composer.h"
#include "mime_parser.h"

namespace omnigate::email {
namespace {

TEST(MailComposer, SubjectTagIsAddedOnce) {
    EXPECT_EQ(taggedSubject("Order problem", 42, true), "Re: Order problem [#42]");
    EXPECT_EQ(taggedSubject("Re: Order problem [#42]", 42, true), "Re: Order problem [#42]");
    EXPECT_EQ(taggedSubject("", 42, false), "[#42]");
    EXPECT_EQ(taggedSubject("Hello", 7, false), "Hello [#7]");
}

TEST(MailComposer, ComposedMailParsesBackWithEverything) {
    OutgoingMail mail;
    mail.fromAddress = "support@omnigate.test";
    mail.fromName = "Служба поддержки";
    mail.toAddress = "anna@example.ru";
    mail.subject = "Re: Проблема с заказом [#42]";
    mail.messageId = newMessageId(mail.fromAddress, 42, 7);
    mail.inReplyTo = "client-2@example.ru";
    mail.references = {"client-1@example.ru", "og.42.5.x@omnigate.test", "client-2@example.ru"};
    mail.autoReply = true;
    mail.text = "Здравствуйте!\n.\nВаш заказ отправлен.";
    mail.attachments.push_back({"Накладная.pdf", "application/pdf", "%PDF-1.4 data"});
    const std::string raw = composeMail(mail);

    EXPECT_NE(raw.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
    EXPECT_NE(raw.find("In-Reply-To: <client-2@example.ru>\r\n"), std::string::npos);
    EXPECT_NE(raw.find("Message-ID: <og.42.7."), std::string::npos);
    EXPECT_NE(raw.find("filename*=UTF-8''%D0%9D"), std::string::npos);
    EXPECT_EQ(raw.find("Проблема"), std::string::npos);  // headers are 7-bit: the subject is encoded
    for (std::size_t pos = 0, end; pos < raw.size(); pos = end + 2) {
        end = raw.find("\r\n", pos);
        if (end == std::string::npos) break;
        EXPECT_LE(end - pos, 998u);
    }

    const ParsedMail parsed = parseMail(raw);
    EXPECT_EQ(parsed.subject, mail.subject);
    EXPECT_EQ(subjectTag(parsed.subject), 42);
    EXPECT_EQ(parsed.messageId, mail.messageId);
    EXPECT_EQ(parsed.inReplyTo, mail.inReplyTo);
    EXPECT_EQ(parsed.references, mail.references);
    EXPECT_EQ(parsed.fromName, "Служба поддержки");
    EXPECT_EQ(parsed.fromAddress, "support@omnigate.test");
    EXPECT_TRUE(parsed.autoSubmitted);
    EXPECT_EQ(parsed.text, mail.text);
    EXPECT_NE(parsed.html.find("Здравствуйте!<br>"), std::string::npos);
    ASSERT_EQ(parsed.attachments.size(), 1u);
    EXPECT_EQ(parsed.attachments[0].name, "Накладная.pdf");
    EXPECT_EQ(parsed.attachments[0].bytes, "%PDF-1.4 data");
}

TEST(MailComposer, HeaderInjectionIsImpossible) {
    OutgoingMail mail;
    mail.fromAddress = "support@omnigate.test";
    mail.toAddress = "anna@example.ru";
    mail.subject = "Hi\r\nBcc: victim@example.com";
    mail.messageId = "x@y";
    const std::string raw = composeMail(mail);
    EXPECT_EQ(raw.find("\r\nBcc:"), std::string::npos);
}

// A stored address from before the address rule (or written into the database by hand) builds no mail at all.
TEST(MailComposer, AnAddressThatIsNotOneMailboxBuildsNoMail) {
    OutgoingMail mail;
    mail.fromAddress = "support@omnigate.test";
    mail.subject = "Hi";
    mail.messageId = "x@y";
    for (const std::string& to : {std::string("anna@example.ru\r\nBcc: victim@example.com"),
                                  std::string("anna@example.ru\nBcc: victim@example.com"),
                                  std::string("anna@example.ru>\r\nBcc: <victim@example.com"),
                                  std::string("anna@example.ru,victim@example.com"), std::string("anna@example.ru\x7f"),
                                  std::string("<anna@example.ru>"), std::string("")}) {
        mail.toAddress = to;
        EXPECT_THROW(composeMail(mail), InvalidAddress) << to;
    }
    mail.toAddress = "anna@example.ru";
    mail.fromAddress = "support@omnigate.test\r\nBcc: victim@example.com";
    EXPECT_THROW(composeMail(mail), InvalidAddress);
}

}  // namespace
}  // namespace omnigate::email
