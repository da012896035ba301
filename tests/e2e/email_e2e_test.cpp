// The email channel end to end: the real daemon with the email plugin, the private Dovecot (IMAP) and the SMTP
// receiver from scripts/services.sh. Mails are put into the mailbox by IMAP APPEND or sent by SMTP, never faked;
// what the operator sends is fetched back by IMAP from the client's own mailbox and checked header by header.
#include <gtest/gtest.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <sstream>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mailbox.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 13); }

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string mail(const std::string& from, const std::string& to, const std::string& subject, const std::string& messageId,
                 const std::string& body, const std::string& extraHeaders = "") {
    return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + messageId +
           ">\r\nDate: Tue, 5 Mar 2024 10:00:00 +0300\r\nMIME-Version: 1.0\r\n" + extraHeaders +
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n";
}

class EmailEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        account_ = "mail" + unique().substr(0, 8);
        address_ = account_ + "@omnigate.test";
        DaemonOptions options;
        options.channelsYaml =
            "  - type: email\n"
            "    id: " + account_ + "\n"
            "    settings:\n"
            "      address: " + address_ + "\n"
            "      display_name: Служба поддержки\n"
            "      imap_url: imap://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_IMAP_PORT")) + "/INBOX\n"
            "      imap_user: \"" + address_ + "*relay\"\n"
            "      imap_password: \"" + mailMasterPassword() + "\"\n"
            "      smtp_url: smtp://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_SMTP_PORT")) + "\n"
            "      smtp_user: demo@omnigate.test\n"
            "      smtp_password: demo-password\n"
            "      allow_plaintext: true\n"
            "      reconnect_max_seconds: 1\n"
            "      smtp_retries: 1\n"
            "      smtp_retry_delay_ms: 100\n"
            "      auto_reply_limit_per_hour: 1\n"
            // IDLE renewed every few seconds, so every test also runs through DONE and a new IDLE.
            "      idle_renew_seconds: 3\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
        // A greeting for every new interaction of this account: what noise must never receive.
        const HttpResult greeting = daemon_->http().postJson(
            "/api/v1/auto-replies",
            R"({"name":"Greeting","channel":"email","account":")" + account_ +
                R"(","trigger":"new_interaction","body":"We received your mail, {client.name}."})",
            daemon_->adminToken());
        ASSERT_EQ(greeting.status, 201) << greeting.body;
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    // The stored inbound message with this Message-ID, waiting for the mailbox thread to take it.
    std::int64_t waitForMessage(const std::string& messageId, std::chrono::milliseconds timeout = 15s) {
        const std::string sql = "SELECT id FROM messages WHERE channel = 'email' AND account = '" + account_ +
                                "' AND direction = 'in' AND external_id = '" + messageId + "'";
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (const std::int64_t id = db_.scalar(sql)) return id;
            std::this_thread::sleep_for(50ms);
        }
        ADD_FAILURE() << "no stored message " << messageId;
        return 0;
    }
    std::int64_t interactionOf(std::int64_t messageId) {
        return db_.scalar("SELECT interaction_id FROM messages WHERE id = " + std::to_string(messageId));
    }
    HttpResult reply(std::int64_t interaction, const std::string& text, const std::string& fileId = "") {
        const std::string files = fileId.empty() ? "" : R"(,"attachments":[")" + fileId + R"("])";
        return daemon_->http().postJson("/api/v1/interactions/" + std::to_string(interaction) + "/messages",
                                        R"({"text":")" + text + "\"" + files + "}", daemon_->adminToken());
    }
    // The mail in `user`'s mailbox whose Message-ID is `id`.
    std::string waitForMailIn(const std::string& user, const std::string& id, std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            for (const std::string& m : mailbox(user)) {
                if (mailHeader(m, "Message-ID").find("<" + id + ">") != std::string::npos) return m;
            }
            std::this_thread::sleep_for(100ms);
        }
        ADD_FAILURE() << "no mail " << id << " in the mailbox of " << user;
        return "";
    }

    static DaemonProcess* daemon_;
    static std::string account_;
    static std::string address_;
    DbProbe db_;
};

