// The knowledge-base suggester against the real daemon: a web chat visitor's message leads to suggestion.created
// with a real local knowledge base's answers and a matching template on the interaction's suggestions topic; with
// an operator holding the interaction, on the operator's topic too; a knowledge base that hangs costs about
// timeout_ms and still leaves the templates' suggestions. The templates are the core's: the file's and the plugin
// state's old ones are moved there at load, and the suggestions name them by the core's id.
// The shared database is never wiped: the integration, queue, operator, rule and templates carry unique ids, and
// messages carry a unique word, so only this run's suggestions are looked at.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <thread>

#include "integrations/knowledge_base/kb_server.h"
#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

constexpr int timeoutMs = 800;

class KnowledgeBaseEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        kb_ = new knowledge_base::test::KbServer;
        tag_ = "kb" + unique();
        {
            // The schema first (a daemon without the plugin migrates it), then a template as the plugin's old REST
            // saved it in its state.
            DaemonOptions schema;
            schema.instance = "kb-schema-" + unique();
            DaemonProcess migrated(schema);
            ASSERT_TRUE(migrated.waitReady()) << migrated.log();
        }
        DbProbe().execute(
            "INSERT INTO plugin_state (plugin, state_key, value, updated_at) VALUES ('knowledge_base', 'template/old-" +
            tag_ + R"(', '{"id":"old-)" + tag_ + R"(","title":"Возврат денег","text":"Деньги вернутся за 10 дней )" +
            R"({не переменная} )" + tag_ + R"(old","queues":[],"version":2}', NOW(3)), ('knowledge_base', 'uses/all/old-)" +
            tag_ + "', '5', NOW(3))");
        DaemonOptions options;
        options.instance = "kb-" + unique();
        options.environment["OMNIGATE_TEST_KB_AUTH"] = "Bearer kb-e2e-token";
        options.channelsYaml +=
            "integrations:\n"
            "  - type: knowledge_base\n"
            "    id: kb-" + unique() + "\n"
            "    settings:\n"
            "      search_url: " + kb_->url("/search") + "\n"
            "      auth_header: ${OMNIGATE_TEST_KB_AUTH}\n"
            "      timeout_ms: " + std::to_string(timeoutMs) + "\n"
            "      max_suggestions: 5\n"
            "      templates:\n"
            "        - id: delivery-" + tag_ + "\n"
            "          title: Сроки доставки\n"
            "          text: Доставка занимает 1-2 дня, номер " + tag_ + "\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
        delete kb_;
        kb_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
        for (const std::string& path : cleanup_) admin("DELETE", path);
    }

    HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "",
                     const std::string& token = "") {
        std::map<std::string, std::string> headers{
            {"Authorization", "Bearer " + (token.empty() ? daemon_->adminToken() : token)}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    std::string openSession() {
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"KB visitor"})");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::string>("token") : "";
    }

    // Posts a visitor's message; returns {message id, interaction id}.
    std::pair<std::int64_t, std::int64_t> write(const std::string& token, const std::string& text) {
        const HttpResult r =
            daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + R"("})", token);
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status != 201) return {0, 0};
        return {r.json()->getValue<std::int64_t>("id"), r.json()->getValue<std::int64_t>("interaction_id")};
    }

    static std::function<bool(const ReceivedMessage&)> suggestionFor(const std::string& topic, std::int64_t message) {
        return [topic, message](const ReceivedMessage& m) {
            if (m.topic != topic) return false;
            const auto event = parse(m.payload);
            return event->getValue<std::string>("type") == "suggestion.created" &&
                   event->getObject("data")->getValue<std::int64_t>("message_id") == message;
        };
    }

    static std::vector<std::string> sources(const Poco::JSON::Object::Ptr& data, std::string* templateIds = nullptr) {
        std::vector<std::string> out;
        const auto list = data->getArray("suggestions");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto s = list->getObject(static_cast<unsigned>(i));
            out.push_back(s->getValue<std::string>("source"));
            if (templateIds && s->has("id")) *templateIds += s->getValue<std::string>("id") + " ";
        }
        return out;
    }

    // The core's id of the file's template, as the suggestions name it.
    std::string deliveryId() {
        const HttpResult r = admin("GET", "/api/v1/templates?q=" + tag_ + "+%D0%B4%D0%BE%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D0%B0");
        EXPECT_EQ(r.status, 200) << r.body;
        const auto list = r.json()->getArray("templates");
        EXPECT_EQ(list->size(), 1u) << r.body;
        return list->size() == 1 ? std::to_string(list->getObject(0)->getValue<std::int64_t>("id")) : "";
    }

    static DaemonProcess* daemon_;
    static knowledge_base::test::KbServer* kb_;
    static std::string tag_;
    std::vector<std::string> cleanup_;
    DbProbe db_;
};

