// The chatbot hand-off against the real daemon and a real local HTTP server playing the bot: a web chat message
// routed to a bot-first queue reaches the bot as a signed conversation.started; the bot's REST reply reaches the
// visitor; the client's next message reaches the bot; the bot's hand-off (with a priority), a bot that never
// answers (the core's timeout), a bot that fails (500: to people at once), a synchronous reply-and-close, and the
// bad input the issue names (acting on what the bot does not hold: 409; a wrong token: 401). Two chatbot
// integrations run side by side, each with its own queue: a bot hears of and acts on only what its own
// integration holds, and another integration's token opens none of its paths.
// The shared database is never wiped: the queue and every rule carry a unique suffix, rules match only a unique
// word, the queue has no sources, and counts are compared before and after.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/UUIDGenerator.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/fake_crm.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

const std::string kSecret = "chatbot-e2e-webhook-secret-0123";
const std::string kBotToken = "chatbot-e2e-bot-token-456789";
const std::string kOtherBotToken = "chatbot-e2e-other-bot-token-987654";

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string expectedSignature(const std::string& timestamp, const std::string& body) {
    return webhookSignature(kSecret, timestamp, body);
}

// One webhook the bot received.
struct Webhook {
    std::string event, delivery, timestamp, signature, body;
    Poco::JSON::Object::Ptr json;
    std::int64_t interactionId() const {
        return json->getObject("interaction")->getValue<std::int64_t>("id");
    }
};

// The bot: records every webhook and answers what `respond` says (default: 200 with no body).
class BotServer {
public:
    using Responder = std::function<std::pair<int, std::string>(const Webhook&)>;

    BotServer() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(8);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
        server_->start();
    }
    ~BotServer() { server_->stopAll(true); }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/hook"; }

    // Answers for webhooks of interactions whose first message contains `word`.
    void respondFor(const std::string& word, Responder respond) {
        std::lock_guard<std::mutex> lock(mutex_);
        responders_[word] = std::move(respond);
    }

    // Waits for a webhook of `type` about `interactionId`.
    std::optional<Webhook> waitFor(const std::string& type, std::int64_t interactionId,
                                   std::chrono::milliseconds timeout = 10s) {
        std::unique_lock<std::mutex> lock(mutex_);
        std::optional<Webhook> found;
        cv_.wait_for(lock, timeout, [&] {
            for (const Webhook& w : received_) {
                if (w.event == type && w.interactionId() == interactionId) {
                    found = w;
                    return true;
                }
            }
            return false;
        });
        return found;
    }

private:
    std::pair<int, std::string> answer(const Webhook& w) {
        Responder respond;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            received_.push_back(w);
            const std::string history = w.body;
            for (const auto& [word, r] : responders_) {
                if (history.find(word) != std::string::npos) respond = r;
            }
        }
        cv_.notify_all();
        return respond ? respond(w) : std::make_pair(200, std::string());
    }

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(BotServer& server) : server_(server) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
            Webhook w;
            Poco::StreamCopier::copyToString(request.stream(), w.body);
            w.event = request.get("X-Omnigate-Event", "");
            w.delivery = request.get("X-Omnigate-Delivery", "");
            w.timestamp = request.get("X-Omnigate-Timestamp", "");
            w.signature = request.get("X-Omnigate-Signature", "");
            try {
                w.json = parse(w.body);
            } catch (const std::exception&) {
                response.setStatus(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
                response.send();
                return;
            }
            const auto [status, body] = server_.answer(w);
            response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
            response.setContentType("application/json");
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        }

    private:
        BotServer& server_;
    };

    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(BotServer& server) : server_(server) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(server_);
        }

    private:
        BotServer& server_;
    };

    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Webhook> received_;
    std::map<std::string, Responder> responders_;
};

