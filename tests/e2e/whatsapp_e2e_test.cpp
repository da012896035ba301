// The WhatsApp channel end to end: the real daemon with the real plugin, its graph_url pointing at the fake Graph
// API of tests/support. Meta's webhooks (signed like Meta signs them) go through the whole pipeline into MariaDB and
// out on MQTT; media lands in the file store (also when its download fails first); statuses reach the outbound
// message; operators' messages go out as text, media and templates, with Meta's errors; the 24-hour window; the
// templates registry.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <atomic>
#include <random>
#include <thread>
#include <tuple>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/fake_graph_api.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

const std::string appSecret = "e2e-wa-app-secret";
const std::string verifyToken = "e2e-wa-verify-token";
const std::string accessToken = "e2e-wa-access-token";
const std::string phoneNumberId = "106540352242922";
// A second Meta app's account (its own app secret), and a second number of the first app (the same secret).
const std::string otherAppSecret = "e2e-wa-other-app-secret";
const std::string otherPhoneNumberId = "206540352242922";
const std::string siblingPhoneNumberId = "306540352242922";

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

// A phone number no other test run uses: 1 + 11 random digits.
std::string uniquePhone() {
    static std::mt19937_64 random{std::random_device{}()};
    std::string phone = "1";
    for (int i = 0; i < 11; ++i) phone += static_cast<char>('0' + random() % 10);
    return phone;
}

std::string sqlQuoted(const std::string& s) { return "'" + s + "'"; }

std::string envelope(const std::string& valueFields, const std::string& numberId = phoneNumberId) {
    return R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{)"
           R"("messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":")" +
           numberId + R"("},)" + valueFields + R"(},"field":"messages"}]}]})";
}

std::string inbound(const std::string& phone, const std::string& name, const std::string& wamid,
                    const std::string& type, const std::string& content, const std::string& numberId = phoneNumberId) {
    return envelope(R"("contacts":[{"profile":{"name":")" + name + R"("},"wa_id":")" + phone +
                    R"("}],"messages":[{"from":")" + phone + R"(","id":")" + wamid +
                    R"(","timestamp":"1749416383","type":")" + type + "\"," + content + "}]",
                    numberId);
}

std::string textOf(const std::string& phone, const std::string& wamid, const std::string& text,
                   const std::string& numberId = phoneNumberId) {
    return inbound(phone, "Sheena Nelson", wamid, "text", R"("text":{"body":")" + text + "\"}", numberId);
}

std::string eventType(const ReceivedMessage& m) { return parse(m.payload)->getValue<std::string>("type"); }
Poco::JSON::Object::Ptr eventData(const ReceivedMessage& m) { return parse(m.payload)->getObject("data"); }

class WhatsappEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        graph_ = new FakeGraphApi(accessToken);
        DaemonOptions options;
        options.instance = "whatsapp";
        options.channelsYaml += "  - type: whatsapp\n"
                                "    id: demo\n"
                                "    settings:\n"
                                "      phone_number_id: '" + phoneNumberId + "'\n"
                                "      app_secret: " + appSecret + "\n"
                                "      verify_token: " + verifyToken + "\n"
                                "      access_token: " + accessToken + "\n"
                                "      graph_url: " + graph_->baseUrl() + "\n"
                                "      retry_backoff_ms: 20\n"
                                "      media_retry_seconds: 1\n";
        for (const auto& [id, number, secret] :
             {std::tuple<std::string, std::string, std::string>{"other", otherPhoneNumberId, otherAppSecret},
              {"sibling", siblingPhoneNumberId, appSecret}}) {
            options.channelsYaml += "  - type: whatsapp\n"
                                    "    id: " + id + "\n"
                                    "    settings:\n"
                                    "      phone_number_id: '" + number + "'\n"
                                    "      app_secret: " + secret + "\n"
                                    "      verify_token: " + verifyToken + "\n"
                                    "      access_token: " + accessToken + "\n"
                                    "      graph_url: " + graph_->baseUrl() + "\n";
        }
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
        delete graph_;
        graph_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult webhook(const std::string& body, const std::string& signature, const std::string& account = "demo") {
        std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
        if (!signature.empty()) headers["X-Hub-Signature-256"] = signature;
        return daemon_->http().request("POST", "/webhooks/whatsapp/" + account, body, headers);
    }
    static HttpResult deliver(const std::string& body) { return webhook(body, signWhatsappWebhook(appSecret, body)); }

    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    // A fresh client writes once; returns the interaction id.
    std::int64_t clientWrites(const std::string& phone, const std::string& text = "hello") {
        const std::string wamid = "wamid." + uniqueId();
        const HttpResult r = deliver(textOf(phone, wamid, text));
        EXPECT_EQ(r.status, 200) << r.body;
        return db_.scalar("SELECT interaction_id FROM messages WHERE external_id = " + sqlQuoted(wamid));
    }

    HttpResult reply(std::int64_t interaction, const std::string& body) {
        return admin("POST", "/api/v1/interactions/" + std::to_string(interaction) + "/messages", body);
    }

    static DaemonProcess* daemon_;
    static FakeGraphApi* graph_;
    DbProbe db_;
};

