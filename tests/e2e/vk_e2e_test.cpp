// The VK channel end to end: the real daemon with two VK communities (one by the Callback API, one by Bots Long
// Poll) whose API is played by FakeVkApi. Every event type through the pipeline into MariaDB and out on MQTT,
// the handshake and the secret, duplicates, edits and deletions, media, consent, public versus private answers,
// VK's errors and the Long Poll's failed codes. The test database is shared and never wiped: the accounts are
// named per run and every VK id is random, so only this run's rows are looked at.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <atomic>
#include <random>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/fake_vk_api.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kGroup = 100;
constexpr std::int64_t kLongPollGroup = 200;
const std::string kSecret = "vk-e2e-secret-0123";
const std::string kConfirmation = "e2e-confirm-42";

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

// VK ids that no earlier run used: a random 9-digit base, then counting.
std::int64_t nextId() {
    static std::atomic<std::int64_t> next{[] {
        std::random_device random;
        return static_cast<std::int64_t>(100000000 + random() % 800000000) * 10;
    }()};
    return next++;
}

std::string str(std::int64_t n) { return std::to_string(n); }

std::string envelope(const std::string& type, const std::string& object, std::int64_t group = kGroup,
                     const std::string& secret = kSecret, const std::string& eventId = unique() + unique()) {
    return R"({"type":")" + type + R"(","group_id":)" + str(group) + R"(,"event_id":")" + eventId +
           R"(","v":"5.199",)" + (secret.empty() ? "" : R"("secret":")" + secret + R"(",)") + R"("object":)" +
           object + "}";
}

std::string messageObject(std::int64_t id, std::int64_t from, const std::string& text,
                          const std::string& attachments = "[]") {
    return R"({"message":{"date":1700000000,"from_id":)" + str(from) + R"(,"id":)" + str(id) +
           R"(,"out":0,"peer_id":)" + str(from) + R"(,"text":")" + text + R"(","conversation_message_id":1,)"
           R"("attachments":)" + attachments + R"(},"client_info":{"button_actions":["text"],"keyboard":true,)"
           R"("inline_keyboard":true,"carousel":true,"lang_id":0}})";
}

std::string wallReply(std::int64_t id, std::int64_t from, std::int64_t post, const std::string& text) {
    return R"({"id":)" + str(id) + R"(,"from_id":)" + str(from) + R"(,"date":1700000000,"text":")" + text +
           R"(","post_owner_id":-)" + str(kGroup) + R"(,"post_id":)" + str(post) +
           R"(,"parents_stack":[],"thread":{"count":0}})";
}

class VkEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        api_ = new FakeVkApi("vk-test-token-0123", kGroup);
        longPollApi_ = new FakeVkApi("vk-test-token-0123", kLongPollGroup);
        account_ = "vk-" + unique();
        longPollAccount_ = "vklp-" + unique();
        DaemonOptions options;
        options.instance = "vk-e2e";
        options.channelsYaml =
            "  - type: vk\n    id: " + account_ + "\n    settings:\n      group_id: " + str(kGroup) +
            "\n      access_token: vk-test-token-0123\n      secret: " + kSecret + "\n      confirmation: " +
            kConfirmation + "\n      api_url: " + api_->apiUrl() +
            "\n      retry_base_ms: 20\n      media_retry_seconds: 1\n      media_retry_attempts: 5\n"
            "  - type: vk\n    id: " + longPollAccount_ + "\n    settings:\n      group_id: " + str(kLongPollGroup) +
            "\n      access_token: vk-test-token-0123\n      mode: longpoll\n      api_url: " +
            longPollApi_->apiUrl() + "\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
        delete api_;
        delete longPollApi_;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult postEvent(const std::string& body, const std::string& account = "") {
        return daemon_->http().request("POST", "/webhooks/vk/" + (account.empty() ? account_ : account), body,
                                       {{"Content-Type", "application/json"}});
    }
    static HttpResult reply(std::int64_t interaction, const std::string& body) {
        return daemon_->http().postJson("/api/v1/interactions/" + str(interaction) + "/messages", body,
                                        daemon_->adminToken());
    }
    std::string where(const std::string& externalId, const std::string& account = "") {
        return " FROM messages WHERE channel = 'vk' AND account = '" + (account.empty() ? account_ : account) +
               "' AND direction = 'in' AND external_id = '" + externalId + "'";
    }
    std::int64_t count(const std::string& externalId, const std::string& account = "") {
        return db_.scalar("SELECT COUNT(*)" + where(externalId, account));
    }
    std::int64_t interactionOf(const std::string& externalId, const std::string& account = "") {
        return db_.scalar("SELECT interaction_id" + where(externalId, account));
    }
    // Waits (the Long Poll and the media retry work in the background) until `sql` gives `expected`.
    bool eventually(const std::string& sql, std::int64_t expected, std::chrono::milliseconds timeout = 15s) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            if (db_.scalar(sql) == expected) return true;
            std::this_thread::sleep_for(50ms);
        }
        return db_.scalar(sql) == expected;
    }
    // A private conversation with a new user; returns its interaction.
    std::int64_t privateConversation(std::int64_t user) {
        const std::int64_t id = nextId();
        EXPECT_EQ(postEvent(envelope("message_new", messageObject(id, user, "hello"))).body, "ok");
        return interactionOf("msg:" + str(id));
    }

    static DaemonProcess* daemon_;
    static FakeVkApi* api_;
    static FakeVkApi* longPollApi_;
    static std::string account_;
    static std::string longPollAccount_;
    DbProbe db_;
};