DaemonProcess* KnowledgeBaseEndToEnd::daemon_ = nullptr;
knowledge_base::test::KbServer* KnowledgeBaseEndToEnd::kb_ = nullptr;
std::string KnowledgeBaseEndToEnd::tag_;

TEST_F(KnowledgeBaseEndToEnd, AVisitorsMessageGetsKnowledgeBaseAnswersAndTheMatchingTemplate) {
    MqttProbe probe("omnigate/v1/interactions/+/suggestions");
    const std::string text = "Подскажите, сколько идёт доставка " + tag_ + "?";
    const auto [message, interaction] = write(openSession(), text);
    ASSERT_GT(message, 0);

    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/suggestions";
    const auto events = probe.waitFor(suggestionFor(topic, message), 1, 15s);
    ASSERT_EQ(events.size(), 1u) << "no suggestion.created on " << topic;
    const auto event = parse(events[0].payload);
    EXPECT_EQ(event->getValue<int>("schema_version"), 1);
    const auto data = event->getObject("data");
    EXPECT_EQ(data->getValue<std::int64_t>("interaction_id"), interaction);
    EXPECT_TRUE(data->isNull("operator_id"));
    std::string templateIds;
    const auto from = sources(data, &templateIds);
    EXPECT_EQ(std::count(from.begin(), from.end(), "knowledge_base"), 2) << events[0].payload;
    EXPECT_NE(templateIds.find(deliveryId() + " "), std::string::npos) << events[0].payload;
    const auto first = data->getArray("suggestions")->getObject(0);
    EXPECT_EQ(first->getValue<std::string>("title"), "Сроки доставки");
    EXPECT_EQ(first->getValue<std::string>("url"), "https://kb.example/1");

    // The knowledge base was asked with the message and the configured credentials.
    const auto seen = kb_->seen();
    EXPECT_EQ(seen.authorization, "Bearer kb-e2e-token");
    EXPECT_EQ(seen.limit, "5");
    // Only the operator's messages: a reply asks for nothing.
    const HttpResult reply = admin("POST", "/api/v1/interactions/" + std::to_string(interaction) + "/messages",
                                   R"({"text":"Доставка )" + tag_ + R"( занимает 1-2 дня"})");
    ASSERT_EQ(reply.status, 201) << reply.body;
    const std::int64_t replyId = reply.json()->getValue<std::int64_t>("id");
    EXPECT_TRUE(probe.waitFor(suggestionFor(topic, replyId), 1, 2s).empty());
}