DaemonProcess* EmailEndToEnd::daemon_ = nullptr;
std::string EmailEndToEnd::account_;
std::string EmailEndToEnd::address_;

TEST_F(EmailEndToEnd, AnInfectedAttachmentIsQuarantinedTheMessageSaysSoAndItIsNeverServed) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const std::string id = "eicar-" + unique() + "@example.test";
    // The EICAR test file, which the test clamd (scripts/services.sh) detects as every antivirus does.
    std::ostringstream eicar;
    {
        Poco::Base64Encoder encoder(eicar);
        encoder << R"(X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*)";
    }
    const std::string raw =
        "From: boris-" + unique() + "@example.test\r\nTo: " + address_ + "\r\nSubject: Invoice\r\nMessage-ID: <" + id +
        ">\r\nDate: Tue, 5 Mar 2024 10:00:00 +0300\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
        "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe invoice is attached.\r\n"
        "--m\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=invoice.com\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + eicar.str() + "\r\n--m--\r\n";
    appendMail(address_, raw);

    // The client's message is not lost to it: stored, with the attachment marked.
    const std::int64_t message = waitForMessage(id);
    ASSERT_NE(message, 0);
    const std::int64_t interaction = interactionOf(message);
    const HttpResult messages = daemon_->http().get(
        "/api/v1/interactions/" + std::to_string(interaction) + "/messages", daemon_->adminToken());
    ASSERT_EQ(messages.status, 200) << messages.body;
    const auto first = messages.json()->getArray("messages")->getObject(0);
    EXPECT_EQ(first->getValue<std::string>("text"), "The invoice is attached.");
    const auto file = first->getArray("attachments")->getObject(0);
    EXPECT_EQ(file->getValue<std::string>("name"), "invoice.com");
    EXPECT_EQ(file->optValue<std::string>("quarantine", ""), "Eicar-Test-Signature.UNOFFICIAL") << messages.body;

    const std::string fileId = file->getValue<std::string>("file_id");
    const HttpResult download = daemon_->http().get("/api/v1/files/" + fileId, daemon_->adminToken());
    EXPECT_EQ(download.status, 403);
    EXPECT_EQ(download.json()->getObject("error")->getValue<std::string>("code"), "quarantined");
    EXPECT_EQ(daemon_->http().get("/api/v1/files/" + fileId + "/content", daemon_->adminToken()).status, 403)
        << "not to the store's manager either";
    // Nor does it leave again with an operator's reply.
    EXPECT_EQ(reply(interaction, "Forwarding", fileId).status, 403);
    EXPECT_EQ(db_.text("SELECT scan FROM files WHERE id = '" + fileId + "'"), "infected");

    // What the agents' consoles hear says so too (the client's message, not the greeting sent back).
    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            return m.topic == topic && event->getValue<std::string>("type") == "message.created" &&
                   event->getObject("data")->getValue<std::string>("direction") == "in";
        },
        1, 10s);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_NE(events[0].payload.find("\"quarantine\":\"Eicar-Test-Signature.UNOFFICIAL\""), std::string::npos)
        << events[0].payload;
}

