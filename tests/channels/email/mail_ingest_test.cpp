// From a fetched mail to what the host is asked to store: threading by tag and References within the sender's own
// conversation only (another client's reply never joins), flags for automatic mail, bounces failing our message,
// attachments and the HTML into the file store, and the external id the store de-duplicates on.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "email_config.h"
#include "mail_ingest.h"
#include "support/unused_host.h"

namespace omnigate::email {
namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(EMAIL_FIXTURES) + "/" + name, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Remembers what it is asked to store; the history is planted per client address.
class FakeHost : public test::UnusedChannelHost {
public:
    std::vector<InboundMessage> submitted;
    std::vector<StatusUpdate> statusUpdates;
    std::vector<std::pair<std::string, std::string>> files;  // name, mime type
    std::map<std::string, std::vector<StoredMessage>> historyByAddress;

    SubmitResult submitInbound(const InboundMessage& m) override {
        submitted.push_back(m);
        SubmitResult r;
        r.message.interactionId = m.interactionId != 0 ? m.interactionId : 1000 + static_cast<std::int64_t>(submitted.size());
        return r;
    }
    std::vector<StoredMessage> history(const std::string& account, const Address& client, std::size_t) override {
        EXPECT_EQ(account, "demo");
        EXPECT_EQ(client.kind, "email");
        return historyByAddress[client.value];
    }
    void updateDeliveryStatus(const StatusUpdate& u) override { statusUpdates.push_back(u); }
    Attachment storeFile(const std::string& bytes, const std::string& mimeType, const std::string& name) override {
        files.emplace_back(name, mimeType);
        return {"file-" + std::to_string(files.size()), name, mimeType, bytes.size()};
    }
};

StoredMessage stored(std::int64_t interaction, const std::string& externalId, Direction direction) {
    StoredMessage m;
    m.interactionId = interaction;
    m.externalId = externalId;
    m.direction = direction;
    m.channel = "email";
    return m;
}

class MailIngestTest : public ::testing::Test {
protected:
    MailIngestTest() {
        config_.id = "demo";
        config_.address = "support@omnigate.test";
    }
    EmailConfig config_;
    FakeHost host_;
    MailIngest ingest_{host_, config_};
};

TEST_F(MailIngestTest, NewMailIsANewInteractionOfItsSender) {
    ingest_.ingest(fixture("koi8r_b.eml"));
    ASSERT_EQ(host_.submitted.size(), 1u);
    const InboundMessage& m = host_.submitted[0];
    EXPECT_EQ(m.account, "demo");
    EXPECT_EQ(m.externalId, "koi8r-b-1@example.ru");
    EXPECT_EQ(m.from.kind, "email");
    EXPECT_EQ(m.from.value, "anna@example.ru");
    EXPECT_EQ(m.clientName, "Анна Петрова");
    EXPECT_EQ(m.subject, "Проблема с заказом 123");
    EXPECT_EQ(m.interactionId, 0);
    EXPECT_EQ(m.threadKey, "mail:koi8r-b-1@example.ru");
    EXPECT_FALSE(m.autoSubmitted);
}

TEST_F(MailIngestTest, ReplyThreadedOnlyByReferencesJoinsThatInteraction) {
    host_.historyByAddress["anna@example.ru"] = {stored(5, "first-1@example.ru", Direction::Inbound),
                                                 stored(5, "og.5.9.feedfacecafebeef@omnigate.test", Direction::Outbound)};
    ingest_.ingest(fixture("reply_references.eml"));
    ASSERT_EQ(host_.submitted.size(), 1u);
    EXPECT_EQ(host_.submitted[0].interactionId, 5);
    EXPECT_EQ(host_.submitted[0].threadKey, "mail:first-1@example.ru");
}

TEST_F(MailIngestTest, SubjectTagJoinsOnlyTheSendersOwnInteraction) {
    host_.historyByAddress["anna@example.ru"] = {stored(5, "first-1@example.ru", Direction::Inbound),
                                                 stored(5, "og.5.9.feedfacecafebeef@omnigate.test", Direction::Outbound)};
    // Mallory quotes Anna's thread: the tag [#5] and the References name Anna's interaction, but it is not his.
    ingest_.ingest(fixture("other_client_same_subject.eml"));
    ASSERT_EQ(host_.submitted.size(), 1u);
    EXPECT_EQ(host_.submitted[0].from.value, "mallory@example.com");
    EXPECT_EQ(host_.submitted[0].interactionId, 0);

    // The same tag from Mallory's own interaction 9 joins it.
    host_.historyByAddress["mallory@example.com"] = {stored(9, "m-1@example.com", Direction::Inbound)};
    std::string raw = fixture("other_client_same_subject.eml");
    raw.replace(raw.find("[#5]"), 4, "[#9]");
    raw.replace(raw.find("<other-1@"), 9, "<other-2@");
    ingest_.ingest(raw);
    ASSERT_EQ(host_.submitted.size(), 2u);
    EXPECT_EQ(host_.submitted[1].interactionId, 9);
}

TEST_F(MailIngestTest, AutomaticMailIsFlagged) {
    for (const char* name : {"outlook_ooo.eml", "mailing_list.eml", "bounce_dsn.eml"}) {
        ingest_.ingest(fixture(name));
        EXPECT_TRUE(host_.submitted.back().autoSubmitted) << name;
    }
}

TEST_F(MailIngestTest, MailFromOurOwnAddressIsNeverAnsweredAutomatically) {
    ingest_.ingest("From: Support <Support@omnigate.test>\r\nMessage-ID: <self@x>\r\n\r\nA copy of ours\r\n");
    ASSERT_EQ(host_.submitted.size(), 1u);
    EXPECT_TRUE(host_.submitted[0].autoSubmitted);
}

TEST_F(MailIngestTest, BounceMarksOurMessageFailedWithTheServersReply) {
    ingest_.ingest(fixture("bounce_dsn.eml"));
    ASSERT_EQ(host_.statusUpdates.size(), 1u);
    const StatusUpdate& u = host_.statusUpdates[0];
    EXPECT_EQ(u.account, "demo");
    EXPECT_EQ(u.externalId, "og.12.34.0123456789abcdef@omnigate.test");
    EXPECT_EQ(u.status, DeliveryStatus::Failed);
    EXPECT_EQ(u.errorCode, "bounced");
    EXPECT_NE(u.errorText.find("550 5.1.1"), std::string::npos);
}

TEST_F(MailIngestTest, AttachmentsAndHtmlGoToTheFileStore) {
    ingest_.ingest(fixture("rich.eml"));
    ASSERT_EQ(host_.files.size(), 3u);
    EXPECT_EQ(host_.files[0].second, "image/png");
    EXPECT_EQ(host_.files[1].first, "Счёт за март.pdf");
    EXPECT_EQ(host_.files[2], std::make_pair(std::string("message.html"), std::string("text/html")));
    EXPECT_EQ(host_.submitted[0].attachments.size(), 3u);
}

TEST_F(MailIngestTest, MailWithoutMessageIdIsIdentifiedByItsBytes) {
    const std::string raw = "From: x@example.com\r\nSubject: no id\r\n\r\nbody\r\n";
    ingest_.ingest(raw);
    ingest_.ingest(raw);
    ASSERT_EQ(host_.submitted.size(), 2u);
    EXPECT_EQ(host_.submitted[0].externalId.substr(0, 7), "sha256:");
    EXPECT_EQ(host_.submitted[0].externalId, host_.submitted[1].externalId);
}

}  // namespace
}  // namespace omnigate::email