TEST_F(KnowledgeBaseEndToEnd, TheOperatorHoldingTheInteractionGetsItOnTheirTopic) {
    const std::string u = unique();
    const std::string queue = "q-kb-" + u, group = "g-kb-" + u, op = "op-kb-" + u, word = "kbroute" + u;
    HttpResult r = admin("POST", "/api/v1/queues", R"({"id":")" + queue + R"(","name":"KB )" + u + R"(","auto_accept":true})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.insert(cleanup_.begin(), "/api/v1/queues/" + queue);
    r = admin("POST", "/api/v1/operator-groups",
              R"({"id":")" + group + R"(","name":"KB group )" + u + R"(","queues":[")" + queue + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.insert(cleanup_.begin(), "/api/v1/operator-groups/" + group);
    r = admin("POST", "/api/v1/operators",
              R"({"id":")" + op + R"(","name":"KB operator )" + u + R"(","capacities":{"webchat":1},"groups":[")" +
                  group + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.insert(cleanup_.begin(), "/api/v1/operators/" + op);
    r = admin("POST", "/api/v1/routing-rules",
              R"({"name":"kb )" + u + R"(","conditions":{"words":[")" + word + R"("]},"actions":{"queue":")" + queue +
                  R"(","priority":5}})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.insert(cleanup_.begin(), "/api/v1/routing-rules/" + std::to_string(r.json()->getValue<std::int64_t>("id")));
    r = admin("PUT", "/api/v1/operators/" + op + "/status", R"({"status":"ready"})");
    ASSERT_EQ(r.status, 200) << r.body;

    MqttProbe probe("omnigate/v1/operators/" + op + "/suggestions");
    const std::string token = openSession();
    const auto [first, interaction] = write(token, "Hello " + word);
    ASSERT_GT(interaction, 0);
    std::string status;
    for (int i = 0; i < 100 && status != "assigned"; ++i) {
        std::this_thread::sleep_for(100ms);
        const HttpResult read = admin("GET", "/api/v1/interactions/" + std::to_string(interaction));
        status = read.json()->getObject("interaction")->getValue<std::string>("status");
    }
    ASSERT_EQ(status, "assigned") << "auto_accept should have given it to " << op;

    const auto [second, same] = write(token, "Где моя доставка " + tag_ + "?");
    ASSERT_EQ(same, interaction);
    const auto events = probe.waitFor(suggestionFor("omnigate/v1/operators/" + op + "/suggestions", second), 1, 15s);
    ASSERT_EQ(events.size(), 1u) << "the holding operator got no suggestion";
    const auto data = parse(events[0].payload)->getObject("data");
    EXPECT_EQ(data->getValue<std::string>("operator_id"), op);
    EXPECT_EQ(data->getValue<std::string>("queue"), queue);
    EXPECT_EQ(data->getValue<std::int64_t>("interaction_id"), interaction);
    EXPECT_FALSE(sources(data).empty());

    // Closed, so the operator can be deleted by the clean-up.
    r = admin("POST", "/api/v1/interactions/" + std::to_string(interaction) + "/close", R"({"resolution":"kb test"})");
    EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(KnowledgeBaseEndToEnd, TemplatesKeptTheOldWayAreTheCoresAfterTheMove) {
    // The one added over the plugin's old REST, as its state kept it, and the file's: both are the core's now.
    // "…old вернутся": the file's template shares the tag's word, not this one.
    HttpResult r = admin("GET", "/api/v1/templates?q=" + tag_ + "old+%D0%B2%D0%B5%D1%80%D0%BD%D1%83%D1%82%D1%81%D1%8F");
    ASSERT_EQ(r.status, 200) << r.body;
    auto list = r.json()->getArray("templates");
    ASSERT_EQ(list->size(), 1u) << r.body;
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("title"), "Возврат денег");
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("text"), "Деньги вернутся за 10 дней {не переменная} " + tag_ + "old");
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("scope"), "shared");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM plugin_state WHERE plugin = 'knowledge_base' AND state_key LIKE "
                         "'%old-" + tag_ + "'"),
              0)
        << "the state's copy and its counts are forgotten once the core has it";
    EXPECT_FALSE(deliveryId().empty());
}

TEST_F(KnowledgeBaseEndToEnd, AHangingKnowledgeBaseStillYieldsTemplateSuggestionsWithinItsTimeout) {
    MqttProbe probe("omnigate/v1/interactions/+/suggestions");
    const std::string token = openSession();
    kb_->hangSearch = true;
    const auto started = std::chrono::steady_clock::now();
    const auto [message, interaction] = write(token, "Доставка " + tag_ + " когда?");
    ASSERT_GT(message, 0);
    const std::string topic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/suggestions";
    const auto events = probe.waitFor(suggestionFor(topic, message), 1, 15s);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    kb_->hangSearch = false;
    ASSERT_EQ(events.size(), 1u) << "a hanging knowledge base held up the suggestion";
    EXPECT_LT(elapsed, std::chrono::milliseconds(timeoutMs) + 2500ms)
        << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
    std::string templateIds;
    const auto from = sources(parse(events[0].payload)->getObject("data"), &templateIds);
    EXPECT_EQ(std::count(from.begin(), from.end(), "knowledge_base"), 0) << events[0].payload;
    EXPECT_NE(templateIds.find(deliveryId() + " "), std::string::npos) << events[0].payload;

    const HttpResult metrics = daemon_->http().get("/metrics");
    const std::string gauge = "\nomnigate_knowledge_base_kb_failures_total ";
    const auto at = metrics.body.find(gauge);
    ASSERT_NE(at, std::string::npos) << metrics.body;
    EXPECT_GE(std::stod(metrics.body.substr(at + gauge.size())), 1.0);
}

}  // namespace
}  // namespace omnigate::test