DaemonProcess* VkEndToEnd::daemon_ = nullptr;
FakeVkApi* VkEndToEnd::api_ = nullptr;
FakeVkApi* VkEndToEnd::longPollApi_ = nullptr;
std::string VkEndToEnd::account_;
std::string VkEndToEnd::longPollAccount_;

TEST_F(VkEndToEnd, ConfirmationIsAnsweredWithTheAccountsString) {
    const HttpResult r = postEvent(R"({"type":"confirmation","group_id":)" + str(kGroup) + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, kConfirmation);
    EXPECT_EQ(r.headers.at("Content-Type").rfind("text/plain", 0), 0u);
    EXPECT_EQ(postEvent(R"({"type":"confirmation","group_id":999})").status, 403);
}

TEST_F(VkEndToEnd, AWrongOrMissingSecretIsRefusedAndNothingIsStored) {
    const std::int64_t id = nextId();
    const std::string object = messageObject(id, nextId(), "forged");
    EXPECT_EQ(postEvent(envelope("message_new", object, kGroup, "wrong-secret-0123")).status, 403);
    EXPECT_EQ(postEvent(envelope("message_new", object, kGroup, "")).status, 403);
    EXPECT_EQ(postEvent(envelope("message_new", object, 999)).status, 403);
    EXPECT_EQ(count("msg:" + str(id)), 0);
    EXPECT_EQ(postEvent(envelope("message_new", object), "no-such-account").status, 404);
    EXPECT_EQ(postEvent(envelope("message_new", object), longPollAccount_).status, 404);
    const HttpResult malformed = postEvent(R"({"type":"message_new","group_id":100,"secret":)");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(malformed.json()->getObject("error")->getValue<std::string>("code"), "bad_request");
    EXPECT_EQ(count("msg:" + str(id)), 0);
    // Unknown event types are acknowledged (VK would retry anything else) and stored nowhere.
    EXPECT_EQ(postEvent(envelope("group_join", R"({"user_id":1,"join_type":"join"})")).body, "ok");
}