DaemonProcess* WhatsappEndToEnd::daemon_ = nullptr;
FakeGraphApi* WhatsappEndToEnd::graph_ = nullptr;

TEST_F(WhatsappEndToEnd, SubscriptionHandshake) {
    const HttpResult ok = daemon_->http().get("/webhooks/whatsapp/demo?hub.mode=subscribe&hub.challenge=1158201444"
                                              "&hub.verify_token=" + verifyToken);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.body, "1158201444");
    EXPECT_NE(ok.headers.at("Content-Type").find("text/plain"), std::string::npos);
    EXPECT_EQ(daemon_->http().get("/webhooks/whatsapp/demo?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope").status,
              403);
    EXPECT_EQ(daemon_->http().get("/webhooks/whatsapp/demo?hub.challenge=1&hub.verify_token=" + verifyToken).status, 403);
    EXPECT_EQ(daemon_->http().get("/webhooks/whatsapp/elsewhere?hub.mode=subscribe&hub.challenge=1&hub.verify_token=" +
                                  verifyToken).status,
              404);
}

TEST_F(WhatsappEndToEnd, BadSignatureIs401AndStoresNothing) {
    const std::string wamid = "wamid." + uniqueId();
    const std::string body = textOf(uniquePhone(), wamid, "forged");
    const HttpResult missing = webhook(body, "");
    EXPECT_EQ(missing.status, 401);
    EXPECT_EQ(missing.json()->getObject("error")->getValue<std::string>("code"), "missing_signature");
    EXPECT_EQ(webhook(body, signWhatsappWebhook("not-the-secret", body)).status, 401);
    EXPECT_EQ(webhook(body, "sha256=" + std::string(64, '0')).status, 401);
    EXPECT_EQ(webhook(body, signWhatsappWebhook(appSecret, body), "elsewhere").status, 404);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE external_id = " + sqlQuoted(wamid)), 0);
}

TEST_F(WhatsappEndToEnd, MalformedPayloadIs400AndStoresNothing) {
    const std::string body = R"({"object":"whatsapp_business_account","entry":{"not":"an array"}})";
    const HttpResult r = deliver(body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()->getObject("error")->getValue<std::string>("code"), "invalid_payload");
    EXPECT_EQ(deliver("{\"entry\":[").status, 400);
    // Unknown fields and kinds are acknowledged.
    EXPECT_EQ(deliver(R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update",)"
                      R"("value":{"event":"VERIFIED_ACCOUNT"}}]}]})").status,
              200);
    EXPECT_EQ(daemon_->http().get("/healthz").status, 200);
}