TEST_F(EmailEndToEnd, AppendedMailBecomesAnInteractionWithItsTextFilesAndEvents) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const std::string client = "anna-" + unique() + "@example.test";
    const std::string id = "append-" + unique() + "@example.test";
    const std::string pdf = std::string("%PDF-1.4\n\0\x01\xFF binary", 18);
    std::ostringstream pdfBase64;
    {
        Poco::Base64Encoder encoder(pdfBase64);
        encoder << pdf;
    }
    // windows-1251 quoted-printable subject and body, an HTML alternative, a PDF with an RFC 2231 Cyrillic name.
    const std::string raw =
        "From: =?windows-1251?Q?=C0=ED=ED=E0?= <" + client + ">\r\nTo: " + address_ +
        "\r\nSubject: =?windows-1251?Q?=C7=E0=EA=E0=E7_=B9_5?=\r\nMessage-ID: <" + id +
        ">\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
        "--m\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
        "--a\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "=C3=E4=E5 =EC=EE=E9 =E7=E0=EA=E0=E7?\r\n"
        "--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Где мой заказ?</p>\r\n--a--\r\n"
        "--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''%D0%A1%D1%87%D1%91%D1%82.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + pdfBase64.str() + "\r\n--m--\r\n";
    appendMail(address_, raw);

    const std::int64_t message = waitForMessage(id);
    ASSERT_NE(message, 0);
    const std::int64_t interaction = interactionOf(message);
    EXPECT_EQ(db_.text("SELECT body FROM messages WHERE id = " + std::to_string(message)), "Где мой заказ?");
    EXPECT_EQ(db_.text("SELECT subject FROM interactions WHERE id = " + std::to_string(interaction)), "Заказ № 5");
    EXPECT_EQ(db_.text("SELECT c.name FROM clients c JOIN messages m ON m.client_id = c.id WHERE m.id = " +
                       std::to_string(message)), "Анна");

    const HttpResult messages = daemon_->http().get(
        "/api/v1/interactions/" + std::to_string(interaction) + "/messages", daemon_->adminToken());
    ASSERT_EQ(messages.status, 200) << messages.body;
    const auto list = messages.json()->getArray("messages");
    ASSERT_GE(list->size(), 1u);
    const auto first = list->getObject(0);
    EXPECT_EQ(first->getValue<std::string>("external_id"), id);
    const auto files = first->getArray("attachments");
    ASSERT_EQ(files->size(), 2u);  // the PDF and the HTML as it came
    const auto file = files->getObject(0);
    EXPECT_EQ(file->getValue<std::string>("name"), "Счёт.pdf");
    const HttpResult bytes = daemon_->http().get("/api/v1/files/" + file->getValue<std::string>("file_id"),
                                                 daemon_->adminToken());
    ASSERT_EQ(bytes.status, 200);
    EXPECT_EQ(bytes.body, pdf);
    EXPECT_EQ(files->getObject(1)->getValue<std::string>("mime_type"), "text/html");

    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) {
            return m.topic == topic && parse(m.payload)->getValue<std::string>("type") == "message.created";
        },
        1, 10s);
    ASSERT_GE(events.size(), 1u);
    EXPECT_EQ(parse(events[0].payload)->getObject("data")->getValue<std::string>("text"), "Где мой заказ?");

    // Stored, so marked seen on the server.
    for (int i = 0; i < 50 && !searchUids(address_, "UNSEEN").empty(); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(searchUids(address_, "UNSEEN").empty());
}

TEST_F(EmailEndToEnd, MailSentBySmtpArrives) {
    const std::string client = "boris-" + unique() + "@example.test";
    const std::string id = "smtp-" + unique() + "@example.test";
    sendBySmtp(client, address_, mail(client, address_, "Hello by SMTP", id, "Sent through a real SMTP server."));
    const std::int64_t message = waitForMessage(id);
    ASSERT_NE(message, 0);
    EXPECT_EQ(db_.text("SELECT body FROM messages WHERE id = " + std::to_string(message)), "Sent through a real SMTP server.");
}

