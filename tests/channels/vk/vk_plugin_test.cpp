// The Callback API handshake and checks (confirmation, the secret, the group, bad bodies) and what each event does
// to the host, against a fake host: no network, no database. The whole pipeline is the e2e test's.
#include <gtest/gtest.h>

#include <map>

#include "omnigate/sdk/api_error.h"
#include "support/unused_host.h"
#include "vk_plugin.h"

namespace omnigate::vk {
namespace {

class FakeHost : public test::UnusedChannelHost {
public:
    FakeHost() {
        // Nothing listens on port 9: a call to VK here would fail, and no test below needs one.
        accounts_.push_back({"main", ConfigNode::parseString("settings:\n  group_id: 123\n  access_token: tok\n"
                                                             "  secret: right-secret\n  confirmation: c0nf1rm\n"
                                                             "  api_url: http://127.0.0.1:9/method\n"
                                                             "  fetch_names: false\n",
                                                             "test.yaml")["settings"]});
    }
    const std::vector<AccountConfig>& accounts() const override { return accounts_; }
    void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) override {
        routes[method + " " + pattern] = std::move(handler);
    }
    void setReadiness(const std::string& component, bool ready, const std::string&) override {
        readiness[component] = ready;
    }
    SubmitResult submitInbound(const InboundMessage& message) override {
        for (const InboundMessage& m : submitted) {
            if (m.externalId == message.externalId) return {StoredMessage{}, true};
        }
        submitted.push_back(message);
        return {StoredMessage{}, false};
    }
    bool amendInbound(const InboundAmendment& amendment) override {
        amendments.push_back(amendment);
        for (const InboundMessage& m : submitted) {
            if (m.externalId == amendment.externalId) return true;
        }
        return false;
    }
    std::optional<std::int64_t> clientIdByAddress(const Address& address) override {
        const auto found = clients.find(address.value);
        if (found == clients.end()) return std::nullopt;
        return found->second;
    }
    void updateClientCard(std::int64_t id, const std::map<std::string, std::string>& fields) override {
        cards[id] = fields;
    }
    std::optional<std::string> loadState(const std::string& key) override {
        const auto found = state.find(key);
        if (found == state.end()) return std::nullopt;
        return found->second;
    }
    void saveState(const std::string& key, const std::string& value) override { state[key] = value; }
    std::vector<StoredMessage> messages(std::int64_t interactionId, std::size_t) override {
        return interactionMessages[interactionId];
    }

    std::vector<AccountConfig> accounts_;
    std::map<std::string, HttpHandler> routes;
    std::map<std::string, bool> readiness;
    std::vector<InboundMessage> submitted;
    std::vector<InboundAmendment> amendments;
    std::map<std::string, std::int64_t> clients;
    std::map<std::int64_t, std::map<std::string, std::string>> cards;
    std::map<std::string, std::string> state;
    std::map<std::int64_t, std::vector<StoredMessage>> interactionMessages;
};

class VkPluginTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(plugin_.load(host_).code, LoadResult::Code::Success); }

    HttpResponse post(const std::string& body, const std::string& account = "main") {
        HttpRequest request;
        request.method = "POST";
        request.path = "/webhooks/vk/" + account;
        request.pathParams["account"] = account;
        request.body = body;
        return host_.routes.at("POST /webhooks/vk/{account}")(request);
    }
    int statusOf(const std::string& body, const std::string& account = "main") {
        try {
            return post(body, account).status;
        } catch (const ApiError& e) {
            return e.status();
        }
    }

    FakeHost host_;
    VkPlugin plugin_;
};

const std::string messageNew =
    R"({"type":"message_new","group_id":123,"event_id":"ev-1","v":"5.199","secret":"right-secret",)"
    R"("object":{"message":{"id":77,"from_id":42,"peer_id":42,"text":"hello"},"client_info":{}}})";

TEST_F(VkPluginTest, RegistersTheWebhookAndIsReady) {
    EXPECT_EQ(host_.routes.count("POST /webhooks/vk/{account}"), 1u);
    EXPECT_TRUE(host_.readiness.at("main"));
}