TEST_F(WhatsappEndToEnd, EveryMessageTypeGoesThroughThePipelineToMqtt) {
    MqttProbe probe("omnigate/v1/#");
    const std::string phone = uniquePhone();
    graph_->addMedia("e2e-img-" + phone, "image/jpeg", "JPEG" + phone);
    graph_->addMedia("e2e-aud-" + phone, "audio/ogg", "OGG" + phone);
    graph_->addMedia("e2e-vid-" + phone, "video/mp4", "MP4" + phone);
    graph_->addMedia("e2e-doc-" + phone, "application/pdf", "PDF" + phone);
    graph_->addMedia("e2e-stk-" + phone, "image/webp", "WEBP" + phone);
    const std::string target = "wamid.target" + phone;
    const std::vector<std::tuple<std::string, std::string, std::string, bool>> cases{
        {"text", R"("text":{"body":"Does it come in another color?"})", "Does it come in another color?", false},
        {"image", R"("image":{"caption":"Broken lid","mime_type":"image/jpeg","sha256":"x","id":"e2e-img-)" + phone + "\"}",
         "Broken lid", true},
        {"audio", R"("audio":{"mime_type":"audio/ogg","sha256":"x","id":"e2e-aud-)" + phone + R"(","voice":true})",
         "[voice message]", true},
        {"video", R"("video":{"mime_type":"video/mp4","sha256":"x","id":"e2e-vid-)" + phone + "\"}", "[video]", true},
        {"document", R"("document":{"filename":"invoice.pdf","mime_type":"application/pdf","id":"e2e-doc-)" + phone + "\"}",
         "[document: invoice.pdf]", true},
        {"sticker", R"("sticker":{"mime_type":"image/webp","animated":false,"id":"e2e-stk-)" + phone + "\"}", "[sticker]",
         true},
        {"location", R"("location":{"latitude":37.483307,"longitude":-122.148981,"name":"Philz Coffee","address":"1 Hacker Way"})",
         "📍 37.483307,-122.148981 Philz Coffee 1 Hacker Way", false},
        {"contacts", R"("contacts":[{"name":{"formatted_name":"Barbara J. Johnson"},"phones":[{"phone":"+1 940 555 1234"}]}])",
         "👤 Barbara J. Johnson: +1 940 555 1234", false},
        {"reaction", R"("reaction":{"message_id":")" + target + R"(","emoji":"👍"})", "reacted 👍 to " + target, false},
        {"button", R"("button":{"payload":"YES","text":"Yes, call me"})", "Yes, call me", false},
        {"interactive", R"("interactive":{"type":"button_reply","button_reply":{"id":"b1","title":"Track order"}})",
         "Track order", false},
        {"interactive", R"("interactive":{"type":"list_reply","list_reply":{"id":"l1","title":"Express","description":"Next day"}})",
         "Express — Next day", false}};

    std::vector<std::string> wamids;
    for (const auto& [type, content, expected, media] : cases) {
        const std::string wamid = "wamid." + uniqueId();
        wamids.push_back(wamid);
        const HttpResult r = deliver(inbound(phone, "Sheena Nelson", wamid, type, content));
        ASSERT_EQ(r.status, 200) << type << ": " << r.body;
        // Durable before the answer.
        EXPECT_EQ(db_.text("SELECT body FROM messages WHERE external_id = " + sqlQuoted(wamid)), expected) << type;
        const std::string attachments =
            db_.text("SELECT COALESCE(attachments, '') FROM messages WHERE external_id = " + sqlQuoted(wamid));
        EXPECT_EQ(!attachments.empty(), media) << type << ": " << attachments;
    }
    const std::int64_t interaction = db_.scalar("SELECT interaction_id FROM messages WHERE external_id = " + sqlQuoted(wamids[0]));
    ASSERT_GT(interaction, 0);
    EXPECT_EQ(db_.scalar("SELECT COUNT(DISTINCT interaction_id) FROM messages WHERE external_id IN (" +
                         [&] {
                             std::string list;
                             for (const auto& w : wamids) list += (list.empty() ? "" : ",") + sqlQuoted(w);
                             return list;
                         }() + ")"),
              1);
    EXPECT_EQ(db_.text("SELECT c.name FROM clients c JOIN client_addresses a ON a.client_id = c.id "
                       "WHERE a.kind = 'whatsapp' AND a.value = '+" + phone + "'"),
              "Sheena Nelson");

    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    const auto created = probe.waitFor(
        [&](const ReceivedMessage& m) { return m.topic == topic && eventType(m) == "message.created"; }, cases.size(), 15s);
    ASSERT_EQ(created.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        EXPECT_EQ(eventData(created[i])->getValue<std::string>("external_id"), wamids[i]);
        EXPECT_EQ(eventData(created[i])->getValue<std::string>("text"), std::get<2>(cases[i]));
        EXPECT_EQ(eventData(created[i])->getValue<std::string>("channel"), "whatsapp");
    }
    const std::int64_t client = db_.scalar("SELECT client_id FROM messages WHERE external_id = " + sqlQuoted(wamids[0]));
    EXPECT_EQ(probe.waitFor([&](const ReceivedMessage& m) {
                       return m.topic == "omnigate/v1/clients/" + std::to_string(client) + "/events" &&
                              eventType(m) == "client.created";
                   }, 1, 10s).size(), 1u);
}

TEST_F(WhatsappEndToEnd, UserIdOnlySenderIsAClientToo) {
    const std::string userId = "US." + uniquePhone();
    const std::string wamid = "wamid." + uniqueId();
    ASSERT_EQ(deliver(envelope(R"("contacts":[{"profile":{"name":"Jo Username"},"user_id":")" + userId +
                               R"("}],"messages":[{"id":")" + wamid + R"(","timestamp":"1","type":"text","text":{"body":"no number"}}])"))
                  .status,
              200);
    EXPECT_EQ(db_.text("SELECT c.name FROM clients c JOIN messages m ON m.client_id = c.id WHERE m.external_id = " +
                       sqlQuoted(wamid)),
              "Jo Username");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM client_addresses WHERE kind = 'whatsapp_user' AND value = " + sqlQuoted(userId)), 1);
}

TEST_F(WhatsappEndToEnd, ProviderRetryAndConcurrentDuplicatesAreStoredOnce) {
    const std::string phone = uniquePhone();
    const std::string wamid = "wamid." + uniqueId();
    graph_->addMedia("dup-" + phone, "image/png", "PNG" + phone);
    const std::string body = inbound(phone, "Dup", wamid, "image", R"("image":{"mime_type":"image/png","id":"dup-)" + phone + "\"}");
    ASSERT_EQ(deliver(body).status, 200);
    ASSERT_EQ(deliver(body).status, 200);
    constexpr int kCopies = 8;
    std::vector<int> statuses(kCopies);
    std::vector<std::thread> threads;
    const std::string other = "wamid." + uniqueId();
    const std::string concurrent = textOf(phone, other, "at once");
    for (int i = 0; i < kCopies; ++i) threads.emplace_back([&, i] { statuses[i] = deliver(concurrent).status; });
    for (auto& t : threads) t.join();
    for (int s : statuses) EXPECT_EQ(s, 200);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE external_id = " + sqlQuoted(wamid)), 1);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE external_id = " + sqlQuoted(other)), 1);
    // The retry did not fetch the media again.
    EXPECT_EQ(graph_->requests("/media-bytes/dup-" + phone).size(), 1u);
}