TEST_F(EmailEndToEnd, OperatorReplyArrivesWithThreadingHeadersAndAnswersJoinByTagAndReferences) {
    const std::string client = "vera-" + unique() + "@example.test";
    const std::string first = "first-" + unique() + "@example.test";
    appendMail(address_, mail(client, address_, "=?UTF-8?B?0J/RgNC+0LHQu9C10LzQsCDRgSDQt9Cw0LrQsNC30L7QvA==?=", first,
                          "Мой заказ не пришёл."));
    const std::int64_t interaction = interactionOf(waitForMessage(first));
    ASSERT_NE(interaction, 0);

    // An operator's file goes with the reply: "Накладная.pdf", uploaded first.
    const std::string pdf = "%PDF-1.4 waybill " + unique() + std::string("\0\xff", 2);
    const HttpResult uploaded = daemon_->http().request(
        "POST", "/api/v1/files?name=%D0%9D%D0%B0%D0%BA%D0%BB%D0%B0%D0%B4%D0%BD%D0%B0%D1%8F.pdf", pdf,
        {{"Authorization", "Bearer " + daemon_->adminToken()}, {"Content-Type", "application/pdf"}});
    ASSERT_EQ(uploaded.status, 201) << uploaded.body;
    const HttpResult sent = reply(interaction, "Здравствуйте! Заказ в пути.", uploaded.json()->getValue<std::string>("id"));
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_EQ(sent.json()->getValue<std::string>("status"), "sent") << sent.body;
    const std::string ours = sent.json()->getValue<std::string>("external_id");
    ASSERT_FALSE(ours.empty());

    const std::string delivered = waitForMailIn(client, ours);
    ASSERT_FALSE(delivered.empty());
    EXPECT_EQ(mailHeader(delivered, "In-Reply-To"), " <" + first + ">");
    EXPECT_NE(mailHeader(delivered, "References").find("<" + first + ">"), std::string::npos);
    EXPECT_NE(mailHeader(delivered, "From").find("<" + address_ + ">"), std::string::npos);
    EXPECT_EQ(mailHeader(delivered, "Auto-Submitted"), "");  // an operator's mail is not automatic
    const std::string subject = mailHeader(delivered, "Subject");
    EXPECT_NE(subject.find("=?UTF-8?B?"), std::string::npos) << subject;  // 7-bit headers
    EXPECT_EQ(decodeUtf8Words(subject), "Re: Проблема с заказом [#" + std::to_string(interaction) + "]");
    // The attachment, under its RFC 2231 name, byte for byte.
    const std::size_t name = delivered.find("filename*=UTF-8''%D0%9D%D0%B0%D0%BA%D0%BB%D0%B0%D0%B4%D0%BD%D0%B0%D1%8F.pdf");
    ASSERT_NE(name, std::string::npos) << delivered;
    const std::size_t start = delivered.find("\r\n\r\n", name) + 4;
    std::istringstream base64(delivered.substr(start, delivered.find("\r\n--", start) - start));
    Poco::Base64Decoder decoder(base64);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(decoder), {}), pdf);

    // The client answers with only the tag in the subject (a new mail program, no References).
    const std::string byTag = "tag-" + unique() + "@example.test";
    appendMail(address_, mail(client, address_, "Re: anything [#" + std::to_string(interaction) + "]", byTag, "By tag."));
    EXPECT_EQ(interactionOf(waitForMessage(byTag)), interaction);

    // And with only References naming our mail (the subject changed, no tag).
    const std::string byReferences = "refs-" + unique() + "@example.test";
    appendMail(address_, mail(client, address_, "Another subject", byReferences, "By References.",
                          "References: <unknown-" + unique() + "@x> <" + ours + ">\r\n"));
    EXPECT_EQ(interactionOf(waitForMessage(byReferences)), interaction);

    // A fresh mail of the same client without either starts a new interaction.
    const std::string fresh = "fresh-" + unique() + "@example.test";
    appendMail(address_, mail(client, address_, "A new question", fresh, "Unrelated."));
    EXPECT_NE(interactionOf(waitForMessage(fresh)), interaction);
}

TEST_F(EmailEndToEnd, AnotherClientsMailNeverJoinsSomeoneElsesInteraction) {
    const std::string anna = "anna-" + unique() + "@example.test";
    const std::string annasId = "annas-" + unique() + "@example.test";
    appendMail(address_, mail(anna, address_, "Order problem", annasId, "My order."));
    const std::int64_t annasMessage = waitForMessage(annasId);
    const std::int64_t annasInteraction = interactionOf(annasMessage);

    // Mallory quotes Anna's subject with its tag and her Message-ID.
    const std::string mallory = "mallory-" + unique() + "@example.test";
    const std::string mallorysId = "mallorys-" + unique() + "@example.test";
    appendMail(address_, mail(mallory, address_, "Re: Order problem [#" + std::to_string(annasInteraction) + "]", mallorysId,
                          "Me too.", "In-Reply-To: <" + annasId + ">\r\nReferences: <" + annasId + ">\r\n"));
    const std::int64_t mallorysMessage = waitForMessage(mallorysId);
    EXPECT_NE(interactionOf(mallorysMessage), annasInteraction);
    EXPECT_NE(db_.scalar("SELECT client_id FROM messages WHERE id = " + std::to_string(mallorysMessage)),
              db_.scalar("SELECT client_id FROM messages WHERE id = " + std::to_string(annasMessage)));
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + std::to_string(annasInteraction) +
                         " AND direction = 'in'"), 1);
}