TEST_F(VkEndToEnd, EveryEventTypeGoesThroughThePipelineToMqtt) {
    MqttProbe probe("omnigate/v1/#");
    const std::int64_t user = nextId();
    const std::int64_t post = nextId();
    struct Case {
        std::string type, object, externalId, kind, threadKey, text;
    };
    const std::int64_t m1 = nextId(), m2 = nextId(), c1 = nextId(), p1 = nextId(), b1 = nextId(), ph = nextId(),
                       v1 = nextId(), k1 = nextId(), topic = nextId(), photo = nextId(), video = nextId(),
                       item = nextId();
    const std::string g = str(kGroup);
    const std::vector<Case> cases = {
        {"message_new", messageObject(m1, user, "new shape " + str(m1)), "msg:" + str(m1), "private", "",
         "new shape " + str(m1)},
        {"message_new",
         R"({"id":)" + str(m2) + R"(,"date":1500000000,"out":0,"user_id":)" + str(user) +
             R"(,"read_state":0,"title":"","body":"flat shape"})",
         "msg:" + str(m2), "private", "", "flat shape"},
        {"wall_reply_new", wallReply(c1, user, post, "wall comment"), "wall_comment:-" + g + "_" + str(post) + "_" + str(c1),
         "public", "wall:-" + g + "_" + str(post), "wall comment"},
        {"wall_post_new",
         R"({"id":)" + str(p1) + R"(,"owner_id":-)" + g + R"(,"from_id":)" + str(user) +
             R"(,"date":1,"text":"a post by a client","post_type":"suggest","attachments":[]})",
         "wall_post:-" + g + "_" + str(p1), "public", "wall:-" + g + "_" + str(p1), "a post by a client"},
        {"board_post_new",
         R"({"id":)" + str(b1) + R"(,"from_id":)" + str(user) + R"(,"date":1,"text":"board question","topic_id":)" +
             str(topic) + R"(,"topic_owner_id":-)" + g + "}",
         "board_comment:-" + g + "_" + str(topic) + "_" + str(b1), "public", "board:-" + g + "_" + str(topic),
         "board question"},
        {"photo_comment_new",
         R"({"id":)" + str(ph) + R"(,"from_id":)" + str(user) + R"(,"date":1,"text":"photo comment","photo_id":)" +
             str(photo) + R"(,"photo_owner_id":-)" + g + "}",
         "photo_comment:-" + g + "_" + str(photo) + "_" + str(ph), "public", "photo:-" + g + "_" + str(photo),
         "photo comment"},
        {"video_comment_new",
         R"({"id":)" + str(v1) + R"(,"from_id":)" + str(user) + R"(,"date":1,"text":"video comment","video_id":)" +
             str(video) + R"(,"video_owner_id":-)" + g + "}",
         "video_comment:-" + g + "_" + str(video) + "_" + str(v1), "public", "video:-" + g + "_" + str(video),
         "video comment"},
        {"market_comment_new",
         R"({"id":)" + str(k1) + R"(,"from_id":)" + str(user) + R"(,"date":1,"text":"market comment","item_id":)" +
             str(item) + R"(,"market_owner_id":-)" + g + "}",
         "market_comment:-" + g + "_" + str(item) + "_" + str(k1), "public", "market:-" + g + "_" + str(item),
         "market comment"},
    };
    for (const Case& c : cases) {
        const HttpResult r = postEvent(envelope(c.type, c.object));
        ASSERT_EQ(r.status, 200) << c.type << ": " << r.body;
        EXPECT_EQ(r.body, "ok");
        // Durable before the answer.
        ASSERT_EQ(count(c.externalId), 1) << c.type;
        EXPECT_EQ(db_.text("SELECT body" + where(c.externalId)), c.text) << c.type;
        const std::string interaction = str(interactionOf(c.externalId));
        EXPECT_EQ(db_.text("SELECT kind FROM interactions WHERE id = " + interaction), c.kind) << c.type;
        EXPECT_EQ(db_.text("SELECT thread_key FROM interactions WHERE id = " + interaction), c.threadKey) << c.type;
        EXPECT_EQ(db_.text("SELECT address_kind FROM interactions WHERE id = " + interaction), "vk");
        EXPECT_EQ(db_.text("SELECT address_value FROM interactions WHERE id = " + interaction), str(user));
        const std::string topicName = "omnigate/v1/interactions/" + interaction + "/events";
        const auto events = probe.waitFor(
            [&](const ReceivedMessage& m) {
                if (m.topic != topicName) return false;
                const auto event = parse(m.payload);
                return event->getValue<std::string>("type") == "message.created" &&
                       event->getObject("data")->getValue<std::string>("external_id") == c.externalId;
            },
            1, 10s);
        EXPECT_EQ(events.size(), 1u) << c.type;
    }
    // One client, named from users.get; the private messages share one interaction, each public object its own.
    EXPECT_EQ(db_.scalar("SELECT COUNT(DISTINCT client_id) FROM messages WHERE channel = 'vk' AND account = '" +
                         account_ + "' AND external_id IN ('msg:" + str(m1) + "', 'wall_post:-" + g + "_" + str(p1) + "')"),
              1);
    EXPECT_EQ(db_.text("SELECT c.name FROM clients c JOIN messages m ON m.client_id = c.id WHERE m.channel = 'vk' "
                       "AND m.account = '" + account_ + "' AND m.external_id = 'msg:" + str(m1) + "'"),
              "Ivan Petrov" + str(user));
    EXPECT_EQ(interactionOf("msg:" + str(m1)), interactionOf("msg:" + str(m2)));
}

TEST_F(VkEndToEnd, CommentsUnderOnePostJoinOneInteraction) {
    const std::int64_t user = nextId(), post = nextId(), otherPost = nextId();
    const std::int64_t a = nextId(), b = nextId(), c = nextId();
    const std::string prefix = "wall_comment:-" + str(kGroup) + "_";
    ASSERT_EQ(postEvent(envelope("wall_reply_new", wallReply(a, user, post, "first"))).body, "ok");
    ASSERT_EQ(postEvent(envelope("wall_reply_new", wallReply(b, user, post, "second"))).body, "ok");
    ASSERT_EQ(postEvent(envelope("wall_reply_new", wallReply(c, user, otherPost, "elsewhere"))).body, "ok");
    EXPECT_EQ(interactionOf(prefix + str(post) + "_" + str(a)), interactionOf(prefix + str(post) + "_" + str(b)));
    EXPECT_NE(interactionOf(prefix + str(post) + "_" + str(a)), interactionOf(prefix + str(otherPost) + "_" + str(c)));
    // The community's own answer under the post (VK sends it as wall_reply_new too) is no appeal.
    const std::int64_t ours = nextId();
    ASSERT_EQ(postEvent(envelope("wall_reply_new", wallReply(ours, -kGroup, post, "our answer"))).body, "ok");
    EXPECT_EQ(count(prefix + str(post) + "_" + str(ours)), 0);
}