TEST_F(WhatsappEndToEnd, MediaIsInTheFileStore) {
    const std::string phone = uniquePhone();
    const std::string wamid = "wamid." + uniqueId();
    const std::string bytes = "PDF-BYTES-" + uniqueId();
    graph_->addMedia("file-" + phone, "application/pdf", bytes);
    ASSERT_EQ(deliver(inbound(phone, "Filer", wamid, "document",
                              R"("document":{"filename":"contract.pdf","mime_type":"application/pdf","id":"file-)" + phone + "\"}"))
                  .status,
              200);
    const auto attachments = Poco::JSON::Parser()
                                 .parse(db_.text("SELECT attachments FROM messages WHERE external_id = " + sqlQuoted(wamid)))
                                 .extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(attachments->size(), 1u);
    const auto file = attachments->getObject(0);
    EXPECT_EQ(file->getValue<std::string>("name"), "contract.pdf");
    EXPECT_EQ(file->getValue<std::string>("mime_type"), "application/pdf");
    const HttpResult download = admin("GET", "/api/v1/files/" + file->getValue<std::string>("file_id"));
    ASSERT_EQ(download.status, 200);
    EXPECT_EQ(download.body, bytes);
    // Both Graph calls (the metadata, then the bytes) carried the bearer token.
    for (const auto& r : graph_->requests("file-" + phone)) EXPECT_EQ(r.authorization, "Bearer " + accessToken);
    EXPECT_EQ(graph_->requests("/v19.0/file-" + phone).size(), 1u);
}

// The media download carries the access token: it goes to an https:// URL or to graph_url's own origin, never to
// a plain http URL elsewhere that the metadata names (here a second server, which would have answered the bytes).
TEST_F(WhatsappEndToEnd, MediaUrlOffTheGraphOriginWithoutHttpsGetsNoToken) {
    FakeGraphApi elsewhere(accessToken);
    const std::string phone = uniquePhone();
    const std::string wamid = "wamid." + uniqueId();
    elsewhere.addMedia("away-" + phone, "image/png", "PNG-AWAY");
    graph_->addMedia("away-" + phone, "image/png", "PNG-AWAY", elsewhere.baseUrl());
    ASSERT_EQ(deliver(inbound(phone, "Faraway", wamid, "image",
                              R"("image":{"caption":"look","mime_type":"image/png","id":"away-)" + phone + "\"}"))
                  .status,
              200);
    EXPECT_EQ(graph_->requests("/v19.0/away-" + phone).size(), 1u);
    EXPECT_TRUE(elsewhere.requests().empty()) << elsewhere.requests().front().authorization;
    const std::string body = db_.text("SELECT body FROM messages WHERE external_id = " + sqlQuoted(wamid));
    EXPECT_NE(body.find("could not be kept"), std::string::npos) << body;
    EXPECT_NE(body.find("https://"), std::string::npos) << body;
    EXPECT_EQ(db_.text("SELECT COALESCE(attachments, '') FROM messages WHERE external_id = " + sqlQuoted(wamid)), "");
}

TEST_F(WhatsappEndToEnd, FailedMediaIsStoredThenRetriedAndAttached) {
    MqttProbe probe("omnigate/v1/#");
    const std::string phone = uniquePhone();
    const std::string wamid = "wamid." + uniqueId();
    const std::string bytes = "LATE-JPEG-" + uniqueId();
    graph_->addMedia("late-" + phone, "image/jpeg", bytes);
    graph_->failMediaDownloads("late-" + phone, 2);
    ASSERT_EQ(deliver(inbound(phone, "Patient", wamid, "image",
                              R"("image":{"caption":"see this","mime_type":"image/jpeg","id":"late-)" + phone + "\"}"))
                  .status,
              200);
    EXPECT_NE(db_.text("SELECT body FROM messages WHERE external_id = " + sqlQuoted(wamid)).find("still being downloaded"),
              std::string::npos);
    EXPECT_EQ(db_.text("SELECT COALESCE(attachments, '') FROM messages WHERE external_id = " + sqlQuoted(wamid)), "");
    const std::int64_t interaction = db_.scalar("SELECT interaction_id FROM messages WHERE external_id = " + sqlQuoted(wamid));
    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    const auto updated = probe.waitFor(
        [&](const ReceivedMessage& m) {
            return m.topic == topic && eventType(m) == "message.updated" && eventData(m)->has("attachments");
        },
        1, 20s);
    ASSERT_EQ(updated.size(), 1u);
    EXPECT_EQ(eventData(updated[0])->getValue<std::string>("text"), "see this");
    const std::string fileId = eventData(updated[0])->getArray("attachments")->getObject(0)->getValue<std::string>("file_id");
    EXPECT_EQ(admin("GET", "/api/v1/files/" + fileId).body, bytes);
    EXPECT_EQ(db_.text("SELECT body FROM messages WHERE external_id = " + sqlQuoted(wamid)), "see this");
    EXPECT_EQ(graph_->requests("/media-bytes/late-" + phone).size(), 3u);
}