class Chatbot : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        bot_ = new BotServer;
        otherBot_ = new BotServer;
        integration_ = "bot-" + unique();
        otherIntegration_ = "other-bot-" + unique();
        queue_ = "q-bot-" + unique();
        otherQueue_ = "q-other-bot-" + unique();
        DaemonOptions options;
        options.instance = "chatbot-" + unique();
        options.environment["CHATBOT_E2E_SECRET"] = kSecret;
        options.environment["CHATBOT_E2E_TOKEN"] = kBotToken;
        options.environment["CHATBOT_E2E_OTHER_TOKEN"] = kOtherBotToken;
        options.channelsYaml +=
            "integrations:\n"
            "  - type: chatbot\n"
            "    id: " + integration_ + "\n"
            "    settings:\n"
            "      bot_url: " + bot_->url() + "\n"
            "      secret: ${CHATBOT_E2E_SECRET}\n"
            "      bot_token: ${CHATBOT_E2E_TOKEN}\n"
            "      timeout_ms: 1500\n"
            "      history_limit: 10\n"
            "      queues: [" + queue_ + "]\n"
            "  - type: chatbot\n"
            "    id: " + otherIntegration_ + "\n"
            "    settings:\n"
            "      bot_url: " + otherBot_->url() + "\n"
            "      secret: ${CHATBOT_E2E_SECRET}\n"
            "      bot_token: ${CHATBOT_E2E_OTHER_TOKEN}\n"
            "      queues: [" + otherQueue_ + "]\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
        for (const std::string& queue : {queue_, otherQueue_}) {
            const HttpResult r = admin("POST", "/api/v1/queues",
                                       R"({"id":")" + queue + R"(","name":"Bot first )" + queue +
                                           R"(","bot_first":true,"bot_timeout_seconds":2})");
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }
    static void TearDownTestSuite() {
        if (daemon_) {
            admin("DELETE", "/api/v1/queues/" + queue_);
            admin("DELETE", "/api/v1/queues/" + otherQueue_);
        }
        delete daemon_;
        daemon_ = nullptr;
        delete bot_;
        bot_ = nullptr;
        delete otherBot_;
        otherBot_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
        for (std::int64_t rule : rules_) admin("DELETE", "/api/v1/routing-rules/" + std::to_string(rule));
    }

    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    HttpResult asBot(const std::string& path, const std::string& body, const std::string& token = kBotToken,
                     const std::string& integration = integration_) {
        return daemon_->http().request("POST", "/api/v1/integrations/chatbot/" + integration + path, body,
                                       {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
    }
    HttpResult asOtherBot(const std::string& path, const std::string& body) {
        return asBot(path, body, kOtherBotToken, otherIntegration_);
    }

    // A unique word and a rule sending messages with it to the bot-first queue (the first bot's by default).
    std::string routedWord(const std::string& queue = queue_) {
        const std::string word = "botword" + unique();
        const HttpResult r = admin("POST", "/api/v1/routing-rules",
                                   R"({"name":"rule )" + word + R"(","conditions":{"words":[")" + word +
                                       R"("]},"actions":{"queue":")" + queue + R"("}})");
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status == 201) rules_.push_back(r.json()->getValue<std::int64_t>("id"));
        return word;
    }

    // A new web chat visitor whose first message contains `word`; returns {token, interaction id}.
    std::pair<std::string, std::int64_t> visit(const std::string& word) {
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + unique() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const std::string token = session.json()->getValue<std::string>("token");
        return {token, write(token, "Hello, a question about " + word)};
    }

    std::int64_t write(const std::string& token, const std::string& text) {
        const HttpResult r =
            daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + R"("})", token);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("interaction_id") : 0;
    }

    Poco::JSON::Object::Ptr interaction(std::int64_t id) {
        const HttpResult r = admin("GET", "/api/v1/interactions/" + std::to_string(id));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()->getObject("interaction");
    }

    Poco::JSON::Object::Ptr waitStatus(std::int64_t id, const std::string& status,
                                       std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        Poco::JSON::Object::Ptr current;
        while (std::chrono::steady_clock::now() < deadline) {
            current = interaction(id);
            if (current->getValue<std::string>("status") == status) return current;
            std::this_thread::sleep_for(25ms);
        }
        ADD_FAILURE() << "interaction " << id << " never became " << status << "; it is "
                      << (current ? current->getValue<std::string>("status") : "?");
        return current;
    }

    std::int64_t count(const std::string& name) {
        const HttpResult r = admin("GET", "/api/v1/integrations/chatbot/" + integration_ + "/stats");
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? r.json()->getObject("counts")->getValue<std::int64_t>(name) : -1;
    }

    // Polls until the count `name` is at least `atLeast`.
    bool waitCount(const std::string& name, std::int64_t atLeast) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            if (count(name) >= atLeast) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    // The visitor's history: (author, text) of each message.
    std::vector<std::pair<std::string, std::string>> visitorHistory(const std::string& token) {
        const HttpResult r = daemon_->http().get("/api/v1/webchat/demo/messages", token);
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::pair<std::string, std::string>> out;
        const Poco::JSON::Array::Ptr list = r.json()->getArray("messages");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const Poco::JSON::Object::Ptr m = list->getObject(static_cast<unsigned>(i));
            out.emplace_back(m->getValue<std::string>("author"), m->getValue<std::string>("text"));
        }
        return out;
    }

    // What a failed wait shows (these waits have failed in full runs only): the interaction's status changes and
    // the bot's pending deliveries, so the next failure says whether routing, the event or the worker was late.
    std::string whereIsIt(std::int64_t id) {
        std::string out = "\ninteraction " + std::to_string(id) + " status changes:";
        const std::string of = std::to_string(id);
        for (const auto& row : db_.rows("SELECT DATE_FORMAT(created_at, '%H:%i:%s.%f'), COALESCE(from_status, '-'), to_status, "
                                        "actor_kind, reason FROM interaction_status_history WHERE interaction_id = " +
                                        of + " ORDER BY id")) {
            out += "\n  " + row[0] + " " + row[1] + " -> " + row[2] + " by " + row[3] + ": " + row[4];
        }
        out += "\ndeliveries of " + integration_ + " still pending:";
        for (const auto& row : db_.rows("SELECT id, type, topic, attempts, COALESCE(DATE_FORMAT(leased_until, "
                                        "'%H:%i:%s.%f'), '-'), COALESCE(last_error, '') FROM integration_deliveries "
                                        "WHERE sink LIKE '%" + integration_ + "%' ORDER BY id")) {
            out += "\n  " + row[0] + " " + row[1] + " " + row[2] + " attempts " + row[3] + " leased until " + row[4] +
                   " " + row[5];
        }
        return out;
    }

    // The latest status change of the interaction: {to_status, actor_kind, reason}.
    std::vector<std::string> lastChange(std::int64_t id) {
        const auto rows = db_.rows("SELECT to_status, actor_kind, reason FROM interaction_status_history "
                                   "WHERE interaction_id = " + std::to_string(id) + " ORDER BY id DESC LIMIT 1");
        return rows.empty() ? std::vector<std::string>{} : rows.front();
    }

    static DaemonProcess* daemon_;
    static BotServer* bot_;
    static BotServer* otherBot_;
    static std::string integration_;
    static std::string otherIntegration_;
    static std::string queue_;
    static std::string otherQueue_;
    std::vector<std::int64_t> rules_;
    DbProbe db_;
};

