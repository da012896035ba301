// The plugin as the core sees it, through a fake ChannelHost (routes, store, files, state) and against the fake Graph
// API of tests/support: the webhook handshake and signature, inbound messages and media (also when the download fails
// first), statuses, the 24-hour window and templates before sending, and sending with Meta's errors.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <map>
#include <mutex>

#include "omnigate/sdk/api_error.h"
#include "support/fake_graph_api.h"
#include "support/unused_host.h"
#include "whatsapp_plugin.h"

namespace omnigate::whatsapp {
namespace {

const std::string appSecret = "unit-app-secret";
const std::string verifyToken = "unit-verify-token";
const std::string accessToken = "unit-access-token";
const std::string phoneNumberId = "106540352242922";

struct Reply {
    int status = 0;
    std::string code;
    std::string body;
    std::string contentType;
};

class FakeHost : public test::UnusedChannelHost {
public:
    void log(LogLevel, const std::string& message) override {
        std::lock_guard<std::mutex> lock(mutex);
        logged.push_back(message);
    }
    const std::vector<AccountConfig>& accounts() const override { return accountList; }
    SubmitResult submitInbound(const InboundMessage& message) override {
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& stored : inbound) {
            if (stored.externalId == message.externalId) return {StoredMessage{}, true};
        }
        inbound.push_back(message);
        StoredMessage m;
        m.id = static_cast<std::int64_t>(inbound.size());
        m.externalId = message.externalId;
        return {m, false};
    }
    std::vector<StoredMessage> history(const std::string&, const Address& client, std::size_t) override {
        historyAsked = client;
        return conversation;
    }
    void updateDeliveryStatus(const StatusUpdate& update) override { statuses.push_back(update); }
    bool amendInbound(const InboundAmendment& amendment) override {
        std::lock_guard<std::mutex> lock(mutex);
        amendments.push_back(amendment);
        for (const auto& stored : inbound) {
            if (stored.externalId == amendment.externalId) return true;
        }
        return false;
    }
    void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) override {
        routes[method + " " + pattern] = std::move(handler);
    }
    // The core guards these before the handler: a test checks what each declares and calls it as admitted.
    void addGuardedRoute(const std::string& method, const std::string& pattern, RouteAccess access,
                         HttpHandler handler) override {
        guarded.emplace(method + " " + pattern, access);
        routes[method + " " + pattern] = std::move(handler);
    }
    Attachment storeFile(const std::string& bytes, const std::string& mimeType, const std::string& name) override {
        std::lock_guard<std::mutex> lock(mutex);
        Attachment a{"file-" + std::to_string(files.size() + 1), name, mimeType, bytes.size()};
        files[a.fileId] = File{a, bytes};
        return a;
    }
    std::optional<File> readFile(const std::string& fileId) override {
        std::lock_guard<std::mutex> lock(mutex);
        const auto found = files.find(fileId);
        if (found == files.end()) return std::nullopt;
        return found->second;
    }
    std::optional<std::string> loadState(const std::string& key) override {
        std::lock_guard<std::mutex> lock(mutex);
        const auto found = state.find(key);
        if (found == state.end()) return std::nullopt;
        return found->second;
    }
    void saveState(const std::string& key, const std::string& value) override {
        std::lock_guard<std::mutex> lock(mutex);
        state[key] = value;
    }
    void eraseState(const std::string& key) override {
        std::lock_guard<std::mutex> lock(mutex);
        state.erase(key);
    }
    std::vector<std::pair<std::string, std::string>> listState(const std::string& prefix) override {
        std::lock_guard<std::mutex> lock(mutex);
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [k, v] : state) {
            if (k.rfind(prefix, 0) == 0) out.emplace_back(k, v);
        }
        return out;
    }
    void setReadiness(const std::string& component, bool ready, const std::string& reason) override {
        readiness[component] = {ready, reason};
    }

    Reply call(const std::string& method, const std::string& pattern, HttpRequest request) {
        request.method = method;
        Reply reply;
        try {
            const HttpResponse response = routes.at(method + " " + pattern)(request);
            reply.status = response.status;
            reply.body = response.body;
            reply.contentType = response.contentType;
        } catch (const ApiError& e) {
            reply.status = e.status();
            reply.code = e.code();
            reply.body = e.what();
        }
        return reply;
    }

    std::mutex mutex;
    std::vector<AccountConfig> accountList;
    std::vector<std::string> logged;
    std::vector<InboundMessage> inbound;
    std::vector<StoredMessage> conversation;
    Address historyAsked;
    std::vector<StatusUpdate> statuses;
    std::vector<InboundAmendment> amendments;
    std::map<std::string, HttpHandler> routes;
    std::map<std::string, RouteAccess> guarded;
    std::map<std::string, File> files;
    std::map<std::string, std::string> state;
    std::map<std::string, std::pair<bool, std::string>> readiness;
};