TEST_F(WhatsappEndToEnd, OutboundTextAndStatusesUpdateTheMessage) {
    MqttProbe probe("omnigate/v1/#");
    const std::string phone = uniquePhone();
    const std::int64_t interaction = clientWrites(phone);
    ASSERT_GT(interaction, 0);
    const HttpResult sent = reply(interaction, R"({"text":"We are on it"})");
    ASSERT_EQ(sent.status, 201) << sent.body;
    const auto message = sent.json();
    EXPECT_EQ(message->getValue<std::string>("status"), "sent");
    const std::string wamid = message->getValue<std::string>("external_id");
    ASSERT_EQ(wamid.rfind("wamid.FAKE", 0), 0u) << wamid;
    const auto out = graph_->sentMessages().back();
    EXPECT_EQ(out->getValue<std::string>("to"), phone);
    EXPECT_EQ(out->getObject("text")->getValue<std::string>("body"), "We are on it");

    const std::string id = std::to_string(message->getValue<std::int64_t>("id"));
    ASSERT_EQ(deliver(envelope(R"("statuses":[{"id":")" + wamid + R"(","status":"delivered","timestamp":"1","recipient_id":")" +
                               phone + R"("}])")).status,
              200);
    EXPECT_EQ(db_.text("SELECT status FROM messages WHERE id = " + id), "delivered");
    ASSERT_EQ(deliver(envelope(R"("statuses":[{"id":")" + wamid + R"(","status":"read","timestamp":"2","recipient_id":")" +
                               phone + R"("}])")).status,
              200);
    EXPECT_EQ(db_.text("SELECT status FROM messages WHERE id = " + id), "read");
    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) { return m.topic == topic && eventType(m) == "message.status"; }, 3, 10s);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(eventData(events[0])->getValue<std::string>("status"), "sent");
    EXPECT_EQ(eventData(events[1])->getValue<std::string>("status"), "delivered");
    EXPECT_EQ(eventData(events[2])->getValue<std::string>("status"), "read");

    // A failure reported later carries Meta's code and text.
    const HttpResult second = reply(interaction, R"({"text":"Still there?"})");
    const std::string secondWamid = second.json()->getValue<std::string>("external_id");
    ASSERT_EQ(deliver(envelope(R"("statuses":[{"id":")" + secondWamid + R"(","status":"failed","timestamp":"3",)"
                               R"("recipient_id":"1","errors":[{"code":131026,"title":"Message undeliverable"}]}])")).status,
              200);
    const auto row = db_.rows("SELECT status, error_code, error_text FROM messages WHERE external_id = " + sqlQuoted(secondWamid));
    ASSERT_EQ(row.size(), 1u);
    EXPECT_EQ(row[0][0], "failed");
    EXPECT_EQ(row[0][1], "131026");
    EXPECT_EQ(row[0][2], "Message undeliverable");
}

TEST_F(WhatsappEndToEnd, OutboundMediaIsUploadedThenSent) {
    const std::int64_t interaction = clientWrites(uniquePhone());
    const std::string bytes = "\x89PNG\r\n\x1a\n" + uniqueId();  // an image/png upload must begin as one
    const HttpResult file = daemon_->http().request("POST", "/api/v1/files?name=plan.png", bytes,
                                                    {{"Authorization", "Bearer " + daemon_->adminToken()},
                                                     {"Content-Type", "image/png"}});
    ASSERT_EQ(file.status, 201) << file.body;
    const std::string fileId = file.json()->getValue<std::string>("id");
    const HttpResult sent = reply(interaction, R"({"text":"The plan","attachments":[")" + fileId + "\"]}");
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_EQ(sent.json()->getValue<std::string>("status"), "sent") << sent.body;
    const auto out = graph_->sentMessages().back();
    EXPECT_EQ(out->getValue<std::string>("type"), "image");
    const std::string mediaId = out->getObject("image")->getValue<std::string>("id");
    EXPECT_EQ(out->getObject("image")->getValue<std::string>("caption"), "The plan");
    const auto uploads = graph_->uploads();
    ASSERT_EQ(uploads.count(mediaId), 1u);
    EXPECT_EQ(uploads.at(mediaId).bytes, bytes);
    EXPECT_EQ(uploads.at(mediaId).mimeType, "image/png");
}