DaemonProcess* Chatbot::daemon_ = nullptr;
BotServer* Chatbot::bot_ = nullptr;
BotServer* Chatbot::otherBot_ = nullptr;
std::string Chatbot::integration_;
std::string Chatbot::otherIntegration_;
std::string Chatbot::queue_;
std::string Chatbot::otherQueue_;

TEST_F(Chatbot, BotRepliesOverRestHearsTheClientAgainAndHandsOffWithAPriority) {
    const std::int64_t handedOffBefore = count("handed_off");
    const std::int64_t conversationsBefore = count("conversations");
    const std::string word = routedWord();
    const auto [token, id] = visit(word);
    ASSERT_GT(id, 0);

    const auto started = bot_->waitFor("conversation.started", id);
    ASSERT_TRUE(started) << "the bot never heard of interaction " << id;
    EXPECT_EQ(started->signature, expectedSignature(started->timestamp, started->body));
    EXPECT_FALSE(started->delivery.empty());
    EXPECT_EQ(started->json->getValue<std::string>("type"), "conversation.started");
    EXPECT_EQ(started->json->getValue<std::string>("integration"), integration_);
    EXPECT_EQ(started->json->getObject("interaction")->getValue<std::string>("status"), "bot");
    const Poco::JSON::Array::Ptr history = started->json->getArray("messages");
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ(history->getObject(0)->getValue<std::string>("text"), "Hello, a question about " + word);
    EXPECT_EQ(interaction(id)->getValue<std::string>("status"), "bot");

    HttpResult r = asBot("/interactions/" + std::to_string(id) + "/messages", R"({"text":"Hi! I am the bot."})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("author"), "bot");
    EXPECT_EQ(r.json()->getValue<std::string>("author_id"), integration_);
    const auto seen = visitorHistory(token);
    EXPECT_NE(std::find(seen.begin(), seen.end(), std::make_pair(std::string("bot"), std::string("Hi! I am the bot."))),
              seen.end());

    write(token, "I still need a person");
    const auto again = bot_->waitFor("message.created", id);
    ASSERT_TRUE(again) << "the bot never heard of the client's second message";
    EXPECT_EQ(again->signature, expectedSignature(again->timestamp, again->body));
    EXPECT_EQ(again->json->getObject("message")->getValue<std::string>("text"), "I still need a person");
    EXPECT_EQ(again->json->getArray("messages")->size(), 3u);  // the client's two and the bot's reply
    EXPECT_NE(again->delivery, started->delivery);

    r = asBot("/interactions/" + std::to_string(id) + "/handoff", R"({"priority":70,"comment":"wants a human"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "queued");
    const auto after = interaction(id);
    EXPECT_EQ(after->getValue<std::string>("status"), "queued");
    EXPECT_EQ(after->getValue<int>("priority"), 70);
    EXPECT_EQ(after->getValue<std::string>("queue"), queue_);
    const auto change = lastChange(id);
    ASSERT_EQ(change.size(), 3u);
    EXPECT_EQ(change[1], "bot");
    EXPECT_EQ(change[2], "handed off by the bot: wants a human");

    EXPECT_TRUE(waitCount("conversations", conversationsBefore + 1));
    EXPECT_TRUE(waitCount("handed_off", handedOffBefore + 1));
}

TEST_F(Chatbot, ABotThatNeverAnswersLosesTheClientToPeopleWhenItsTimeIsUp) {
    const std::int64_t timedOutBefore = count("timed_out");
    const std::string word = routedWord();
    const auto started = std::chrono::steady_clock::now();
    const auto [token, id] = visit(word);
    ASSERT_TRUE(bot_->waitFor("conversation.started", id)) << whereIsIt(id);
    EXPECT_EQ(interaction(id)->getValue<std::string>("status"), "bot");

    waitStatus(id, "queued", 8s);
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, 1500ms);  // the queue's bot_timeout_seconds is 2
    const auto change = lastChange(id);
    ASSERT_EQ(change.size(), 3u);
    EXPECT_EQ(change[0], "queued");
    EXPECT_EQ(change[1], "system");
    EXPECT_EQ(change[2], "the bot did not answer in time");
    EXPECT_TRUE(waitCount("timed_out", timedOutBefore + 1)) << whereIsIt(id);
}

TEST_F(Chatbot, ABotThatFailsHandsTheClientToPeopleAtOnce) {
    const std::int64_t failuresBefore = count("failures");
    const std::string word = routedWord();
    bot_->respondFor(word, [](const Webhook&) { return std::make_pair(500, std::string(R"({"oops":true})")); });
    const auto started = std::chrono::steady_clock::now();
    const auto [token, id] = visit(word);
    ASSERT_TRUE(bot_->waitFor("conversation.started", id)) << whereIsIt(id);

    waitStatus(id, "queued", 5s);
    // Well before the bot's 2 s clock would have run out.
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1900ms);
    const auto change = lastChange(id);
    ASSERT_EQ(change.size(), 3u);
    EXPECT_EQ(change[1], "bot");
    EXPECT_NE(change[2].find("the bot failed: it answered HTTP 500"), std::string::npos) << change[2];
    EXPECT_TRUE(waitCount("failures", failuresBefore + 1)) << whereIsIt(id);
}