TEST_F(EmailEndToEnd, NoiseIsFlaggedAndNeverAutoRepliedWhileAPersonGetsOneAutoReply) {
    // A person: the greeting arrives, marked as automatic so their auto-responder stays silent.
    const std::string person = "person-" + unique() + "@example.test";
    const std::string personsId = "person-" + unique() + "@example.test";
    appendMail(address_, mail(person, address_, "Question", personsId, "Hello?"));
    const std::int64_t personsInteraction = interactionOf(waitForMessage(personsId));
    std::string greeting;
    for (int i = 0; i < 100 && greeting.empty(); ++i) {
        for (const std::string& m : mailbox(person)) greeting = m;
        if (greeting.empty()) std::this_thread::sleep_for(100ms);
    }
    ASSERT_FALSE(greeting.empty()) << "no auto-reply reached " << person;
    EXPECT_EQ(mailHeader(greeting, "Auto-Submitted"), " auto-replied");
    EXPECT_NE(mailHeader(greeting, "Subject").find("[#" + std::to_string(personsInteraction) + "]"), std::string::npos);

    // The same person's second new thread within the hour: the per-sender limit (1 in this config) holds it back.
    const std::string secondId = "person2-" + unique() + "@example.test";
    appendMail(address_, mail(person, address_, "Second question", secondId, "Hello again?"));
    const std::int64_t secondInteraction = interactionOf(waitForMessage(secondId));
    std::string limited;
    for (int i = 0; i < 100 && limited.empty(); ++i) {
        limited = db_.text("SELECT error_code FROM messages WHERE direction = 'out' AND interaction_id = " +
                           std::to_string(secondInteraction));
        if (limited.empty()) std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(limited, "auto_reply_rate_limited");

    // Machines: an out-of-office, a list mail, an auto-responder.
    struct Noise {
        std::string headers;
        std::string from;
    };
    const std::vector<Noise> noises = {
        {"Auto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\n", "ooo-" + unique() + "@example.test"},
        {"Precedence: bulk\r\nList-Id: <deals.example.test>\r\n", "list-" + unique() + "@example.test"},
        {"X-Autoreply: yes\r\n", "autoreply-" + unique() + "@example.test"}};
    std::vector<std::int64_t> interactions;
    for (const Noise& n : noises) {
        const std::string id = "noise-" + unique() + "@example.test";
        appendMail(address_, mail(n.from, address_, "Automatic reply: Question", id, "I am away.", n.headers));
        const std::int64_t message = waitForMessage(id);
        EXPECT_EQ(db_.scalar("SELECT auto_generated FROM messages WHERE id = " + std::to_string(message)), 1) << n.from;
        interactions.push_back(interactionOf(message));
    }
    std::this_thread::sleep_for(1500ms);  // time in which an auto-reply would have gone out
    for (std::size_t i = 0; i < noises.size(); ++i) {
        EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND interaction_id = " +
                             std::to_string(interactions[i])), 0) << noises[i].from;
        EXPECT_TRUE(mailbox(noises[i].from).empty()) << noises[i].from;
    }
}