TEST_F(WhatsappEndToEnd, ProviderErrorsAreMapped) {
    const std::int64_t interaction = clientWrites(uniquePhone());

    graph_->failMessages(131047);
    const HttpResult reengage = reply(interaction, R"({"text":"late"})");
    ASSERT_EQ(reengage.status, 201) << reengage.body;
    EXPECT_EQ(reengage.json()->getValue<std::string>("status"), "failed");
    EXPECT_EQ(reengage.json()->getValue<std::string>("error_code"), "131047");
    EXPECT_NE(reengage.json()->getValue<std::string>("error_text").find("template"), std::string::npos);

    graph_->failMessages(130429, 2);
    const HttpResult limited = reply(interaction, R"({"text":"after the limit"})");
    EXPECT_EQ(limited.json()->getValue<std::string>("status"), "sent") << limited.body;

    graph_->failMessages(500, 3);
    const HttpResult broken = reply(interaction, R"({"text":"server down"})");
    EXPECT_EQ(broken.json()->getValue<std::string>("status"), "failed");

    graph_->failMessages(190);
    const HttpResult expired = reply(interaction, R"({"text":"token"})");
    EXPECT_EQ(expired.json()->getValue<std::string>("status"), "failed");
    EXPECT_EQ(expired.json()->getValue<std::string>("error_code"), "190");
    // The core counts a plugin's component as degraded (still serving), with the reason under its name.
    const HttpResult notReady = daemon_->http().get("/readyz");
    EXPECT_EQ(notReady.json()->getValue<std::string>("status"), "degraded") << notReady.body;
    ASSERT_TRUE(notReady.json()->getObject("checks")->has("whatsapp/demo")) << notReady.body;
    EXPECT_NE(notReady.json()->getObject("checks")->getValue<std::string>("whatsapp/demo").find("access token"),
              std::string::npos);
    // A token that works again (the next call succeeds) makes the account ready again.
    EXPECT_EQ(reply(interaction, R"({"text":"fine again"})").json()->getValue<std::string>("status"), "sent");
    const HttpResult ready = daemon_->http().get("/readyz");
    EXPECT_FALSE(ready.json()->getObject("checks")->has("whatsapp/demo")) << ready.body;
}

TEST_F(WhatsappEndToEnd, OutsideTheWindowOnlyATemplateGoesOut) {
    const std::string phone = uniquePhone();
    const std::int64_t interaction = clientWrites(phone, "an old question");
    db_.execute("UPDATE messages SET created_at = NOW(3) - INTERVAL 25 HOUR WHERE interaction_id = " +
                std::to_string(interaction));
    const std::int64_t before = db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + std::to_string(interaction));
    const std::size_t sentBefore = graph_->sentMessages().size();

    const HttpResult refused = reply(interaction, R"({"text":"Sorry for the delay"})");
    ASSERT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(refused.json()->getObject("error")->getValue<std::string>("code"), "outside_customer_service_window");
    EXPECT_NE(refused.body.find("template"), std::string::npos);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + std::to_string(interaction)), before);
    EXPECT_EQ(graph_->sentMessages().size(), sentBefore);

    const std::string name = "follow_up_" + uniquePhone();
    ASSERT_EQ(admin("POST", "/api/v1/whatsapp/templates",
                    R"({"name":")" + name + R"(","language":"en_US","category":"UTILITY",)"
                    R"("body":"Hello {{1}}, we answered your question: {{2}}","status":"APPROVED"})").status,
              201);
    const HttpResult wrongCount = reply(interaction, R"({"template":{"name":")" + name +
                                                         R"(","language":"en_US","parameters":["Ann"]}})");
    EXPECT_EQ(wrongCount.status, 400) << wrongCount.body;
    EXPECT_NE(wrongCount.body.find("template.parameters"), std::string::npos);
    EXPECT_EQ(reply(interaction, R"({"template":{"name":"no_such_template","language":"en_US","parameters":[]}})").status, 400);

    const HttpResult ok = reply(interaction, R"({"template":{"name":")" + name +
                                                 R"(","language":"en_US","parameters":["Ann","see the FAQ"]}})");
    ASSERT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(ok.json()->getValue<std::string>("text"), "Hello Ann, we answered your question: see the FAQ");
    EXPECT_EQ(ok.json()->getValue<std::string>("status"), "sent");
    const auto out = graph_->sentMessages().back();
    EXPECT_EQ(out->getValue<std::string>("type"), "template");
    EXPECT_EQ(out->getObject("template")->getValue<std::string>("name"), name);
    EXPECT_EQ(out->getObject("template")->getArray("components")->getObject(0)->getArray("parameters")->getObject(1)
                  ->getValue<std::string>("text"),
              "see the FAQ");

    // The client answers: free text is fine again.
    clientWrites(phone, "thanks");
    EXPECT_EQ(reply(interaction, R"({"text":"You are welcome"})").status, 201);
}

