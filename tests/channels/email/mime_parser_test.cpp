// The MIME parser against fixtures written from the RFCs (2045-2047, 2231, 3464, 3834) and the shapes real mail
// programs send: Cyrillic charsets in B and Q, adjacent encoded words, an Outlook out-of-office, a list mail, DSN
// and plain bounces, replies with quoted history, a broken boundary, and a 10 MB attachment.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include "mime_parser.h"
#include "mime_text.h"
#include "quoted_history.h"

namespace omnigate::email {
namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(EMAIL_FIXTURES) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << name;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

TEST(MimeParser, CyrillicSubjectsAndBodiesInEveryCharsetAndEncoding) {
    for (const char* name : {"koi8r_b.eml", "koi8r_q.eml", "cp1251_b.eml", "cp1251_q.eml"}) {
        SCOPED_TRACE(name);
        const ParsedMail mail = parseMail(fixture(name));
        EXPECT_EQ(mail.subject, "Проблема с заказом 123");
        EXPECT_EQ(mail.text, "Здравствуйте!\nМой заказ не пришёл. Помогите, пожалуйста.\nАнна");
        EXPECT_EQ(mail.fromName, "Анна Петрова");
        EXPECT_EQ(mail.fromAddress, "anna@example.ru");
        EXPECT_FALSE(mail.autoSubmitted);
        EXPECT_FALSE(mail.damaged);
        EXPECT_TRUE(mail.attachments.empty());
    }
    EXPECT_EQ(parseMail(fixture("koi8r_b.eml")).messageId, "koi8r-b-1@example.ru");
}

TEST(MimeParser, AdjacentEncodedWordsJoinWithoutTheSpaceAndKeepASplitCharacter) {
    const ParsedMail mail = parseMail(fixture("adjacent_words.eml"));
    // "Привет, мир" was cut inside the UTF-8 bytes of "в" across two words; the Q word follows after spaces.
    EXPECT_EQ(mail.subject, "Re: Привет, мир — ok end");
    EXPECT_EQ(mail.fromName, "Борис");
    EXPECT_EQ(mail.text, "Текст письма");
}

TEST(MimeParser, OutlookOutOfOfficeIsAutomaticAndReadsThePlainPart) {
    const ParsedMail mail = parseMail(fixture("outlook_ooo.eml"));
    EXPECT_TRUE(mail.autoSubmitted);
    EXPECT_FALSE(mail.bounce);
    EXPECT_EQ(mail.subject, "Автоматический ответ: Проблема с заказом [#77]");
    EXPECT_EQ(subjectTag(mail.subject), 77);
    EXPECT_EQ(mail.text, "Меня нет в офисе до 10 марта.\nПо срочным вопросам: +7 495 000-00-00");
    // multipart/alternative keeps the HTML as it came.
    EXPECT_TRUE(contains(mail.html, "<p>Меня нет в офисе до 10 марта.</p>"));
    EXPECT_EQ(mail.inReplyTo, "og.77.5.aaaa@omnigate.test");
}

TEST(MimeParser, MailingListMailIsAutomatic) {
    const ParsedMail mail = parseMail(fixture("mailing_list.eml"));
    EXPECT_TRUE(mail.autoSubmitted);
    EXPECT_EQ(mail.autoReason, "Precedence: list");
    EXPECT_EQ(mail.text, "This week: everything 10% off.");
}

TEST(MimeParser, DeliveryStatusNotificationNamesTheBouncedMessageAndTheServersReply) {
    const ParsedMail mail = parseMail(fixture("bounce_dsn.eml"));
    EXPECT_TRUE(mail.bounce);
    EXPECT_TRUE(mail.autoSubmitted);
    ASSERT_EQ(mail.bouncedMessageIds.size(), 1u);
    EXPECT_EQ(mail.bouncedMessageIds[0], "og.12.34.0123456789abcdef@omnigate.test");
    EXPECT_TRUE(contains(mail.bounceDiagnostic, "550 5.1.1")) << mail.bounceDiagnostic;
    EXPECT_TRUE(contains(mail.bounceDiagnostic, "User unknown")) << mail.bounceDiagnostic;
    // The human-readable part is the text; the returned mail's own text is not.
    EXPECT_TRUE(contains(mail.text, "could not\nbe delivered"));
    EXPECT_FALSE(contains(mail.text, "Our answer."));
}

TEST(MimeParser, PlainMailerDaemonBounceIsRecognisedToo) {
    const ParsedMail mail = parseMail(fixture("mailer_daemon_plain.eml"));
    EXPECT_TRUE(mail.bounce);
    EXPECT_TRUE(mail.autoSubmitted);
    ASSERT_EQ(mail.bouncedMessageIds.size(), 1u);
    EXPECT_EQ(mail.bouncedMessageIds[0], "og.3.4.aaaabbbbccccdddd@omnigate.test");
}

TEST(MimeParser, ReplyKeepsItsReferencesAndPutsTheQuotedHistoryBehindTheNewText) {
    const ParsedMail mail = parseMail(fixture("reply_references.eml"));
    EXPECT_TRUE(mail.inReplyTo.empty());
    ASSERT_EQ(mail.references.size(), 2u);
    EXPECT_EQ(mail.references[0], "first-1@example.ru");
    EXPECT_EQ(mail.references[1], "og.5.9.feedfacecafebeef@omnigate.test");
    const std::string expected = std::string("Спасибо, посылка пришла!\n\n") + quotedHistoryMarker +
                                 "\n5 марта 2024 г., в 12:00, Support <support@omnigate.test> написал(а):\n"
                                 "> Ваш заказ отправлен.\n> Трек-номер 123.";
    EXPECT_EQ(mail.text, expected);
}

TEST(MimeParser, BottomPostedReplyShowsTheNewTextFirst) {
    const std::string text = markQuotedHistory("> Where is it?\n> Anna\n\nIt is on its way.");
    EXPECT_EQ(text, std::string("It is on its way.\n\n") + quotedHistoryMarker + "\n> Where is it?\n> Anna");
    EXPECT_EQ(markQuotedHistory("No history here.\nHe wrote: fine."), "No history here.\nHe wrote: fine.");
    const std::string outlook = markQuotedHistory(
        "Thanks!\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nSubject: x\n\nold text");
    EXPECT_EQ(outlook.substr(0, 9 + std::string(quotedHistoryMarker).size()),
              std::string("Thanks!\n\n") + quotedHistoryMarker);
}

TEST(MimeParser, BrokenBoundaryStoresWhatCanBeRead) {
    const ParsedMail mail = parseMail(fixture("broken_boundary.eml"));
    EXPECT_TRUE(mail.damaged);
    EXPECT_EQ(mail.text, "The text that can still be read.");
    ASSERT_EQ(mail.attachments.size(), 1u);
    EXPECT_EQ(mail.attachments[0].name, "report.pdf");
    EXPECT_EQ(mail.attachments[0].bytes.substr(0, 8), "%PDF-1.4");  // what the cut-off base64 still held
}

TEST(MimeParser, HtmlOnlyInlineImageRfc2231NameForwardAndMoreCharsets) {
    const ParsedMail mail = parseMail(fixture("rich.eml"));
    EXPECT_EQ(mail.subject, "Счёт");
    EXPECT_EQ(mail.fromName, "Vera");
    // The HTML rendered as text: blocks as lines, entities decoded, the script gone, the blockquote quoted and
    // moved behind the marker.
    EXPECT_TRUE(contains(mail.text, "Добрый день!\n\nСчёт во вложении & логотип:")) << mail.text;
    EXPECT_FALSE(contains(mail.text, "alert"));
    EXPECT_TRUE(contains(mail.text, "Часть в ISO-8859-5."));
    EXPECT_TRUE(contains(mail.text, "Часть в CP866."));
    EXPECT_TRUE(contains(mail.text, "---------- Forwarded message ----------\nFrom: Petr <petr@example.org>"));
    EXPECT_TRUE(contains(mail.text, "Subject: Исходный вопрос"));
    EXPECT_TRUE(contains(mail.text, "Пересланный текст."));
    EXPECT_TRUE(contains(mail.text, std::string(quotedHistoryMarker) + "\n> старое письмо")) << mail.text;
    EXPECT_TRUE(contains(mail.html, "<img src=\"cid:logo@x\">"));
    ASSERT_EQ(mail.attachments.size(), 2u);
    EXPECT_EQ(mail.attachments[0].mimeType, "image/png");
    EXPECT_TRUE(mail.attachments[0].inlinePart);
    EXPECT_EQ(mail.attachments[0].contentId, "logo@x");
    EXPECT_EQ(mail.attachments[0].bytes.substr(0, 4), "\x89PNG");
    EXPECT_EQ(mail.attachments[1].name, "Счёт за март.pdf");
    EXPECT_EQ(mail.attachments[1].mimeType, "application/pdf");
    EXPECT_EQ(mail.attachments[1].bytes, "%PDF-1.4\n%fake\n");
    EXPECT_FALSE(mail.damaged);
}

TEST(MimeParser, TenMegabyteAttachmentArrivesWhole) {
    std::string payload(10 * 1024 * 1024, '\0');
    std::mt19937 random(42);
    for (char& c : payload) c = static_cast<char>(random() & 0xFF);
    const std::string raw = "From: big@example.com\r\nSubject: big\r\nMessage-ID: <big@example.com>\r\n"
                            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                            "--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
                            "--b\r\nContent-Type: application/octet-stream\r\n"
                            "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                            "Content-Transfer-Encoding: base64\r\n\r\n" + encodeBase64(payload) + "\r\n--b--\r\n";
    const auto started = std::chrono::steady_clock::now();
    const ParsedMail mail = parseMail(raw);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(mail.text, "See attached.");
    ASSERT_EQ(mail.attachments.size(), 1u);
    EXPECT_EQ(mail.attachments[0].name, "data.bin");
    EXPECT_TRUE(mail.attachments[0].bytes == payload);
    EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(MimeParser, LimitsBoundWhatIsKept) {
    MimeLimits limits;
    limits.maxAttachmentBytes = 10;
    const std::string raw = "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n"
                            "--b\nContent-Type: image/png\nContent-Disposition: attachment; filename=a.png\n\n"
                            "0123456789ABCDEF\n--b--\n";
    const ParsedMail mail = parseMail(raw, limits);
    EXPECT_TRUE(mail.attachments.empty());
    EXPECT_TRUE(mail.damaged);
    EXPECT_TRUE(contains(mail.text, "hi"));
    EXPECT_TRUE(contains(mail.text, "a.png"));

    // Deep nesting stops at the depth limit instead of recursing on.
    std::string deep = "Content-Type: multipart/mixed; boundary=x\n\n";
    for (int i = 0; i < 1000; ++i) deep += "--x\nContent-Type: multipart/mixed; boundary=x\n\n";
    const ParsedMail nested = parseMail(deep);
    EXPECT_TRUE(nested.damaged);
}

TEST(MimeParser, GarbageNeverCrashesAndAlwaysGivesValidUtf8) {
    std::mt19937 random(7);
    const std::string seeds[] = {fixture("rich.eml"), fixture("bounce_dsn.eml"), fixture("broken_boundary.eml")};
    for (int round = 0; round < 300; ++round) {
        std::string raw = seeds[round % 3];
        for (int k = 0; k < 20; ++k) raw[random() % raw.size()] = static_cast<char>(random() & 0xFF);
        raw.resize(random() % raw.size());
        const ParsedMail mail = parseMail(raw);
        EXPECT_TRUE(isValidUtf8(mail.text));
        EXPECT_TRUE(isValidUtf8(mail.subject));
        EXPECT_TRUE(isValidUtf8(mail.fromName));
        for (const auto& a : mail.attachments) EXPECT_TRUE(isValidUtf8(a.name));
    }
    EXPECT_NO_THROW(parseMail(""));
    EXPECT_NO_THROW(parseMail("\r\n\r\n"));
    EXPECT_NO_THROW(parseMail("Content-Type: multipart/mixed\r\n\r\n--\r\n"));
}

TEST(MimeParser, PathologicalInputsStayFast) {
    std::string words;
    for (int i = 0; i < 30000; ++i) words += "=?a?q?b";
    std::string ampersands(1 << 20, '&');
    std::string boundaries = "Content-Type: multipart/mixed; boundary=a\n\n";
    for (int i = 0; i < 100000; ++i) boundaries += "--a\n";
    const auto started = std::chrono::steady_clock::now();
    parseMail("Subject: " + words + "\r\n\r\nbody");
    parseMail("Content-Type: text/html\r\n\r\n" + ampersands);
    parseMail(boundaries);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(MimeParser, SubjectControlCharactersAreStripped) {
    const ParsedMail mail = parseMail("Subject: =?UTF-8?Q?a=07b=1Bc?=\x01\x7F \t d\r\n\r\nx");
    EXPECT_EQ(mail.subject, "abc d");
}

TEST(MimeParser, SubjectTagAndMessageIds) {
    EXPECT_EQ(subjectTag("Re: Order [#1234] again"), 1234);
    EXPECT_EQ(subjectTag("Re: [#] [#x1] none"), 0);
    EXPECT_EQ(subjectTag("[#7]"), 7);
    const auto ids = parseMessageIds(" <a@b>\r\n <c@d> junk <e f@g> <h@i>");
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(ids[2], "h@i");
}

}  // namespace
}  // namespace omnigate::email