TEST_F(EmailEndToEnd, BounceOfOurMailMarksItFailed) {
    const std::string client = "gone-" + unique() + "@example.test";
    const std::string id = "bounce-src-" + unique() + "@example.test";
    appendMail(address_, mail(client, address_, "Question", id, "Hello?"));
    const std::int64_t interaction = interactionOf(waitForMessage(id));
    const HttpResult sent = reply(interaction, "Our answer.");
    ASSERT_EQ(sent.status, 201) << sent.body;
    const std::string ours = sent.json()->getValue<std::string>("external_id");
    const std::int64_t ourMessage = sent.json()->getValue<std::int64_t>("id");

    const std::string dsnId = "dsn-" + unique() + "@mx.example.test";
    const std::string dsn =
        "Return-Path: <>\r\nFrom: Mail Delivery System <MAILER-DAEMON@mx.example.test>\r\nTo: " + address_ +
        "\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <" + dsnId +
        ">\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n"
        "--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n\r\n"
        "Final-Recipient: rfc822; " + client + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable\r\n"
        "--r\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: " + address_ + "\r\nMessage-ID: <" + ours +
        ">\r\nSubject: Re: Question\r\n\r\n--r--\r\n";
    appendMail(address_, dsn);
    std::string status;
    for (int i = 0; i < 200 && status != "failed"; ++i) {
        status = db_.text("SELECT status FROM messages WHERE id = " + std::to_string(ourMessage));
        if (status != "failed") std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(status, "failed");
    EXPECT_EQ(db_.text("SELECT error_code FROM messages WHERE id = " + std::to_string(ourMessage)), "bounced");
    EXPECT_NE(db_.text("SELECT error_text FROM messages WHERE id = " + std::to_string(ourMessage)).find("550 5.1.1"),
              std::string::npos);
    // The bounce itself is kept, flagged, and never answered.
    const std::int64_t bounce = db_.scalar("SELECT id FROM messages WHERE direction = 'in' AND external_id = '" +
                                           dsnId + "'");
    ASSERT_NE(bounce, 0);
    EXPECT_EQ(db_.scalar("SELECT auto_generated FROM messages WHERE id = " + std::to_string(bounce)), 1);
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND interaction_id = " +
                         std::to_string(interactionOf(bounce))), 0);
}

TEST_F(EmailEndToEnd, RefusedRecipientFailsWithTheServersReplyAndATemporaryOneIsRetried) {
    for (const std::string& prefix : {std::string("reject-"), std::string("defer-")}) {
        const std::string client = prefix + unique() + "@example.test";
        const std::string id = prefix + "src-" + unique() + "@example.test";
        appendMail(address_, mail(client, address_, "Question", id, "Hello?"));
        const std::int64_t interaction = interactionOf(waitForMessage(id));
        const HttpResult sent = reply(interaction, "Answer.");
        ASSERT_EQ(sent.status, 201) << sent.body;
        const auto json = sent.json();
        EXPECT_EQ(json->getValue<std::string>("status"), "failed") << sent.body;
        if (prefix == "reject-") {
            EXPECT_EQ(json->getValue<std::string>("error_code"), "smtp_550");
            EXPECT_NE(json->getValue<std::string>("error_text").find("User unknown"), std::string::npos) << sent.body;
        } else {
            EXPECT_EQ(json->getValue<std::string>("error_code"), "smtp_451");
            EXPECT_NE(json->getValue<std::string>("error_text").find("after 2 attempts"), std::string::npos) << sent.body;
        }
    }
}