TEST_F(WhatsappEndToEnd, OutboundInteractionToAQuietClientNeedsATemplate) {
    const std::string phone = uniquePhone();
    const std::int64_t earlier = clientWrites(phone, "a question last week");
    ASSERT_EQ(admin("POST", "/api/v1/interactions/" + std::to_string(earlier) + "/close", R"({"resolution":"answered"})").status,
              200);
    db_.execute("UPDATE messages SET created_at = NOW(3) - INTERVAL 7 DAY WHERE interaction_id = " + std::to_string(earlier));
    const std::int64_t client = db_.scalar("SELECT client_id FROM interactions WHERE id = " + std::to_string(earlier));
    const std::string start = R"({"client_id":)" + std::to_string(client) + R"(,"channel":"whatsapp","account":"demo",)";

    const HttpResult refused = admin("POST", "/api/v1/interactions", start + R"("text":"Any news?"})");
    ASSERT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(refused.json()->getObject("error")->getValue<std::string>("code"), "outside_customer_service_window");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE client_id = " + std::to_string(client)), 1);

    const std::string name = "reminder_" + uniquePhone();
    ASSERT_EQ(admin("POST", "/api/v1/whatsapp/templates",
                    R"({"name":")" + name + R"(","language":"ru","category":"UTILITY","body":"Напоминаем: {{1}}",)"
                    R"("status":"APPROVED","accounts":["demo"]})").status,
              201);
    const HttpResult started = admin("POST", "/api/v1/interactions",
                                     start + R"("template":{"name":")" + name + R"(","language":"ru","parameters":["заказ готов"]}})");
    ASSERT_EQ(started.status, 201) << started.body;
    EXPECT_EQ(started.json()->getObject("message")->getValue<std::string>("text"), "Напоминаем: заказ готов");
    EXPECT_EQ(started.json()->getObject("message")->getValue<std::string>("status"), "sent");
    const auto out = graph_->sentMessages().back();
    EXPECT_EQ(out->getValue<std::string>("to"), phone);
    EXPECT_EQ(out->getObject("template")->getValue<std::string>("name"), name);
    EXPECT_EQ(out->getObject("template")->getObject("language")->getValue<std::string>("code"), "ru");
}

// The URL's account vouches only for what its own app secret signed. One Meta app (one secret) may deliver all its
// numbers' webhooks to one URL, so a number of the same app is routed; a number of another app's account, named in
// a payload signed with this app's secret, is not: its message, status and template review are dropped (200, as
// Meta expects, and logged).
TEST_F(WhatsappEndToEnd, WebhooksReachOnlyAccountsWhoseAppSecretSignedThem) {
    // The other app's client writes, signed with the other app's secret: stored for "other".
    const std::string phone = uniquePhone();
    const std::string wamid = "wamid." + uniqueId();
    const std::string own = textOf(phone, wamid, "hello", otherPhoneNumberId);
    ASSERT_EQ(webhook(own, signWhatsappWebhook(otherAppSecret, own), "other").status, 200);
    const std::int64_t interaction = db_.scalar("SELECT interaction_id FROM messages WHERE external_id = " + sqlQuoted(wamid));
    ASSERT_GT(interaction, 0);
    EXPECT_EQ(db_.text("SELECT account FROM messages WHERE external_id = " + sqlQuoted(wamid)), "other");
    const HttpResult sent = reply(interaction, R"({"text":"We are on it"})");
    ASSERT_EQ(sent.status, 201) << sent.body;
    const std::string outbound = sent.json()->getValue<std::string>("external_id");
    ASSERT_EQ(db_.text("SELECT status FROM messages WHERE external_id = " + sqlQuoted(outbound)), "sent");

    // Whoever holds the first app's secret names the other app's number: a message, a status and a review.
    const std::string forged = "wamid." + uniqueId();
    const HttpResult message = deliver(textOf(uniquePhone(), forged, "forged", otherPhoneNumberId));
    ASSERT_EQ(message.status, 200) << message.body;
    EXPECT_EQ(message.json()->getValue<int>("messages"), 0) << message.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE external_id = " + sqlQuoted(forged)), 0);
    const HttpResult status = deliver(envelope(R"("statuses":[{"id":")" + outbound + R"(","status":"failed","timestamp":"3",)"
                                               R"("recipient_id":")" + phone + R"(","errors":[{"code":131026,"title":"x"}]}])",
                                               otherPhoneNumberId));
    ASSERT_EQ(status.status, 200) << status.body;
    EXPECT_EQ(status.json()->getValue<int>("statuses"), 0) << status.body;
    EXPECT_EQ(db_.text("SELECT status FROM messages WHERE external_id = " + sqlQuoted(outbound)), "sent");

    const std::string name = "other_only_" + uniquePhone();
    const std::string path = "/api/v1/whatsapp/templates/" + name + "/en";
    ASSERT_EQ(admin("POST", "/api/v1/whatsapp/templates",
                    R"({"name":")" + name + R"(","language":"en","category":"UTILITY","body":"Hi","accounts":["other"]})")
                  .status,
              201);
    const std::string review = R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":)"
                               R"("message_template_status_update","value":{"event":"APPROVED","message_template_id":1,)"
                               R"("message_template_name":")" + name + R"(","message_template_language":"en","reason":"NONE"}}]}]})";
    ASSERT_EQ(deliver(review).status, 200);
    EXPECT_EQ(admin("GET", path).json()->getValue<std::string>("status"), "PENDING");
    const std::string log = daemon_->log();
    EXPECT_NE(log.find("whose app_secret did not sign this webhook: dropped"), std::string::npos);
    EXPECT_NE(log.find("came signed by no account the template is registered for: dropped"), std::string::npos);
    // Signed by the other app, the same review applies.
    ASSERT_EQ(webhook(review, signWhatsappWebhook(otherAppSecret, review), "other").status, 200);
    EXPECT_EQ(admin("GET", path).json()->getValue<std::string>("status"), "APPROVED");

    // A second number of the first app, same secret, same URL: routed to its account.
    const std::string sibling = "wamid." + uniqueId();
    ASSERT_EQ(deliver(textOf(uniquePhone(), sibling, "hi", siblingPhoneNumberId)).status, 200);
    EXPECT_EQ(db_.text("SELECT account FROM messages WHERE external_id = " + sqlQuoted(sibling)), "sibling");
}