TEST_F(Chatbot, TheBotIsRefusedWhatItDoesNotHoldAndWithAWrongToken) {
    const std::string word = routedWord();
    bot_->respondFor(word, [](const Webhook&) { return std::make_pair(503, std::string()); });
    const auto [token, id] = visit(word);
    ASSERT_TRUE(bot_->waitFor("conversation.started", id)) << whereIsIt(id);
    waitStatus(id, "queued", 5s);
    const std::string path = "/interactions/" + std::to_string(id);

    HttpResult r = asBot(path + "/messages", R"({"text":"too late"})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json()->getObject("error")->getValue<std::string>("code"), "not_held_by_bot");
    r = asBot(path + "/close", "{}");
    EXPECT_EQ(r.status, 409) << r.body;
    r = asBot(path + "/handoff", "{}");
    EXPECT_EQ(r.status, 409) << r.body;
    for (const auto& [who, text] : visitorHistory(token)) EXPECT_NE(text, "too late");

    r = asBot(path + "/messages", R"({"text":"hello"})", "not-the-bot-token-123456");
    EXPECT_EQ(r.status, 401) << r.body;
    r = daemon_->http().request("POST", "/api/v1/integrations/chatbot/" + integration_ + path + "/messages",
                                R"({"text":"hello"})", {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 401) << r.body;
    r = admin("GET", "/api/v1/integrations/chatbot/" + integration_ + "/stats");
    EXPECT_EQ(r.status, 200);
    r = daemon_->http().get("/api/v1/integrations/chatbot/" + integration_ + "/stats", kBotToken);
    EXPECT_EQ(r.status, 401) << r.body;

    r = asBot(path + "/messages", R"({"text":"   "})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("'text'"), std::string::npos) << r.body;
    r = asBot(path + "/handoff", R"({"priority":101})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("'priority'"), std::string::npos) << r.body;
    r = asBot("/interactions/999999999999/messages", R"({"text":"hello"})");
    EXPECT_EQ(r.status, 404) << r.body;
    r = daemon_->http().request("POST", "/api/v1/integrations/chatbot/other-bot" + path + "/messages",
                                R"({"text":"hello"})",
                                {{"Authorization", "Bearer " + kBotToken}, {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 404) << r.body;
}

TEST_F(Chatbot, EachBotHearsOfAndActsOnOnlyWhatItsOwnIntegrationHolds) {
    const auto [token, id] = visit(routedWord());
    ASSERT_TRUE(bot_->waitFor("conversation.started", id)) << "the first bot never heard of interaction " << id;
    EXPECT_EQ(db_.text("SELECT COALESCE(bot, '') FROM interactions WHERE id = " + std::to_string(id)), integration_)
        << "recorded when the bot got it";
    const std::string path = "/interactions/" + std::to_string(id);
    // Its answer stops the bot's clock, so the interaction stays with it while the other bot tries.
    HttpResult r = asBot(path + "/messages", R"({"text":"Hello from the first bot"})");
    ASSERT_EQ(r.status, 201) << r.body;

    // The other bot, with its own valid token on its own paths: the interaction is not its integration's.
    for (const auto& [action, body] : std::vector<std::pair<std::string, std::string>>{
             {"/messages", R"({"text":"I am the wrong bot"})"}, {"/handoff", "{}"}, {"/close", "{}"}}) {
        const HttpResult r = asOtherBot(path + action, body);
        EXPECT_EQ(r.status, 409) << action << ": " << r.body;
        EXPECT_NE(r.body.find("not_held_by_bot"), std::string::npos) << r.body;
    }
    // Its token on the first integration's paths opens nothing.
    EXPECT_EQ(asBot(path + "/messages", R"({"text":"I am the wrong bot"})", kOtherBotToken).status, 401);
    EXPECT_EQ(interaction(id)->getValue<std::string>("status"), "bot");
    for (const auto& [who, text] : visitorHistory(token)) EXPECT_NE(text, "I am the wrong bot");
    EXPECT_FALSE(otherBot_->waitFor("conversation.started", id, 300ms)) << "the other bot was told of it";

    // The other queue's interaction goes to the other bot only, and the first bot may not touch it.
    const auto [otherToken, otherId] = visit(routedWord(otherQueue_));
    ASSERT_TRUE(otherBot_->waitFor("conversation.started", otherId)) << "the other bot never heard of " << otherId;
    const std::string otherPath = "/interactions/" + std::to_string(otherId);
    r = asOtherBot(otherPath + "/messages", R"({"text":"Hello from the other bot"})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("author_id"), otherIntegration_);
    r = asBot(otherPath + "/messages", R"({"text":"not mine"})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_FALSE(bot_->waitFor("conversation.started", otherId, 300ms)) << "the first bot was told of it";

    // Each still acts on its own.
    r = asBot(path + "/close", R"({"resolution":"answered"})");
    EXPECT_EQ(r.status, 200) << r.body;
    r = asOtherBot(otherPath + "/close", "{}");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto rows = db_.rows("SELECT actor_kind, actor_id FROM interaction_status_history WHERE interaction_id = " +
                               std::to_string(otherId) + " ORDER BY id DESC LIMIT 1");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"bot", otherIntegration_}));
}

TEST_F(Chatbot, ASynchronousAnswerRepliesAndClosesTheConversation) {
    const std::int64_t resolvedBefore = count("resolved_by_bot");
    const std::string word = routedWord();
    bot_->respondFor(word, [](const Webhook& w) {
        if (w.event != "conversation.started") return std::make_pair(204, std::string());
        return std::make_pair(
            200, std::string(R"({"actions":[{"reply":"Opening hours are 9 to 18."},)"
                             R"({"close":{"resolution":"answered by the bot"}}]})"));
    });
    const auto [token, id] = visit(word);
    ASSERT_TRUE(bot_->waitFor("conversation.started", id)) << whereIsIt(id);

    const auto closed = waitStatus(id, "closed", 5s);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->getValue<std::string>("resolution"), "answered by the bot");
    const auto seen = visitorHistory(token);
    EXPECT_NE(std::find(seen.begin(), seen.end(),
                        std::make_pair(std::string("bot"), std::string("Opening hours are 9 to 18."))),
              seen.end());
    const auto change = lastChange(id);
    ASSERT_EQ(change.size(), 3u);
    EXPECT_EQ(change[0], "closed");
    EXPECT_EQ(change[1], "bot");
    EXPECT_TRUE(waitCount("resolved_by_bot", resolvedBefore + 1));
    // The same counts on /metrics, for dashboards.
    const std::string metrics = daemon_->http().get("/metrics").body;
    EXPECT_NE(metrics.find("omnigate_chatbot_resolved_by_bot_total " + std::to_string(count("resolved_by_bot"))),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("omnigate_chatbot_conversations_total"), std::string::npos);
}

}  // namespace
}  // namespace omnigate::test