// An address stored before the address rule existed (here written into the tables as such a row would be) is never
// mailed: the reply fails with invalid_address, and neither the client nor anyone the address names gets anything
// from the real relay.
TEST_F(EmailEndToEnd, AStoredAddressThatIsNotOneMailboxFailsTheReplyAndNothingIsSent) {
    const std::string client = "stored-" + unique() + "@omnigate.test";
    const std::string victim = "victim-" + unique() + "@omnigate.test";
    const std::string id = "src-" + unique() + "@example.test";
    appendMail(address_, mail(client, address_, "Question", id, "Hello?"));
    const std::int64_t interaction = interactionOf(waitForMessage(id));
    const std::string clientId =
        std::to_string(db_.scalar("SELECT client_id FROM interactions WHERE id = " + std::to_string(interaction)));
    std::vector<std::string> answers;
    for (const std::string& stored : {"CONCAT('" + client + "', CHAR(13), CHAR(10), 'Bcc: " + victim + "')",
                                      "CONCAT('" + client + ">', CHAR(13), CHAR(10), 'RCPT TO:<" + victim + "')",
                                      "'" + client + "," + victim + "'", "CONCAT('" + client + "', CHAR(127))"}) {
        db_.execute("UPDATE client_addresses SET value = " + stored + " WHERE kind = 'email' AND client_id = " + clientId);
        db_.execute("UPDATE interactions SET address_value = " + stored + " WHERE id = " + std::to_string(interaction));
        answers.push_back("Answer-" + unique());
        const HttpResult sent = reply(interaction, answers.back());
        ASSERT_EQ(sent.status, 201) << sent.body;
        const auto json = sent.json();
        EXPECT_EQ(json->getValue<std::string>("status"), "failed") << stored << ": " << sent.body;
        EXPECT_EQ(json->optValue<std::string>("error_code", ""), "invalid_address") << stored << ": " << sent.body;
    }
    // The replies failed synchronously, before any SMTP: what the mailboxes hold now is all they will get.
    EXPECT_TRUE(mailbox(victim).empty());
    for (const std::string& m : mailbox(client)) {
        for (const std::string& answer : answers) EXPECT_EQ(m.find(answer), std::string::npos) << m;
    }
}