TEST_F(VkPluginTest, ConfirmationIsAnsweredWithTheStringForTheRightGroupOnly) {
    const HttpResponse r = post(R"({"type":"confirmation","group_id":123})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "c0nf1rm");
    EXPECT_EQ(r.contentType.rfind("text/plain", 0), 0u);
    EXPECT_EQ(statusOf(R"({"type":"confirmation","group_id":124})"), 403);
    EXPECT_TRUE(host_.submitted.empty());
}

TEST_F(VkPluginTest, AWrongOrMissingSecretIsRefusedAndNothingStored) {
    std::string wrong = messageNew;
    wrong.replace(wrong.find("right-secret"), 12, "wrong-secret");
    EXPECT_EQ(statusOf(wrong), 403);
    std::string missing = messageNew;
    missing.replace(missing.find(R"("secret":"right-secret",)"), 24, "");
    EXPECT_EQ(statusOf(missing), 403);
    std::string prefix = messageNew;
    prefix.replace(prefix.find("right-secret"), 12, "right-secre");
    EXPECT_EQ(statusOf(prefix), 403);
    EXPECT_TRUE(host_.submitted.empty());
}

TEST_F(VkPluginTest, UnknownAccountsMalformedBodiesAndOtherGroups) {
    EXPECT_EQ(statusOf(messageNew, "other"), 404);
    EXPECT_EQ(statusOf("{not json"), 400);
    EXPECT_EQ(statusOf(R"({"group_id":123,"secret":"right-secret"})"), 400);
    std::string otherGroup = messageNew;
    otherGroup.replace(otherGroup.find("123"), 3, "999");
    EXPECT_EQ(statusOf(otherGroup), 403);
    EXPECT_TRUE(host_.submitted.empty());
}

TEST_F(VkPluginTest, AMessageIsStoredOnceAndAnsweredOk) {
    const HttpResponse r = post(messageNew);
    EXPECT_EQ(r.body, "ok");
    ASSERT_EQ(host_.submitted.size(), 1u);
    const InboundMessage& m = host_.submitted[0];
    EXPECT_EQ(m.account, "main");
    EXPECT_EQ(m.externalId, "msg:77");
    EXPECT_EQ(m.from.kind, "vk");
    EXPECT_EQ(m.from.value, "42");
    EXPECT_EQ(m.text, "hello");
    EXPECT_FALSE(m.publicAppeal);
    EXPECT_EQ(m.threadKey, "");
    // VK's retry (same event_id) and another delivery of the same message (another event_id) store nothing new.
    EXPECT_EQ(post(messageNew).body, "ok");
    std::string again = messageNew;
    again.replace(again.find("ev-1"), 4, "ev-2");
    EXPECT_EQ(post(again).body, "ok");
    EXPECT_EQ(host_.submitted.size(), 1u);
}

TEST_F(VkPluginTest, AWallCommentIsAPublicAppealThreadedByItsPost) {
    post(R"({"type":"wall_reply_new","group_id":123,"secret":"right-secret","object":{"id":67,"from_id":42,)"
         R"("text":"why?","post_owner_id":-123,"post_id":45}})");
    ASSERT_EQ(host_.submitted.size(), 1u);
    EXPECT_TRUE(host_.submitted[0].publicAppeal);
    EXPECT_EQ(host_.submitted[0].threadKey, "wall:-123_45");
    EXPECT_EQ(host_.submitted[0].externalId, "wall_comment:-123_45_67");
}

TEST_F(VkPluginTest, UnknownEventsAndOwnCommentsAreAcknowledgedAndIgnored) {
    EXPECT_EQ(post(R"({"type":"group_join","group_id":123,"secret":"right-secret","object":{"user_id":1}})").body, "ok");
    EXPECT_EQ(post(R"({"type":"wall_reply_new","group_id":123,"secret":"right-secret","object":{"id":68,)"
                   R"("from_id":-123,"text":"our answer","post_owner_id":-123,"post_id":45}})")
                  .body,
              "ok");
    EXPECT_TRUE(host_.submitted.empty());
}

TEST_F(VkPluginTest, EditsAndDeletionsAmendTheStoredMessage) {
    post(messageNew);
    post(R"({"type":"message_edit","group_id":123,"secret":"right-secret","object":{"id":77,"from_id":42,)"
         R"("peer_id":42,"text":"hello, edited"}})");
    post(R"({"type":"wall_reply_delete","group_id":123,"secret":"right-secret","object":{"owner_id":-123,"id":67,)"
         R"("deleter_id":42,"post_id":45}})");
    ASSERT_EQ(host_.amendments.size(), 2u);
    EXPECT_EQ(host_.amendments[0].externalId, "msg:77");
    EXPECT_TRUE(host_.amendments[0].replaceText);
    EXPECT_EQ(host_.amendments[0].text, "hello, edited");
    EXPECT_EQ(host_.amendments[1].externalId, "wall_comment:-123_45_67");
    EXPECT_TRUE(host_.amendments[1].deleted);
}

TEST_F(VkPluginTest, ConsentGoesOnTheCardAndDenialStopsPrivateMessages) {
    host_.clients["42"] = 9;
    post(R"({"type":"message_deny","group_id":123,"secret":"right-secret","object":{"user_id":42}})");
    EXPECT_EQ(host_.cards[9].at("vk_messages_allowed"), "false");

    OutboundMessage out;
    out.messageId = 5;
    out.account = "main";
    out.to = {"vk", "42"};
    out.text = "answer";
    const SendResult denied = plugin_.send(out);
    EXPECT_EQ(denied.status, DeliveryStatus::Failed);
    EXPECT_EQ(denied.errorCode, "messages_denied");
    EXPECT_NE(denied.errorText.find("denied messages"), std::string::npos);

    post(R"({"type":"message_allow","group_id":123,"secret":"right-secret","object":{"user_id":42,"key":"k"}})");
    EXPECT_EQ(host_.cards[9].at("vk_messages_allowed"), "true");
    EXPECT_EQ(host_.state.at("consent/main/42"), "allowed");
}

TEST_F(VkPluginTest, PrepareOutboundAcceptsVisibilityOnlyForPublicAppeals) {
    StoredMessage comment;
    comment.direction = Direction::Inbound;
    comment.externalId = "wall_comment:-123_45_67";
    host_.interactionMessages[1] = {comment};
    StoredMessage privateMessage;
    privateMessage.direction = Direction::Inbound;
    privateMessage.externalId = "msg:77";
    host_.interactionMessages[2] = {privateMessage};

    OutboundMessage out;
    out.account = "main";
    out.interactionId = 1;
    for (const char* visibility : {"", "public", "private"}) {
        out.visibility = visibility;
        EXPECT_NO_THROW(plugin_.prepareOutbound(out)) << visibility;
    }
    out.visibility = "everyone";
    EXPECT_THROW(plugin_.prepareOutbound(out), ApiError);
    out.interactionId = 2;
    out.visibility = "public";
    try {
        plugin_.prepareOutbound(out);
        ADD_FAILURE() << "visibility accepted for a private conversation";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
    }
    out.visibility.clear();
    out.templateName = "greeting";
    EXPECT_THROW(plugin_.prepareOutbound(out), ApiError);
}

TEST(VkSenderTest, RandomIdIsStablePerMessageAndFitsInt32) {
    EXPECT_EQ(VkSender::randomIdOf(42), VkSender::randomIdOf(42));
    EXPECT_NE(VkSender::randomIdOf(42), VkSender::randomIdOf(43));
    EXPECT_LE(VkSender::randomIdOf(std::int64_t(1) << 40), 0x7fffffff);
    EXPECT_GT(VkSender::randomIdOf(std::int64_t(1) << 31), 0);
}

}  // namespace
}  // namespace omnigate::vk