TEST_F(VkEndToEnd, ARetryAndConcurrentDuplicatesAreStoredOnce) {
    const std::int64_t id = nextId();
    const std::string object = messageObject(id, nextId(), "only once");
    const std::string first = envelope("message_new", object, kGroup, kSecret, "retry-" + str(id));
    ASSERT_EQ(postEvent(first).body, "ok");
    ASSERT_EQ(postEvent(first).body, "ok");  // VK's retry: the same event_id
    constexpr int kCopies = 8;
    std::vector<HttpResult> results(kCopies);
    std::vector<std::thread> threads;
    // The same message delivered again under other event ids, all at once.
    for (int i = 0; i < kCopies; ++i) {
        threads.emplace_back([&, i] { results[i] = postEvent(envelope("message_new", object)); });
    }
    for (auto& t : threads) t.join();
    for (const HttpResult& r : results) EXPECT_EQ(r.body, "ok") << r.status;
    EXPECT_EQ(count("msg:" + str(id)), 1);

    // Two different messages at once from a new user, each with concurrent copies: two rows.
    const std::int64_t user = nextId(), x = nextId(), y = nextId();
    threads.clear();
    for (int i = 0; i < kCopies; ++i) {
        threads.emplace_back([&, i] {
            postEvent(envelope("message_new", messageObject(i % 2 ? x : y, user, "parallel")));
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(count("msg:" + str(x)) + count("msg:" + str(y)), 2);
    EXPECT_EQ(interactionOf("msg:" + str(x)), interactionOf("msg:" + str(y)));
}

TEST_F(VkEndToEnd, EditsAndDeletionsAmendTheStoredMessage) {
    MqttProbe probe("omnigate/v1/#");
    const std::int64_t user = nextId(), id = nextId();
    ASSERT_EQ(postEvent(envelope("message_new", messageObject(id, user, "typo"))).body, "ok");
    const std::string edit = R"({"date":1,"from_id":)" + str(user) + R"(,"id":)" + str(id) + R"(,"out":0,"peer_id":)" +
                             str(user) + R"(,"text":"corrected","conversation_message_id":1,"update_time":2})";
    ASSERT_EQ(postEvent(envelope("message_edit", edit)).body, "ok");
    EXPECT_EQ(db_.text("SELECT body" + where("msg:" + str(id))), "corrected");
    EXPECT_EQ(db_.scalar("SELECT edited_at IS NOT NULL" + where("msg:" + str(id))), 1);
    EXPECT_EQ(count("msg:" + str(id)), 1);
    const std::string topic = "omnigate/v1/interactions/" + str(interactionOf("msg:" + str(id))) + "/events";
    EXPECT_EQ(probe.waitFor([&](const ReceivedMessage& m) {
                       return m.topic == topic && parse(m.payload)->getValue<std::string>("type") == "message.updated";
                   }, 1, 10s).size(), 1u);

    const std::int64_t post = nextId(), comment = nextId();
    const std::string externalId = "wall_comment:-" + str(kGroup) + "_" + str(post) + "_" + str(comment);
    ASSERT_EQ(postEvent(envelope("wall_reply_new", wallReply(comment, user, post, "angry"))).body, "ok");
    ASSERT_EQ(postEvent(envelope("wall_reply_edit", wallReply(comment, user, post, "calmer"))).body, "ok");
    EXPECT_EQ(db_.text("SELECT body" + where(externalId)), "calmer");
    ASSERT_EQ(postEvent(envelope("wall_reply_delete", R"({"owner_id":-)" + str(kGroup) + R"(,"id":)" + str(comment) +
                                                          R"(,"deleter_id":)" + str(user) + R"(,"post_id":)" + str(post) + "}"))
                  .body,
              "ok");
    EXPECT_EQ(db_.scalar("SELECT deleted_at IS NOT NULL" + where(externalId)), 1);
    EXPECT_EQ(db_.text("SELECT body" + where(externalId)), "calmer");  // kept for the record
}

TEST_F(VkEndToEnd, ConsentGoesOnTheClientCardAndDenialStopsPrivateMessages) {
    const std::int64_t user = nextId();
    const std::int64_t interaction = privateConversation(user);
    const std::string client = str(db_.scalar("SELECT client_id FROM interactions WHERE id = " + str(interaction)));
    ASSERT_EQ(postEvent(envelope("message_deny", R"({"user_id":)" + str(user) + "}")).body, "ok");
    EXPECT_EQ(db_.text("SELECT JSON_VALUE(card, '$.vk_messages_allowed') FROM clients WHERE id = " + client), "false");
    const HttpResult denied = reply(interaction, R"({"text":"are you there?"})");
    ASSERT_EQ(denied.status, 201) << denied.body;
    EXPECT_EQ(denied.json()->getValue<std::string>("status"), "failed");
    EXPECT_EQ(denied.json()->getValue<std::string>("error_code"), "messages_denied");
    const std::string randomId = str(denied.json()->getValue<std::int64_t>("id"));
    for (const auto& call : api_->calls("messages.send")) EXPECT_NE(call.params.at("random_id"), randomId);

    ASSERT_EQ(postEvent(envelope("message_allow", R"({"user_id":)" + str(user) + R"(,"key":"k"})")).body, "ok");
    EXPECT_EQ(db_.text("SELECT JSON_VALUE(card, '$.vk_messages_allowed') FROM clients WHERE id = " + client), "true");
    const HttpResult allowed = reply(interaction, R"({"text":"now?"})");
    EXPECT_EQ(allowed.json()->getValue<std::string>("status"), "sent") << allowed.body;
}

TEST_F(VkEndToEnd, MediaIsFetchedIntoTheFileStoreAndRetriedWhenItFails) {
    const std::string photoBytes = "\xff\xd8\xff\xe0 jpeg " + unique();
    const std::string name = "p" + unique() + ".jpg";
    api_->serveFile(name, photoBytes, "image/jpeg");
    api_->serveFile("small-" + name, "tiny", "image/jpeg");
    const std::int64_t id = nextId(), user = nextId();
    const std::string photo = R"([{"type":"photo","photo":{"id":1,"owner_id":)" + str(user) +
                              R"(,"sizes":[{"type":"s","url":")" + api_->fileUrl("small-" + name) +
                              R"(","width":75,"height":75},{"type":"w","url":")" + api_->fileUrl(name) +
                              R"(","width":2560,"height":1920}]}},{"type":"sticker","sticker":{"sticker_id":1}}])";
    ASSERT_EQ(postEvent(envelope("message_new", messageObject(id, user, "see photo", photo))).body, "ok");
    const std::string attachments = db_.text("SELECT attachments" + where("msg:" + str(id)));
    ASSERT_FALSE(attachments.empty());
    const auto list = Poco::JSON::Parser().parse(attachments).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("mime_type"), "image/jpeg");
    EXPECT_EQ(list->getObject(0)->getValue<std::int64_t>("size"), static_cast<std::int64_t>(photoBytes.size()));
    EXPECT_EQ(db_.text("SELECT body" + where("msg:" + str(id))), "see photo\n[VK sticker attachment]");

    // The file fails twice: the message is stored at once, marked, and completed by the retry.
    const std::string late = "late" + unique() + ".pdf";
    api_->serveFile(late, "%PDF-1.4 late", "application/pdf");
    api_->failFile(late, 2);
    const std::int64_t lateId = nextId();
    const std::string doc = R"([{"type":"doc","doc":{"id":5,"owner_id":)" + str(user) +
                            R"(,"title":"contract","ext":"pdf","size":13,"url":")" + api_->fileUrl(late) + R"("}}])";
    ASSERT_EQ(postEvent(envelope("message_new", messageObject(lateId, user, "contract attached", doc))).body, "ok");
    EXPECT_EQ(count("msg:" + str(lateId)), 1);
    EXPECT_NE(db_.text("SELECT body" + where("msg:" + str(lateId))).find("not downloaded yet"), std::string::npos);
    EXPECT_TRUE(eventually("SELECT attachments IS NOT NULL" + where("msg:" + str(lateId)), 1, 20s));
    EXPECT_EQ(db_.text("SELECT body" + where("msg:" + str(lateId))), "contract attached");
    EXPECT_NE(db_.text("SELECT attachments" + where("msg:" + str(lateId))).find("contract.pdf"), std::string::npos);
}