TEST_F(EmailEndToEnd, RestartInTheMiddleOfAMailboxLosesAndDuplicatesNothing) {
    ASSERT_EQ(daemon_->stop(), 0);
    const std::string client = "many-" + unique() + "@example.test";
    const std::string batch = unique();
    const std::string filler(64 * 1024, 'x');  // some weight, so the daemon is mid-way when it is killed
    const int total = 60;
    for (int i = 0; i < total; ++i) {
        appendMail(address_, mail(client, address_, "Mail " + std::to_string(i), "many-" + batch + "-" + std::to_string(i) + "@x",
                              "Number " + std::to_string(i) + "\r\n" + filler));
    }
    const std::string count = "SELECT COUNT(*) FROM messages WHERE direction = 'in' AND external_id LIKE 'many-" + batch + "-%'";
    daemon_->restart();
    for (int i = 0; i < 2000 && db_.scalar(count) == 0; ++i) std::this_thread::sleep_for(5ms);
    daemon_->kill9();
    // Counted once the daemon is gone: a kill before the first mail or after the last would prove nothing.
    const std::int64_t atKill = db_.scalar(count);
    std::cerr << "killed the daemon with " << atKill << " of " << total << " mails stored\n";
    ASSERT_GT(atKill, 0) << "the daemon was killed before it stored any mail";
    ASSERT_LT(atKill, total) << "the daemon was killed after it had stored every mail";
    daemon_->restart();
    ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    for (int i = 0; i < 300 && db_.scalar(count) < total; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(db_.scalar(count), total);
    EXPECT_EQ(db_.scalar("SELECT COUNT(DISTINCT external_id) FROM messages WHERE direction = 'in' AND external_id LIKE 'many-" +
                         batch + "-%'"), total);
    for (int i = 0; i < 50 && !searchUids(address_, "UNSEEN").empty(); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(searchUids(address_, "UNSEEN").empty());
}

TEST_F(EmailEndToEnd, UnreachableMailboxMakesTheAccountNotReadyUntilItRecovers) {
    auto emailCheck = [&]() -> std::string {
        const HttpResult ready = daemon_->http().get("/readyz");
        const auto checks = ready.json()->getObject("checks");
        for (const auto& name : checks->getNames()) {
            if (name.find(account_) != std::string::npos) return checks->getValue<std::string>(name);
        }
        return "";
    };
    services("stop", "dovecot");
    std::string problem;
    for (int i = 0; i < 100 && problem.empty(); ++i) {
        problem = emailCheck();
        if (problem.empty()) std::this_thread::sleep_for(100ms);
    }
    const HttpResult degraded = daemon_->http().get("/readyz");
    services("start", "dovecot");
    EXPECT_FALSE(problem.empty()) << degraded.body;
    EXPECT_NE(degraded.json()->getValue<std::string>("status"), "ready") << degraded.body;

    for (int i = 0; i < 100 && !emailCheck().empty(); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_EQ(emailCheck(), "");
    EXPECT_EQ(daemon_->http().get("/readyz").json()->getValue<std::string>("status"), "ready");
    // And it reads mail again.
    const std::string id = "after-" + unique() + "@example.test";
    appendMail(address_, mail("back-" + unique() + "@example.test", address_, "Back", id, "Back again."));
    EXPECT_NE(waitForMessage(id), 0);
}

TEST_F(EmailEndToEnd, StartTlsPollingAndMoveToAFolderAndAnUntrustedCertificateIsRefused) {
    // Dovecot and the SMTP receiver offer STARTTLS with a self-signed certificate: one account that does not verify
    // it (as for a private server) works over TLS; one that verifies refuses the server and says so on /readyz.
    const std::string tls = "tls" + unique().substr(0, 8);
    const std::string strict = "strict" + unique().substr(0, 8);
    // The TLS account also polls instead of IDLE and moves what it stored to a folder it creates.
    auto account = [&](const std::string& id, bool verify) {
        return "  - type: email\n"
               "    id: " + id + "\n"
               "    settings:\n"
               "      address: " + id + "@omnigate.test\n"
               "      imap_url: imap://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_IMAP_PORT")) + "/INBOX\n"
               "      imap_user: \"" + id + "@omnigate.test*relay\"\n"
               "      imap_password: \"" + mailMasterPassword() + "\"\n"
               "      smtp_url: smtp://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_SMTP_PORT")) + "\n"
               "      smtp_user: demo@omnigate.test\n"
               "      smtp_password: demo-password\n"
               "      tls_verify: " + (verify ? "true" : "false") + "\n"
               "      idle: false\n"
               "      poll_seconds: 1\n"
               "      processed_folder: Processed\n"
               "      reconnect_max_seconds: 1\n";
    };
    DaemonOptions options;
    options.instance = "email-tls";
    options.channelsYaml = account(tls, false) + account(strict, true);
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();

    const std::string client = "tlsclient-" + unique() + "@example.test";
    const std::string id = "tls-" + unique() + "@example.test";
    appendMail(tls + "@omnigate.test", mail(client, tls + "@omnigate.test", "Over TLS", id, "Secret question."));
    const std::string sql = "SELECT id FROM messages WHERE account = '" + tls + "' AND external_id = '" + id + "'";
    std::int64_t message = 0;
    for (int i = 0; i < 200 && (message = db_.scalar(sql)) == 0; ++i) std::this_thread::sleep_for(50ms);
    ASSERT_NE(message, 0) << daemon.log();
    // Moved out of the INBOX once stored.
    for (int i = 0; i < 50 && !searchUids(tls + "@omnigate.test", "ALL").empty(); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(searchUids(tls + "@omnigate.test", "ALL").empty());
    EXPECT_EQ(searchUids(tls + "@omnigate.test", "ALL", "Processed").size(), 1u);
    const HttpResult sent = daemon.http().postJson(
        "/api/v1/interactions/" + std::to_string(interactionOf(message)) + "/messages", R"({"text":"Secret answer."})",
        daemon.adminToken());
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_EQ(sent.json()->getValue<std::string>("status"), "sent") << sent.body << daemon.log();
    EXPECT_FALSE(waitForMailIn(client, sent.json()->getValue<std::string>("external_id")).empty());

    std::string refused;
    for (int i = 0; i < 100 && refused.empty(); ++i) {
        const auto checks = daemon.http().get("/readyz").json()->getObject("checks");
        for (const auto& name : checks->getNames()) {
            if (name.find(strict) != std::string::npos) refused = checks->getValue<std::string>(name);
            EXPECT_EQ(name.find(tls), std::string::npos) << name << ": " << checks->getValue<std::string>(name);
        }
        if (refused.empty()) std::this_thread::sleep_for(100ms);
    }
    EXPECT_FALSE(refused.empty()) << daemon.log();
    std::cerr << "the verifying account says: " << refused << "\n";
}

}  // namespace
}  // namespace omnigate::test