std::string envelope(const std::string& valueFields) {
    return R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{)"
           R"("messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":")" +
           phoneNumberId + R"("},)" + valueFields + R"(},"field":"messages"}]}]})";
}

std::string textMessage(const std::string& wamid, const std::string& text) {
    return envelope(R"("contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],)"
                    R"("messages":[{"from":"16505551234","id":")" + wamid +
                    R"(","timestamp":"1749416383","type":"text","text":{"body":")" + text + "\"}}]");
}

std::string imageMessage(const std::string& wamid, const std::string& mediaId) {
    return envelope(R"("contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],)"
                    R"("messages":[{"from":"16505551234","id":")" + wamid + R"(","timestamp":"1","type":"image",)"
                    R"("image":{"caption":"the lid","mime_type":"image/jpeg","sha256":"x","id":")" + mediaId + "\"}}]");
}

std::string isoAgo(std::chrono::seconds ago) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - ago);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S.000Z", std::gmtime(&t));
    return buffer;
}

class WhatsappPluginTest : public ::testing::Test {
protected:
    void SetUp() override {
        host_.accountList.push_back(AccountConfig{
            "demo", ConfigNode::parseString("phone_number_id: '" + phoneNumberId + "'\napp_secret: " + appSecret +
                                                "\nverify_token: " + verifyToken + "\naccess_token: " + accessToken +
                                                "\ngraph_url: " + graph_.baseUrl() +
                                                "\nretry_backoff_ms: 1\nmedia_retry_seconds: 1\n"
                                                "media_max_attempts: 3\nrequest_timeout_ms: 5000\n",
                                            "test.yaml")});
        ASSERT_EQ(plugin_.load(host_).code, LoadResult::Code::Success);
    }

    Reply webhook(const std::string& body, const std::string& signature) {
        HttpRequest request;
        request.path = "/webhooks/whatsapp/demo";
        request.pathParams["account"] = "demo";
        request.body = body;
        if (!signature.empty()) request.headers["x-hub-signature-256"] = signature;
        return host_.call("POST", "/webhooks/whatsapp/{account}", request);
    }
    Reply signedWebhook(const std::string& body) { return webhook(body, test::signWhatsappWebhook(appSecret, body)); }

    Reply verify(const std::string& account, const std::string& mode, const std::string& token) {
        HttpRequest request;
        request.pathParams["account"] = account;
        request.query = {{"hub.mode", mode}, {"hub.challenge", "1158201444"}, {"hub.verify_token", token}};
        return host_.call("GET", "/webhooks/whatsapp/{account}", request);
    }

    OutboundMessage outbound(const std::string& text) {
        OutboundMessage m;
        m.messageId = 1;
        m.account = "demo";
        m.to = Address{"whatsapp", "+16505551234"};
        m.text = text;
        return m;
    }

    void openWindow() {
        StoredMessage m;
        m.direction = Direction::Inbound;
        m.author = AuthorKind::Client;
        m.createdAt = isoAgo(std::chrono::hours(2));
        host_.conversation = {m};
    }

    void addTemplate(const std::string& body, const std::string& status = "APPROVED") {
        HttpRequest request;
        request.body = R"({"name":"order_update","language":"en_US","category":"UTILITY","body":")" + body +
                       R"(","status":")" + status + "\"}";
        ASSERT_EQ(host_.call("POST", "/api/v1/whatsapp/templates", request).status, 201);
    }

    test::FakeGraphApi graph_{accessToken};
    FakeHost host_;
    WhatsappPlugin plugin_;
};

TEST_F(WhatsappPluginTest, SubscriptionCheck) {
    const Reply ok = verify("demo", "subscribe", verifyToken);
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "1158201444");
    EXPECT_EQ(ok.contentType, "text/plain");
    EXPECT_EQ(verify("demo", "subscribe", "wrong").status, 403);
    EXPECT_EQ(verify("demo", "unsubscribe", verifyToken).status, 403);
    EXPECT_EQ(verify("nobody", "subscribe", verifyToken).status, 404);
}