// VK's CDN redirects now and then, always to https://: a redirect to plain http (here to a file the same server would
// serve) is not followed, and the message says so instead of waiting for a retry that would be redirected again.
TEST_F(VkEndToEnd, MediaRedirectsAreFollowedToHttpsOnly) {
    const std::string target = "target" + unique() + ".pdf";
    const std::string moved = "moved" + unique() + ".pdf";
    api_->serveFile(target, "%PDF-1.4 elsewhere", "application/pdf");
    api_->redirectFile(moved, api_->fileUrl(target));
    const std::int64_t id = nextId(), user = nextId();
    const std::string doc = R"([{"type":"doc","doc":{"id":6,"owner_id":)" + str(user) +
                            R"(,"title":"invoice","ext":"pdf","size":18,"url":")" + api_->fileUrl(moved) + R"("}}])";
    ASSERT_EQ(postEvent(envelope("message_new", messageObject(id, user, "invoice attached", doc))).body, "ok");
    EXPECT_EQ(count("msg:" + str(id)), 1);
    EXPECT_EQ(api_->fileRequests(moved), 1);
    EXPECT_EQ(api_->fileRequests(target), 0);
    EXPECT_EQ(db_.text("SELECT body" + where("msg:" + str(id))),
              "invoice attached\n[VK document 'invoice.pdf': redirected to a URL that is not https://, not downloaded]");
    EXPECT_EQ(db_.text("SELECT COALESCE(attachments, '')" + where("msg:" + str(id))), "");
}