TEST_F(WhatsappEndToEnd, TemplatesRegistry) {
    const std::string name = "welcome_" + uniquePhone();
    const std::string path = "/api/v1/whatsapp/templates/" + name + "/ru";
    EXPECT_EQ(daemon_->http().get("/api/v1/whatsapp/templates").status, 401);
    const HttpResult bad = admin("POST", "/api/v1/whatsapp/templates",
                                 R"({"name":")" + name + R"(","language":"ru","category":"SPAM","body":"x"})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("'category'"), std::string::npos);
    EXPECT_EQ(admin("POST", "/api/v1/whatsapp/templates",
                    R"({"name":")" + name + R"(","language":"ru","category":"MARKETING","body":"Hi {{2}}"})").status,
              400);
    const HttpResult created = admin("POST", "/api/v1/whatsapp/templates",
                                     R"({"name":")" + name + R"(","language":"ru","category":"MARKETING",)"
                                     R"("body":"Здравствуйте, {{1}}!","accounts":["demo"]})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()->getValue<std::string>("status"), "PENDING");
    EXPECT_EQ(created.json()->getValue<int>("parameter_count"), 1);
    EXPECT_EQ(admin("POST", "/api/v1/whatsapp/templates",
                    R"({"name":")" + name + R"(","language":"ru","category":"MARKETING","body":"again"})").status,
              409);
    EXPECT_EQ(admin("GET", path).json()->getValue<std::string>("body"), "Здравствуйте, {{1}}!");
    bool listed = false;
    const auto list = admin("GET", "/api/v1/whatsapp/templates?status=PENDING").json()->getArray("templates");
    for (std::size_t i = 0; i < list->size(); ++i) listed |= list->getObject(i)->getValue<std::string>("name") == name;
    EXPECT_TRUE(listed);
    const HttpResult updated = admin("PUT", path, R"({"category":"MARKETING","body":"Привет, {{1}}!","status":"APPROVED","version":1})");
    ASSERT_EQ(updated.status, 200) << updated.body;
    EXPECT_EQ(updated.json()->getValue<int>("version"), 2);
    EXPECT_EQ(admin("PUT", path, R"({"category":"MARKETING","body":"x","version":1})").status, 409);
    // Meta's review webhook (message_template_status_update) moves the registered template's status.
    ASSERT_EQ(deliver(R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":)"
                      R"("message_template_status_update","value":{"event":"PAUSED","message_template_id":1,)"
                      R"("message_template_name":")" + name + R"(","message_template_language":"ru","reason":"NONE"}}]}]})")
                  .status,
              200);
    const HttpResult paused = admin("GET", path);
    EXPECT_EQ(paused.json()->getValue<std::string>("status"), "PAUSED");
    EXPECT_EQ(paused.json()->getValue<int>("version"), 3);
    EXPECT_EQ(admin("PUT", "/api/v1/whatsapp/templates/nothing_here/ru", R"({"category":"MARKETING","body":"x"})").status, 404);
    EXPECT_EQ(admin("DELETE", path).status, 204);
    EXPECT_EQ(admin("GET", path).status, 404);
    EXPECT_EQ(admin("DELETE", path).status, 404);
}

}  // namespace
}  // namespace omnigate::test