TEST_F(WhatsappPluginTest, WrongOrMissingSignatureStoresNothing) {
    const std::string body = textMessage("wamid.sig", "hello");
    EXPECT_EQ(webhook(body, "").code, "missing_signature");
    EXPECT_EQ(webhook(body, test::signWhatsappWebhook("another-secret", body)).status, 401);
    EXPECT_EQ(webhook(body + " ", test::signWhatsappWebhook(appSecret, body)).status, 401);
    EXPECT_TRUE(host_.inbound.empty());
}

TEST_F(WhatsappPluginTest, MalformedPayloadIs400) {
    const Reply reply = signedWebhook(R"({"entry":{"oops":1}})");
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.code, "invalid_payload");
    EXPECT_TRUE(host_.inbound.empty());
}

TEST_F(WhatsappPluginTest, TextIsStoredWithTheClientsNumberAndName) {
    const Reply reply = signedWebhook(textMessage("wamid.t1", "hello there"));
    ASSERT_EQ(reply.status, 200) << reply.body;
    ASSERT_EQ(host_.inbound.size(), 1u);
    const InboundMessage& m = host_.inbound[0];
    EXPECT_EQ(m.account, "demo");
    EXPECT_EQ(m.externalId, "wamid.t1");
    EXPECT_EQ(m.from.kind, "whatsapp");
    EXPECT_EQ(m.from.value, "16505551234");
    EXPECT_EQ(m.clientName, "Sheena Nelson");
    EXPECT_EQ(m.text, "hello there");
    // A retry by Meta answers 200 again and stores nothing new.
    EXPECT_EQ(signedWebhook(textMessage("wamid.t1", "hello there")).status, 200);
    EXPECT_EQ(host_.inbound.size(), 1u);
}

TEST_F(WhatsappPluginTest, UserIdOnlySenderIsAddressedByIt) {
    ASSERT_EQ(signedWebhook(envelope(R"("contacts":[{"profile":{"name":"Jo"},"user_id":"US.1349"}],)"
                                     R"("messages":[{"id":"wamid.u","type":"text","text":{"body":"hi"}}])"))
                  .status,
              200);
    ASSERT_EQ(host_.inbound.size(), 1u);
    EXPECT_EQ(host_.inbound[0].from.kind, "whatsapp_user");
    EXPECT_EQ(host_.inbound[0].from.value, "US.1349");
}

TEST_F(WhatsappPluginTest, MediaIsDownloadedIntoTheFileStore) {
    graph_.addMedia("media-1", "image/jpeg", "JPEGBYTES");
    ASSERT_EQ(signedWebhook(imageMessage("wamid.img", "media-1")).status, 200);
    ASSERT_EQ(host_.inbound.size(), 1u);
    ASSERT_EQ(host_.inbound[0].attachments.size(), 1u);
    EXPECT_EQ(host_.inbound[0].text, "the lid");
    EXPECT_EQ(host_.files.at(host_.inbound[0].attachments[0].fileId).bytes, "JPEGBYTES");
    EXPECT_EQ(host_.inbound[0].attachments[0].mimeType, "image/jpeg");
    // Both Graph calls carried the token.
    for (const auto& r : graph_.requests()) EXPECT_EQ(r.authorization, "Bearer " + accessToken) << r.path;
    // A retry of the webhook does not download again.
    const std::size_t calls = graph_.requests().size();
    ASSERT_EQ(signedWebhook(imageMessage("wamid.img", "media-1")).status, 200);
    EXPECT_EQ(graph_.requests().size(), calls);
}