TEST_F(VkEndToEnd, AWallCommentIsAnsweredPubliclyOrPrivately) {
    const std::int64_t user = nextId(), post = nextId(), comment = nextId();
    ASSERT_EQ(postEvent(envelope("wall_reply_new", wallReply(comment, user, post, "is the shop open?"))).body, "ok");
    const std::int64_t interaction =
        interactionOf("wall_comment:-" + str(kGroup) + "_" + str(post) + "_" + str(comment));

    const HttpResult publicAnswer = reply(interaction, R"({"text":"Yes, until 9 pm"})");
    ASSERT_EQ(publicAnswer.status, 201) << publicAnswer.body;
    EXPECT_EQ(publicAnswer.json()->getValue<std::string>("status"), "sent") << publicAnswer.body;
    const std::string guid = "omnigate-" + str(publicAnswer.json()->getValue<std::int64_t>("id"));
    std::vector<FakeVkApi::Call> comments;
    for (const auto& call : api_->calls("wall.createComment")) {
        if (call.params.count("guid") && call.params.at("guid") == guid) comments.push_back(call);
    }
    ASSERT_EQ(comments.size(), 1u);
    EXPECT_EQ(comments[0].params.at("owner_id"), "-" + str(kGroup));
    EXPECT_EQ(comments[0].params.at("post_id"), str(post));
    EXPECT_EQ(comments[0].params.at("reply_to_comment"), str(comment));
    EXPECT_EQ(comments[0].params.at("from_group"), str(kGroup));
    EXPECT_EQ(comments[0].params.at("message"), "Yes, until 9 pm");
    EXPECT_EQ(publicAnswer.json()->getValue<std::string>("external_id").rfind("wall_comment:-" + str(kGroup), 0), 0u);

    const HttpResult privateAnswer = reply(interaction, R"({"text":"Details in private","visibility":"private"})");
    ASSERT_EQ(privateAnswer.status, 201) << privateAnswer.body;
    EXPECT_EQ(privateAnswer.json()->getValue<std::string>("status"), "sent") << privateAnswer.body;
    const std::string randomId = str(privateAnswer.json()->getValue<std::int64_t>("id"));
    std::vector<FakeVkApi::Call> sends;
    for (const auto& call : api_->calls("messages.send")) {
        if (call.params.at("random_id") == randomId) sends.push_back(call);
    }
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].params.at("peer_id"), str(user));
    EXPECT_EQ(sends[0].params.at("message"), "Details in private");

    // Visibility means nothing in a private conversation: refused, nothing stored.
    const std::int64_t privateInteraction = privateConversation(nextId());
    const std::int64_t before = db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + str(privateInteraction));
    EXPECT_EQ(reply(privateInteraction, R"({"text":"x","visibility":"public"})").status, 400);
    EXPECT_EQ(reply(privateInteraction, R"({"text":"x","template":{"name":"t","language":"ru"}})").status, 400);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + str(privateInteraction)), before);
}

TEST_F(VkEndToEnd, BoardPhotoVideoAndMarketCommentsAreAnsweredWhereTheyWereWritten) {
    const std::string g = str(kGroup);
    struct Case {
        std::string type, objectKey, ownerKey, method, objectParam;
    };
    for (const Case& c : {Case{"board_post_new", "topic_id", "topic_owner_id", "board.createComment", "topic_id"},
                          Case{"photo_comment_new", "photo_id", "photo_owner_id", "photos.createComment", "photo_id"},
                          Case{"video_comment_new", "video_id", "video_owner_id", "video.createComment", "video_id"},
                          Case{"market_comment_new", "item_id", "market_owner_id", "market.createComment", "item_id"}}) {
        const std::int64_t user = nextId(), object = nextId(), comment = nextId();
        const std::string event = R"({"id":)" + str(comment) + R"(,"from_id":)" + str(user) +
                                  R"(,"date":1,"text":"question",")" + c.objectKey + R"(":)" + str(object) + R"(,")" +
                                  c.ownerKey + R"(":-)" + g + "}";
        ASSERT_EQ(postEvent(envelope(c.type, event)).body, "ok") << c.type;
        const std::string prefix = c.type.substr(0, c.type.find('_')) + "_comment:-" + g + "_";
        const std::int64_t interaction = interactionOf(prefix + str(object) + "_" + str(comment));
        ASSERT_NE(interaction, 0) << c.type;
        const HttpResult r = reply(interaction, R"({"text":"answered here"})");
        ASSERT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(r.json()->getValue<std::string>("status"), "sent") << c.type << ": " << r.body;
        const std::string guid = "omnigate-" + str(r.json()->getValue<std::int64_t>("id"));
        std::vector<FakeVkApi::Call> calls;
        for (const auto& call : api_->calls(c.method)) {
            if (call.params.count("guid") && call.params.at("guid") == guid) calls.push_back(call);
        }
        ASSERT_EQ(calls.size(), 1u) << c.method;
        EXPECT_EQ(calls[0].params.at(c.objectParam), str(object)) << c.method;
        EXPECT_EQ(calls[0].params.at("message"), "answered here");
        if (c.method == "board.createComment") {
            EXPECT_EQ(calls[0].params.at("group_id"), g);  // a topic has no reply_to_comment
        } else {
            EXPECT_EQ(calls[0].params.at("owner_id"), "-" + g) << c.method;
            EXPECT_EQ(calls[0].params.at("reply_to_comment"), str(comment)) << c.method;
        }
    }
}

TEST_F(VkEndToEnd, TheRatingRequestOfAPublicAppealGoesPrivately) {
    const std::int64_t user = nextId(), post = nextId(), comment = nextId();
    ASSERT_EQ(postEvent(envelope("wall_reply_new", wallReply(comment, user, post, "thanks, solved"))).body, "ok");
    const std::int64_t interaction =
        interactionOf("wall_comment:-" + str(kGroup) + "_" + str(post) + "_" + str(comment));
    const std::size_t commentsBefore = api_->calls("wall.createComment").size();
    const HttpResult closed = daemon_->http().request(
        "POST", "/api/v1/interactions/" + str(interaction) + "/status", R"({"status":"closed","resolution":"solved"})",
        {{"Authorization", "Bearer " + daemon_->adminToken()}, {"Content-Type", "application/json"}});
    ASSERT_EQ(closed.status, 200) << closed.body;
    // The core asks for a rating (VK has no form of its own): a system message, never a public comment.
    const std::string request = " FROM messages WHERE interaction_id = " + str(interaction) +
                                " AND direction = 'out' AND author = 'system' AND body LIKE 'Please rate%'";
    ASSERT_TRUE(eventually("SELECT COUNT(*)" + request + " AND status = 'sent'", 1, 10s));
    const std::string randomId = str(db_.scalar("SELECT id" + request));
    std::size_t sends = 0;
    for (const auto& call : api_->calls("messages.send")) {
        if (call.params.at("random_id") == randomId && call.params.at("peer_id") == str(user)) ++sends;
    }
    EXPECT_EQ(sends, 1u);
    EXPECT_EQ(api_->calls("wall.createComment").size(), commentsBefore);
}