TEST_F(WhatsappPluginTest, FailedMediaIsStoredPendingAndAttachedLater) {
    graph_.addMedia("media-2", "image/jpeg", "LATEBYTES");
    graph_.failMediaDownloads("media-2", 2);
    ASSERT_EQ(signedWebhook(imageMessage("wamid.late", "media-2")).status, 200);
    ASSERT_EQ(host_.inbound.size(), 1u);
    EXPECT_TRUE(host_.inbound[0].attachments.empty());
    EXPECT_NE(host_.inbound[0].text.find("still being downloaded"), std::string::npos);
    EXPECT_EQ(host_.listState("media/").size(), 1u);

    // Not due yet: nothing happens.
    EXPECT_EQ(plugin_.retryPendingMedia(), 0u);
    EXPECT_TRUE(host_.amendments.empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(plugin_.retryPendingMedia(), 0u);  // the second failure
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    EXPECT_EQ(plugin_.retryPendingMedia(), 1u);
    ASSERT_EQ(host_.amendments.size(), 1u);
    EXPECT_EQ(host_.amendments[0].externalId, "wamid.late");
    EXPECT_TRUE(host_.amendments[0].replaceText);
    EXPECT_EQ(host_.amendments[0].text, "the lid");
    ASSERT_EQ(host_.amendments[0].addAttachments.size(), 1u);
    EXPECT_EQ(host_.files.at(host_.amendments[0].addAttachments[0].fileId).bytes, "LATEBYTES");
    EXPECT_TRUE(host_.listState("media/").empty());
}

TEST_F(WhatsappPluginTest, MediaIsGivenUpAfterTheLastAttempt) {
    graph_.addMedia("media-3", "image/jpeg", "NEVER");
    graph_.failMediaDownloads("media-3", 100);
    ASSERT_EQ(signedWebhook(imageMessage("wamid.never", "media-3")).status, 200);
    for (int i = 0; i < 2; ++i) {
        for (auto& [key, value] : host_.state) {
            const auto at = value.find("\"next_attempt_at\":");
            if (at != std::string::npos) value.replace(at, value.find(',', at) - at, "\"next_attempt_at\":0");
        }
        plugin_.retryPendingMedia();
    }
    ASSERT_EQ(host_.amendments.size(), 1u);
    EXPECT_NE(host_.amendments[0].text.find("could not be downloaded"), std::string::npos);
    EXPECT_TRUE(host_.amendments[0].addAttachments.empty());
    EXPECT_TRUE(host_.listState("media/").empty());
}

TEST_F(WhatsappPluginTest, StatusesUpdateTheOutboundMessage) {
    ASSERT_EQ(signedWebhook(envelope(R"("statuses":[{"id":"wamid.out1","status":"read","recipient_id":"1"},)"
                                     R"({"id":"wamid.out2","status":"failed","recipient_id":"1","errors":[{"code":131026,)"
                                     R"("title":"Message undeliverable"}]}])"))
                  .status,
              200);
    ASSERT_EQ(host_.statuses.size(), 2u);
    EXPECT_EQ(host_.statuses[0].externalId, "wamid.out1");
    EXPECT_EQ(host_.statuses[0].status, DeliveryStatus::Read);
    EXPECT_EQ(host_.statuses[1].status, DeliveryStatus::Failed);
    EXPECT_EQ(host_.statuses[1].errorCode, "131026");
    EXPECT_EQ(host_.statuses[1].errorText, "Message undeliverable");
}

TEST_F(WhatsappPluginTest, PayloadOfAnotherNumberIsSkipped) {
    std::string body = textMessage("wamid.other", "x");
    body.replace(body.find(phoneNumberId), phoneNumberId.size(), "999");
    ASSERT_EQ(signedWebhook(body).status, 200);
    EXPECT_TRUE(host_.inbound.empty());
}

TEST_F(WhatsappPluginTest, FreeTextOutsideTheWindowIsRefused) {
    OutboundMessage m = outbound("hello");
    try {
        plugin_.prepareOutbound(m);
        FAIL() << "accepted outside the window";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 409);
        EXPECT_EQ(e.code(), "outside_customer_service_window");
        EXPECT_NE(std::string(e.what()).find("template"), std::string::npos);
    }
    EXPECT_EQ(host_.historyAsked.value, "+16505551234");
    StoredMessage old;
    old.direction = Direction::Inbound;
    old.createdAt = isoAgo(std::chrono::hours(25));
    host_.conversation = {old};
    EXPECT_THROW(plugin_.prepareOutbound(m), ApiError);
    openWindow();
    EXPECT_NO_THROW(plugin_.prepareOutbound(m));
}

TEST_F(WhatsappPluginTest, TemplatesAreCheckedAndRendered) {
    addTemplate("Hi {{1}}, order {{2}} is on its way.");
    OutboundMessage m = outbound("");
    m.templateName = "order_update";
    m.templateLanguage = "en_US";
    m.templateParameters = {"Ann"};
    EXPECT_THROW(plugin_.prepareOutbound(m), ApiError);  // one parameter short
    m.templateParameters = {"Ann", "42"};
    plugin_.prepareOutbound(m);  // outside the window: a template is fine
    EXPECT_EQ(m.text, "Hi Ann, order 42 is on its way.");
    m.templateLanguage = "de";
    try {
        plugin_.prepareOutbound(m);
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.code(), "unknown_template");
    }
}

TEST_F(WhatsappPluginTest, PendingTemplatesAreRefused) {
    addTemplate("Hello", "PENDING");
    OutboundMessage m = outbound("");
    m.templateName = "order_update";
    m.templateLanguage = "en_US";
    try {
        plugin_.prepareOutbound(m);
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), "template_not_approved");
    }
}

TEST_F(WhatsappPluginTest, MetasTemplateReviewUpdatesTheRegistry) {
    addTemplate("Hello", "PENDING");
    const auto review = [&](const std::string& event) {
        return signedWebhook(R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[)"
                             R"({"field":"message_template_status_update","value":{"event":")" + event +
                             R"(","message_template_name":"order_update","message_template_language":"en_US",)"
                             R"("reason":"NONE"}}]}]})");
    };
    ASSERT_EQ(review("APPROVED").status, 200);
    HttpRequest request;
    request.pathParams = {{"name", "order_update"}, {"language", "en_US"}};
    Reply got = host_.call("GET", "/api/v1/whatsapp/templates/{name}/{language}", request);
    EXPECT_NE(got.body.find("\"status\":\"APPROVED\""), std::string::npos) << got.body;
    EXPECT_NE(got.body.find("\"version\":2"), std::string::npos) << got.body;
    ASSERT_EQ(review("FLAGGED").status, 200);  // a warning only
    ASSERT_EQ(review("DISABLED").status, 200);
    got = host_.call("GET", "/api/v1/whatsapp/templates/{name}/{language}", request);
    EXPECT_NE(got.body.find("\"status\":\"REJECTED\""), std::string::npos) << got.body;
}

TEST_F(WhatsappPluginTest, SendsTextAndReturnsTheWamid) {
    const SendResult r = plugin_.send(outbound("Your order ships today"));
    EXPECT_EQ(r.status, DeliveryStatus::Sent);
    EXPECT_EQ(r.externalId, graph_.wamidOf(0));
    const auto sent = graph_.sentMessages();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0]->getValue<std::string>("to"), "16505551234");
    EXPECT_EQ(sent[0]->getObject("text")->getValue<std::string>("body"), "Your order ships today");
    EXPECT_EQ(graph_.requests("/messages")[0].path, "/v19.0/" + phoneNumberId + "/messages");
}

TEST_F(WhatsappPluginTest, SendsATemplateWithItsParameters) {
    OutboundMessage m = outbound("rendered");
    m.templateName = "order_update";
    m.templateLanguage = "en_US";
    m.templateParameters = {"Ann", "42"};
    ASSERT_EQ(plugin_.send(m).status, DeliveryStatus::Sent);
    const auto sent = graph_.sentMessages();
    ASSERT_EQ(sent.size(), 1u);
    const auto tmpl = sent[0]->getObject("template");
    EXPECT_EQ(tmpl->getValue<std::string>("name"), "order_update");
    EXPECT_EQ(tmpl->getObject("language")->getValue<std::string>("code"), "en_US");
    const auto parameters = tmpl->getArray("components")->getObject(0)->getArray("parameters");
    ASSERT_EQ(parameters->size(), 2u);
    EXPECT_EQ(parameters->getObject(1)->getValue<std::string>("text"), "42");
}

TEST_F(WhatsappPluginTest, SendsMediaUploadedFirstWithTheTextAsCaption) {
    const Attachment photo = host_.storeFile("PNGDATA", "image/png", "photo.png");
    const Attachment voice = host_.storeFile("OGGDATA", "audio/ogg", "note.ogg");
    OutboundMessage m = outbound("Here it is");
    m.attachments = {voice, photo};
    const SendResult r = plugin_.send(m);
    ASSERT_EQ(r.status, DeliveryStatus::Sent) << r.errorText;
    const auto uploads = graph_.uploads();
    ASSERT_EQ(uploads.size(), 2u);
    EXPECT_EQ(uploads.at("upload1").bytes, "OGGDATA");
    EXPECT_EQ(uploads.at("upload2").mimeType, "image/png");
    EXPECT_EQ(uploads.at("upload2").fileName, "photo.png");
    const auto sent = graph_.sentMessages();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0]->getValue<std::string>("type"), "audio");
    EXPECT_FALSE(sent[0]->getObject("audio")->has("caption"));
    EXPECT_EQ(sent[1]->getValue<std::string>("type"), "image");
    EXPECT_EQ(sent[1]->getObject("image")->getValue<std::string>("id"), "upload2");
    EXPECT_EQ(sent[1]->getObject("image")->getValue<std::string>("caption"), "Here it is");
    EXPECT_EQ(r.externalId, graph_.wamidOf(0));
}