TEST_F(VkEndToEnd, TooManyRequestsIsRetriedWithTheSameRandomId) {
    const std::int64_t interaction = privateConversation(nextId());
    const std::size_t postedBefore = api_->posted("messages.send");
    api_->failNext("messages.send", 6, 2);
    const HttpResult r = reply(interaction, R"({"text":"after a back-off"})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "sent") << r.body;
    const std::string randomId = str(r.json()->getValue<std::int64_t>("id"));
    std::vector<int> answers;
    for (const auto& call : api_->calls("messages.send")) {
        if (call.params.at("random_id") == randomId) answers.push_back(call.errorCode);
    }
    EXPECT_EQ(answers, (std::vector<int>{6, 6, 0}));  // three attempts, one random_id
    EXPECT_EQ(api_->posted("messages.send"), postedBefore + 1);
    EXPECT_EQ(r.json()->getValue<std::string>("external_id").rfind("msg:", 0), 0u);
}

TEST_F(VkEndToEnd, NoPermissionToWriteFailsTheMessageWithAReason) {
    const std::int64_t interaction = privateConversation(nextId());
    api_->failNext("messages.send", 901);
    const HttpResult r = reply(interaction, R"({"text":"hello?"})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "failed");
    EXPECT_EQ(r.json()->getValue<std::string>("error_code"), "901");
    EXPECT_NE(r.json()->getValue<std::string>("error_text").find("not allowed messages"), std::string::npos);
    const std::string id = str(r.json()->getValue<std::int64_t>("id"));
    EXPECT_EQ(db_.text("SELECT status FROM messages WHERE id = " + id), "failed");
    EXPECT_EQ(db_.text("SELECT error_code FROM messages WHERE id = " + id), "901");
}

TEST_F(VkEndToEnd, ARejectedTokenMakesTheAccountNotReadyUntilACallWorks) {
    const std::int64_t interaction = privateConversation(nextId());
    api_->failNext("messages.send", 5);
    const HttpResult r = reply(interaction, R"({"text":"token?"})");
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "failed") << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("error_code"), "5");
    const HttpResult ready = daemon_->http().get("/readyz");
    ASSERT_TRUE(ready.json()->getObject("checks")->has("vk/" + account_)) << ready.body;
    EXPECT_NE(ready.json()->getObject("checks")->getValue<std::string>("vk/" + account_).find("access token"),
              std::string::npos);
    EXPECT_EQ(ready.json()->getValue<std::string>("status"), "degraded");

    EXPECT_EQ(reply(interaction, R"({"text":"again"})").json()->getValue<std::string>("status"), "sent");
    EXPECT_FALSE(daemon_->http().get("/readyz").json()->getObject("checks")->has("vk/" + account_));
}