TEST_F(WhatsappPluginTest, ReEngagementErrorTellsToUseATemplate) {
    graph_.failMessages(131047);
    const SendResult r = plugin_.send(outbound("late"));
    EXPECT_EQ(r.status, DeliveryStatus::Failed);
    EXPECT_EQ(r.errorCode, "131047");
    EXPECT_NE(r.errorText.find("template"), std::string::npos);
}

TEST_F(WhatsappPluginTest, RateLimitsAreRetried) {
    graph_.failMessages(130429, 2);
    const SendResult r = plugin_.send(outbound("patience"));
    EXPECT_EQ(r.status, DeliveryStatus::Sent) << r.errorText;
    EXPECT_EQ(graph_.requests("/messages").size(), 3u);
    graph_.failMessages(131056, 3);
    const SendResult gaveUp = plugin_.send(outbound("too much"));
    EXPECT_EQ(gaveUp.status, DeliveryStatus::Failed);
    EXPECT_EQ(gaveUp.errorCode, "131056");
    EXPECT_NE(gaveUp.errorText.find("3 attempt"), std::string::npos);
}

TEST_F(WhatsappPluginTest, ServerErrorsAreRetriedThenFail) {
    graph_.failMessages(500, 3);
    const SendResult r = plugin_.send(outbound("x"));
    EXPECT_EQ(r.status, DeliveryStatus::Failed);
    EXPECT_EQ(graph_.requests("/messages").size(), 3u);
}

TEST_F(WhatsappPluginTest, ExpiredTokenMakesTheAccountNotReady) {
    graph_.failMessages(190);
    const SendResult r = plugin_.send(outbound("x"));
    EXPECT_EQ(r.status, DeliveryStatus::Failed);
    EXPECT_EQ(r.errorCode, "190");
    ASSERT_EQ(host_.readiness.count("demo"), 1u);
    EXPECT_FALSE(host_.readiness["demo"].first);
    EXPECT_EQ(graph_.requests("/messages").size(), 1u);  // never retried
    // The next successful call makes it ready again.
    EXPECT_EQ(plugin_.send(outbound("y")).status, DeliveryStatus::Sent);
    EXPECT_TRUE(host_.readiness["demo"].first);
}

TEST_F(WhatsappPluginTest, OtherErrorsFailWithCodeAndMessage) {
    graph_.failMessages(131026);
    const SendResult r = plugin_.send(outbound("x"));
    EXPECT_EQ(r.status, DeliveryStatus::Failed);
    EXPECT_EQ(r.errorCode, "131026");
    EXPECT_NE(r.errorText.find("131026"), std::string::npos);
    OutboundMessage email = outbound("x");
    email.to = Address{"email", "a@b.c"};
    EXPECT_EQ(plugin_.send(email).errorCode, "bad_address");
}

TEST_F(WhatsappPluginTest, TemplatesAreReadByOperatorsKeptByAdministratorsAndValidated) {
    for (const auto& [route, access] : host_.guarded) {
        const bool reads = route.rfind("GET ", 0) == 0;
        EXPECT_EQ(access.permission, reads ? Permission::CatalogsRead : Permission::CatalogsWrite) << route;
    }
    EXPECT_EQ(host_.guarded.size(), 5u);
    HttpRequest request;
    request.body = R"({"name":"a","language":"en","category":"UTILITY","body":"x"})";
    EXPECT_EQ(host_.call("POST", "/api/v1/whatsapp/templates", request).status, 201);
    EXPECT_EQ(host_.call("POST", "/api/v1/whatsapp/templates", request).status, 409);
    request.pathParams = {{"name", "a"}, {"language", "en"}};
    request.body = R"({"category":"MARKETING","body":"y {{1}}","version":7})";
    EXPECT_EQ(host_.call("PUT", "/api/v1/whatsapp/templates/{name}/{language}", request).code, "version_conflict");
    request.body = R"({"category":"MARKETING","body":"y {{1}}","version":1})";
    const Reply put = host_.call("PUT", "/api/v1/whatsapp/templates/{name}/{language}", request);
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_NE(put.body.find("\"parameter_count\":1"), std::string::npos);
    EXPECT_NE(put.body.find("\"version\":2"), std::string::npos);
    EXPECT_EQ(host_.call("DELETE", "/api/v1/whatsapp/templates/{name}/{language}", request).status, 204);
    EXPECT_EQ(host_.call("GET", "/api/v1/whatsapp/templates/{name}/{language}", request).status, 404);
}

}  // namespace
}  // namespace omnigate::whatsapp