TEST_F(VkEndToEnd, FilesAreUploadedAsPhotosAndDocuments) {
    const std::int64_t interaction = privateConversation(nextId());
    const auto upload = [&](const std::string& bytes, const std::string& name, const std::string& type) {
        const HttpResult r = daemon_->http().request("POST", "/api/v1/files?name=" + name, bytes,
                                                     {{"Authorization", "Bearer " + daemon_->adminToken()},
                                                      {"Content-Type", type}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()->getValue<std::string>("id");
    };
    const std::string png = upload("\x89PNG\r\n\x1a\n" + unique(), "chart.png", "image/png");
    const std::string pdf = upload("%PDF-1.4 " + unique(), "offer.pdf", "application/pdf");
    const HttpResult r = reply(interaction, R"({"text":"two files","attachments":[")" + png + R"(",")" + pdf + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "sent") << r.body;
    const std::string randomId = str(r.json()->getValue<std::int64_t>("id"));
    std::string attachment;
    for (const auto& call : api_->calls("messages.send")) {
        if (call.params.at("random_id") == randomId) attachment = call.params.at("attachment");
    }
    EXPECT_EQ(attachment.rfind("photo-" + str(kGroup) + "_", 0), 0u) << attachment;
    EXPECT_NE(attachment.find(",doc-" + str(kGroup) + "_"), std::string::npos) << attachment;
    bool photoSeen = false, docSeen = false;
    for (const auto& u : api_->uploads()) {
        photoSeen = photoSeen || (u.path == "/upload/photo" && u.field == "photo" && u.fileName == "chart.png");
        docSeen = docSeen || (u.path == "/upload/doc" && u.field == "file" && u.fileName == "offer.pdf");
    }
    EXPECT_TRUE(photoSeen);
    EXPECT_TRUE(docSeen);
}

TEST_F(VkEndToEnd, LongPollDeliversEventsAndRecoversFromEveryFailedCode) {
    const std::int64_t user = nextId();
    const auto push = [&](std::int64_t id, const std::string& text) {
        longPollApi_->pushEvent(envelope("message_new", messageObject(id, user, text), kLongPollGroup, ""));
    };
    const auto stored = [&](std::int64_t id) {
        return eventually("SELECT COUNT(*)" + where("msg:" + str(id), longPollAccount_), 1, 15s);
    };
    const std::int64_t first = nextId();
    push(first, "by long poll");
    ASSERT_TRUE(stored(first));
    EXPECT_EQ(db_.text("SELECT body" + where("msg:" + str(first), longPollAccount_)), "by long poll");
    const auto requests = longPollApi_->longPollRequests();
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests.back().at("wait"), "25");
    EXPECT_EQ(requests.back().at("act"), "a_check");

    for (int code : {1, 2, 3}) {
        const std::size_t serversBefore = longPollApi_->calls("groups.getLongPollServer").size();
        longPollApi_->failLongPoll(code);
        const std::int64_t id = nextId();
        // The event comes after the failure was answered, like one arriving while the plugin recovers.
        std::this_thread::sleep_for(200ms);
        push(id, "after failed " + std::to_string(code));
        EXPECT_TRUE(stored(id)) << "failed " << code;
        const std::size_t serversAfter = longPollApi_->calls("groups.getLongPollServer").size();
        // 1 keeps the key (only the ts changes); 2 and 3 fetch a new key.
        if (code == 1) {
            EXPECT_EQ(serversAfter, serversBefore);
        } else {
            EXPECT_EQ(serversAfter, serversBefore + 1) << "failed " << code;
            EXPECT_EQ(longPollApi_->longPollRequests().back().at("key"), longPollApi_->longPollKey());
        }
    }
    // Every event once, none lost and none doubled.
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE channel = 'vk' AND account = '" + longPollAccount_ +
                         "' AND client_id = (SELECT client_id FROM client_addresses WHERE kind = 'vk' AND value = '" +
                         str(user) + "')"),
              4);
}

TEST(VkLongPollRestart, EventsThatCameWhileTheDaemonWasDownAreFetchedAfterItsRestart) {
    FakeVkApi api("vk-test-token-0123", kLongPollGroup);
    const std::string account = "vkrestart-" + unique();
    DaemonOptions options;
    options.instance = "vk-restart";
    options.channelsYaml = "  - type: vk\n    id: " + account + "\n    settings:\n      group_id: " +
                           str(kLongPollGroup) + "\n      access_token: vk-test-token-0123\n      mode: longpoll\n"
                           "      api_url: " + api.apiUrl() + "\n";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    DbProbe db;
    const std::int64_t user = 770000000 + static_cast<std::int64_t>(std::hash<std::string>{}(account) % 100000000);
    const auto push = [&](std::int64_t id) {
        api.pushEvent(envelope("message_new", messageObject(id, user, "message " + str(id)), kLongPollGroup, ""));
    };
    const auto count = [&](std::int64_t id) {
        return db.scalar("SELECT COUNT(*) FROM messages WHERE channel = 'vk' AND account = '" + account +
                         "' AND direction = 'in' AND external_id = 'msg:" + str(id) + "'");
    };
    const auto waitStored = [&](std::int64_t id) {
        for (int i = 0; i < 150 && count(id) == 0; ++i) std::this_thread::sleep_for(100ms);
        return count(id);
    };
    const std::int64_t base = 880000000 + static_cast<std::int64_t>(std::hash<std::string>{}(account) % 100000);
    push(base);
    ASSERT_EQ(waitStored(base), 1) << daemon.log();

    ASSERT_EQ(daemon.stop(), 0) << daemon.log();
    push(base + 1);  // VK keeps them for a while; a restart must not skip them
    push(base + 2);
    daemon.restart();
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    EXPECT_EQ(waitStored(base + 1), 1) << daemon.log();
    EXPECT_EQ(waitStored(base + 2), 1) << daemon.log();
    push(base + 3);
    EXPECT_EQ(waitStored(base + 3), 1) << daemon.log();
    EXPECT_EQ(count(base), 1) << "nothing fetched twice is stored twice";
}

TEST(VkLongPollShutdown, AWaitingLongPollDoesNotHoldUpTheShutdown) {
    FakeVkApi api("vk-test-token-0123", kLongPollGroup);
    DaemonOptions options;
    options.instance = "vk-stop";
    options.channelsYaml = "  - type: vk\n    id: vkstop-" + unique() + "\n    settings:\n      group_id: " +
                           str(kLongPollGroup) + "\n      access_token: vk-test-token-0123\n      mode: longpoll\n"
                           "      api_url: " + api.apiUrl() + "\n";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    for (int i = 0; i < 100 && api.longPollRequests().empty(); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_FALSE(api.longPollRequests().empty()) << daemon.log();
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(daemon.stop(), 0) << daemon.log();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "a_check waits 25 s; stop must not";
}

}  // namespace
}  // namespace omnigate::test
