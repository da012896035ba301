// Prioritisation rules end to end, against the real daemon: create, insert at a position, reorder and watch the
// dry run change its answer, edit with a stale version, delete; a dry run by interaction id for a real web chat
// message; bad input refused naming the field with nothing written; the catalog events on MQTT. The database is
// shared and never wiped: every rule here matches only a word made up for the run, and is deleted at the end.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

const char* const kEventTopic = "omnigate/v1/catalogs/routing-rules/events";

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

// Letters and digits only, so the rules see it as one word.
std::string uniqueWord(const std::string& prefix) {
    std::string id = uniqueId();
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    return prefix + id.substr(0, 16);
}

std::string upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

std::string errorMessage(const HttpResult& r) {
    try {
        return r.json()->getObject("error")->getValue<std::string>("message");
    } catch (const std::exception&) {
        return "(no JSON error in: " + r.body + ")";
    }
}

std::string errorCode(const HttpResult& r) {
    try {
        return r.json()->getObject("error")->getValue<std::string>("code");
    } catch (const std::exception&) {
        return "";
    }
}

class RoutingRulesEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "routing-rules";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        // Whatever a failed test left behind must not route anybody else's interactions.
        for (const std::int64_t id : rules_) call("DELETE", "/api/v1/routing-rules/" + std::to_string(id));
        // A queue an interaction was routed into stays (the API refuses, and so does the guard below), so that
        // interaction does not point at nothing.
        for (const std::string& queue : queues_) {
            call("DELETE", "/api/v1/queues/" + queue);
            db_.execute("DELETE FROM queues WHERE id = '" + queue +
                        "' AND NOT EXISTS (SELECT 1 FROM interactions WHERE queue = '" + queue + "')");
        }
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult call(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    // A queue of our own with no sources, so it takes nothing by default. Through the queues API once the daemon
    // serves it; until then as a row, the way that API would store it.
    std::string createQueue() {
        const std::string id = "rr-" + uniqueWord("").substr(0, 12);
        const HttpResult r = call("POST", "/api/v1/queues", R"({"id":")" + id + R"(","name":"Rules test )" + id + R"("})");
        if (r.status != 201) {
            db_.execute("INSERT INTO queues (id, name, settings, created_at, updated_at) VALUES ('" + id +
                        "', 'Rules test " + id + "', '{}', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))");
        }
        queues_.push_back(id);
        return id;
    }

    // POSTs the rule; remembers it for clean-up. Returns the answer.
    HttpResult createRule(const std::string& body) {
        const HttpResult r = call("POST", "/api/v1/routing-rules", body);
        if (r.status == 201) rules_.push_back(r.json()->getValue<std::int64_t>("id"));
        return r;
    }

    std::int64_t createRuleId(const std::string& body) {
        const HttpResult r = createRule(body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
    }

    void deleteRule(std::int64_t id) {
        const HttpResult r = call("DELETE", "/api/v1/routing-rules/" + std::to_string(id));
        EXPECT_EQ(r.status, 204) << r.body;
        rules_.erase(std::remove(rules_.begin(), rules_.end(), id), rules_.end());
    }

    static std::vector<std::int64_t> ruleIds() {
        const HttpResult r = call("GET", "/api/v1/routing-rules");
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::int64_t> ids;
        const auto rules = r.json()->getArray("rules");
        for (std::size_t i = 0; i < rules->size(); ++i) {
            ids.push_back(rules->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
        }
        return ids;
    }

    // Moves `first` to just before `before`, keeping everyone else's order. Other suites may add or delete their
    // own rules meanwhile (the database is shared): then the list we sent is stale, and we read it again.
    static void moveBefore(std::int64_t first, std::int64_t before) {
        HttpResult r;
        for (int attempt = 0; attempt < 5; ++attempt) {
            std::vector<std::int64_t> ids = ruleIds();
            ids.erase(std::remove(ids.begin(), ids.end(), first), ids.end());
            ids.insert(std::find(ids.begin(), ids.end(), before), first);
            std::string body;
            for (const std::int64_t id : ids) body += (body.empty() ? "" : ",") + std::to_string(id);
            r = call("PUT", "/api/v1/routing-rules/order", R"({"ids":[)" + body + "]}");
            if (r.status == 200) return;
        }
        ADD_FAILURE() << "reorder failed: " << r.body;
    }

    static Poco::JSON::Object::Ptr dryRun(const std::string& body) {
        const HttpResult r = call("POST", "/api/v1/routing-rules/dry-run", body);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? r.json() : parse("{}");
    }

    // The trace entry of `ruleId`, or null when the dry run did not look at it.
    static Poco::JSON::Object::Ptr traceOf(const Poco::JSON::Object::Ptr& answer, std::int64_t ruleId) {
        const auto trace = answer->getArray("trace");
        for (std::size_t i = 0; trace && i < trace->size(); ++i) {
            const auto entry = trace->getObject(static_cast<unsigned>(i));
            if (entry->getValue<std::int64_t>("rule_id") == ruleId) return entry;
        }
        return nullptr;
    }

    static std::string reasonsOf(const Poco::JSON::Object::Ptr& entry) {
        std::string out;
        if (!entry) return out;
        const auto reasons = entry->getArray("reasons");
        for (std::size_t i = 0; i < reasons->size(); ++i) out += reasons->getElement<std::string>(static_cast<unsigned>(i)) + " | ";
        return out;
    }

    static std::int64_t matchedId(const Poco::JSON::Object::Ptr& answer) {
        return answer->isNull("matched") || !answer->has("matched") ? 0
                                                                     : answer->getObject("matched")->getValue<std::int64_t>("id");
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
    std::vector<std::int64_t> rules_;
    std::vector<std::string> queues_;
};

DaemonProcess* RoutingRulesEndToEnd::daemon_ = nullptr;

TEST_F(RoutingRulesEndToEnd, EveryEndpointNeedsTheAdminToken) {
    const std::vector<std::pair<std::string, std::string>> routes{
        {"GET", "/api/v1/routing-rules"},      {"POST", "/api/v1/routing-rules"},
        {"GET", "/api/v1/routing-rules/1"},    {"PATCH", "/api/v1/routing-rules/1"},
        {"DELETE", "/api/v1/routing-rules/1"}, {"PUT", "/api/v1/routing-rules/order"},
        {"POST", "/api/v1/routing-rules/dry-run"},
    };
    for (const auto& [method, path] : routes) {
        const HttpResult r = daemon_->http().request(method, path, R"({"name":"intruder"})",
                                                     {{"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, 401) << method << " " << path << ": " << r.body;
        EXPECT_EQ(errorCode(r), "unauthorized");
    }
}

TEST_F(RoutingRulesEndToEnd, OrderDecidesAndEveryChangeIsPublished) {
    MqttProbe probe(kEventTopic);
    const std::string queueA = createQueue();
    const std::string queueB = createQueue();
    const std::string word = uniqueWord("refund");

    const HttpResult a = createRule(R"({"name":"Refunds A","conditions":{"words":[")" + word +
                                    R"("]},"actions":{"queue":")" + queueA + R"(","priority":10}})");
    ASSERT_EQ(a.status, 201) << a.body;
    const auto ruleA = a.json();
    const std::int64_t idA = ruleA->getValue<std::int64_t>("id");
    EXPECT_EQ(ruleA->getValue<std::string>("name"), "Refunds A");
    EXPECT_TRUE(ruleA->getValue<bool>("active"));
    EXPECT_EQ(ruleA->getValue<int>("version"), 1);
    EXPECT_EQ(ruleA->getObject("actions")->getValue<std::string>("queue"), queueA);
    EXPECT_EQ(ruleA->getObject("actions")->getValue<int>("priority"), 10);
    EXPECT_EQ(ruleA->getObject("conditions")->getArray("words")->getElement<std::string>(0), word);
    EXPECT_FALSE(ruleA->getValue<std::string>("created_at").empty());

    const HttpResult b = createRule(R"({"name":"Refunds B","conditions":{"words":[")" + word +
                                    R"("],"waited_seconds_at_least":0},"actions":{"queue":")" + queueB +
                                    R"(","priority":60,"priority_per_minute":1.5}})");
    ASSERT_EQ(b.status, 201) << b.body;
    const std::int64_t idB = b.json()->getValue<std::int64_t>("id");
    // Appended: B after A, in the response, the list and the table.
    EXPECT_GT(b.json()->getValue<int>("position"), ruleA->getValue<int>("position"));
    auto ids = ruleIds();
    EXPECT_LT(std::find(ids.begin(), ids.end(), idA), std::find(ids.begin(), ids.end(), idB));
    EXPECT_LT(db_.scalar("SELECT position FROM routing_rules WHERE id = " + std::to_string(idA)),
              db_.scalar("SELECT position FROM routing_rules WHERE id = " + std::to_string(idB)));
    EXPECT_EQ(db_.text("SELECT name FROM routing_rules WHERE id = " + std::to_string(idB)), "Refunds B");

    // The dry run: A comes first and matches (whole word, any case, punctuation around it).
    const std::string facts = R"({"channel":"webchat","account":"demo","text":"Hi! )" + upper(word) +
                              R"(, please.","waited_seconds":30})";
    auto answer = dryRun(facts);
    EXPECT_EQ(matchedId(answer), idA) << answer->getArray("trace")->size();
    EXPECT_EQ(answer->getValue<std::string>("queue"), queueA);
    EXPECT_EQ(answer->getValue<int>("priority"), 10);
    EXPECT_NE(reasonsOf(traceOf(answer, idA)).find("contains the word '" + word + "'"), std::string::npos)
        << reasonsOf(traceOf(answer, idA));
    EXPECT_TRUE(traceOf(answer, idA)->getValue<bool>("matched"));
    EXPECT_TRUE(traceOf(answer, idB).isNull()) << "the walk stops at the first match";
    EXPECT_EQ(answer->getObject("facts")->getValue<int>("waited_seconds"), 30);
    EXPECT_NE(answer->getValue<std::string>("explanation").find("queue '" + queueA + "'"), std::string::npos);

    // Reordered: B first now, and the same example goes to B's queue.
    moveBefore(idB, idA);
    ids = ruleIds();
    EXPECT_LT(std::find(ids.begin(), ids.end(), idB), std::find(ids.begin(), ids.end(), idA));
    EXPECT_LT(db_.scalar("SELECT position FROM routing_rules WHERE id = " + std::to_string(idB)),
              db_.scalar("SELECT position FROM routing_rules WHERE id = " + std::to_string(idA)));
    answer = dryRun(facts);
    EXPECT_EQ(matchedId(answer), idB);
    EXPECT_EQ(answer->getValue<std::string>("queue"), queueB);
    EXPECT_EQ(answer->getValue<int>("priority"), 60);
    EXPECT_DOUBLE_EQ(answer->getValue<double>("priority_per_minute"), 1.5);
    EXPECT_NE(reasonsOf(traceOf(answer, idB)).find("waited 30 s, at least 0 s"), std::string::npos);

    // A list that leaves a rule out is refused, naming it; so is one naming a rule that does not exist.
    std::string partial;
    for (const std::int64_t id : ruleIds()) {
        if (id != idA) partial += (partial.empty() ? "" : ",") + std::to_string(id);
    }
    HttpResult refused = call("PUT", "/api/v1/routing-rules/order", R"({"ids":[)" + partial + "]}");
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_NE(errorMessage(refused).find("missing"), std::string::npos) << errorMessage(refused);
    EXPECT_NE(errorMessage(refused).find(std::to_string(idA)), std::string::npos) << errorMessage(refused);
    refused = call("PUT", "/api/v1/routing-rules/order", R"({"ids":[)" + partial + "," + std::to_string(idA) +
                                                            ",999999999999]}");
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_NE(errorMessage(refused).find("unknown 999999999999"), std::string::npos) << errorMessage(refused);
    refused = call("PUT", "/api/v1/routing-rules/order", R"({"ids":["x"]})");
    EXPECT_EQ(refused.status, 400);
    EXPECT_NE(errorMessage(refused).find("'ids[0]'"), std::string::npos) << errorMessage(refused);

    // Edits: B switched off (version 1 → 2), so A matches again and B shows as skipped.
    HttpResult edited = call("PATCH", "/api/v1/routing-rules/" + std::to_string(idB), R"({"version":1,"active":false})");
    ASSERT_EQ(edited.status, 200) << edited.body;
    EXPECT_FALSE(edited.json()->getValue<bool>("active"));
    EXPECT_EQ(edited.json()->getValue<int>("version"), 2);
    EXPECT_EQ(edited.json()->getObject("actions")->getValue<std::string>("queue"), queueB) << "the rest is kept";
    EXPECT_EQ(db_.scalar("SELECT active FROM routing_rules WHERE id = " + std::to_string(idB)), 0);
    answer = dryRun(facts);
    EXPECT_EQ(matchedId(answer), idA);
    EXPECT_NE(reasonsOf(traceOf(answer, idB)).find("inactive"), std::string::npos);

    // Somebody who read version 1 loses: 409, and B stays as the first edit left it.
    edited = call("PATCH", "/api/v1/routing-rules/" + std::to_string(idB), R"({"version":1,"name":"Stale"})");
    EXPECT_EQ(edited.status, 409) << edited.body;
    EXPECT_EQ(errorCode(edited), "version_conflict");
    EXPECT_EQ(db_.text("SELECT name FROM routing_rules WHERE id = " + std::to_string(idB)), "Refunds B");

    // A patch of conditions merges key by key: A keeps its word and needs a client flag as well now, which the
    // example lacks, so nothing matches and the answer says where the interaction goes instead.
    const std::string flag = uniqueWord("flag");
    edited = call("PATCH", "/api/v1/routing-rules/" + std::to_string(idA),
                  R"({"version":1,"conditions":{"client_flags":[")" + flag + R"("]}})");
    ASSERT_EQ(edited.status, 200) << edited.body;
    EXPECT_EQ(edited.json()->getObject("conditions")->getArray("words")->getElement<std::string>(0), word);
    answer = dryRun(facts);
    EXPECT_EQ(matchedId(answer), 0);
    EXPECT_TRUE(answer->isNull("queue"));
    EXPECT_EQ(answer->getValue<std::string>("explanation"),
              "no active rule matches; the interaction goes to the first queue whose sources accept it");
    EXPECT_NE(reasonsOf(traceOf(answer, idA)).find("lacks the flags [" + flag + "]"), std::string::npos)
        << reasonsOf(traceOf(answer, idA));
    // With the flag, it matches.
    answer = dryRun(R"({"text":")" + word + R"(","client_flags":[")" + flag + R"("]})");
    EXPECT_EQ(matchedId(answer), idA);

    // Deleted: gone from the API and the table.
    deleteRule(idA);
    deleteRule(idB);
    EXPECT_EQ(call("GET", "/api/v1/routing-rules/" + std::to_string(idA)).status, 404);
    EXPECT_EQ(call("DELETE", "/api/v1/routing-rules/" + std::to_string(idA)).status, 404);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM routing_rules WHERE id IN (" + std::to_string(idA) + "," +
                         std::to_string(idB) + ")"),
              0);

    // Every change was announced, with the rule (or its id, or the new order) as data.
    const auto event = [&](const std::string& type, std::int64_t id) {
        return probe.waitFor(
            [&](const ReceivedMessage& m) {
                const auto payload = parse(m.payload);
                if (payload->getValue<std::string>("type") != type) return false;
                const auto data = payload->getObject("data");
                if (type == "routing_rules.reordered") {
                    const auto order = data->getArray("ids");
                    for (std::size_t i = 0; i < order->size(); ++i) {
                        if (order->getElement<std::int64_t>(static_cast<unsigned>(i)) == id) return true;
                    }
                    return false;
                }
                return data->getValue<std::int64_t>("id") == id;
            },
            1, 10s);
    };
    EXPECT_EQ(event("routing_rule.created", idA).size(), 1u);
    EXPECT_EQ(event("routing_rule.created", idB).size(), 1u);
    EXPECT_EQ(event("routing_rules.reordered", idB).size(), 1u);
    const auto updated = event("routing_rule.updated", idB);
    ASSERT_EQ(updated.size(), 1u);
    EXPECT_EQ(parse(updated[0].payload)->getObject("data")->getArray("changes")->getElement<std::string>(0), "active");
    EXPECT_EQ(event("routing_rule.updated", idA).size(), 1u);
    EXPECT_EQ(event("routing_rule.deleted", idA).size(), 1u);
    EXPECT_EQ(event("routing_rule.deleted", idB).size(), 1u);
}

TEST_F(RoutingRulesEndToEnd, APositionInsertsTheRuleThere) {
    const std::string queue = createQueue();
    const std::string word = uniqueWord("pos");
    const std::string rule = R"(","conditions":{"words":[")" + word + R"("]},"actions":{"queue":")" + queue + R"("}})";
    const std::int64_t first = createRuleId(R"({"name":"first)" + rule);
    const std::int64_t second = createRuleId(R"({"name":"second)" + rule);
    ASSERT_TRUE(first && second);
    const int position = static_cast<int>(db_.scalar("SELECT position FROM routing_rules WHERE id = " + std::to_string(first)));
    const HttpResult inserted = createRule(R"({"position":)" + std::to_string(position) + R"(,"name":"inserted)" + rule);
    ASSERT_EQ(inserted.status, 201) << inserted.body;
    const std::int64_t id = inserted.json()->getValue<std::int64_t>("id");
    EXPECT_EQ(inserted.json()->getValue<int>("position"), position);
    // It stands right before the rule that held the place, which moved down one.
    const auto ids = ruleIds();
    const auto at = std::find(ids.begin(), ids.end(), id);
    ASSERT_NE(at, ids.end());
    ASSERT_NE(at + 1, ids.end());
    EXPECT_EQ(*(at + 1), first);
    EXPECT_EQ(db_.scalar("SELECT position FROM routing_rules WHERE id = " + std::to_string(first)), position + 1);
    EXPECT_EQ(matchedId(dryRun(R"({"text":")" + word + R"("})")), id);

    // Past the end: refused, naming the field.
    const HttpResult far = createRule(R"({"position":100000000,"name":"far)" + rule);
    EXPECT_EQ(far.status, 400) << far.body;
    EXPECT_NE(errorMessage(far).find("'position'"), std::string::npos) << errorMessage(far);
    EXPECT_EQ(createRule(R"({"position":0,"name":"zero)" + rule).status, 400);

    for (const std::int64_t r : {id, first, second}) deleteRule(r);
}

TEST_F(RoutingRulesEndToEnd, DryRunByInteractionReadsItsLatestText) {
    const std::string queue = createQueue();
    const std::string word = uniqueWord("срочно");
    const std::int64_t rule = createRuleId(R"({"name":"Urgent chats","conditions":{"channels":["webchat"],)"
                                           R"("accounts":["demo"],"words":[")" +
                                           word + R"("]},"actions":{"queue":")" + queue + R"(","priority":90}})");
    ASSERT_NE(rule, 0);

    const HttpResult session = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Ирина"})");
    ASSERT_EQ(session.status, 201) << session.body;
    const std::string token = session.json()->getValue<std::string>("token");
    const std::string text = "Добрый день! " + word + ": не работает оплата.";
    const HttpResult message =
        daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + R"("})", token);
    ASSERT_EQ(message.status, 201) << message.body;
    const std::int64_t interaction = message.json()->getValue<std::int64_t>("interaction_id");

    auto answer = dryRun(R"({"interaction_id":)" + std::to_string(interaction) + "}");
    EXPECT_EQ(matchedId(answer), rule) << reasonsOf(traceOf(answer, rule));
    EXPECT_EQ(answer->getValue<std::string>("queue"), queue);
    EXPECT_EQ(answer->getValue<int>("priority"), 90);
    const auto facts = answer->getObject("facts");
    EXPECT_EQ(facts->getValue<std::int64_t>("interaction_id"), interaction);
    EXPECT_EQ(facts->getValue<std::string>("channel"), "webchat");
    EXPECT_EQ(facts->getValue<std::string>("account"), "demo");
    EXPECT_EQ(facts->getValue<std::string>("text"), text);
    EXPECT_GE(facts->getValue<int>("waited_seconds"), 0);
    EXPECT_LT(facts->getValue<int>("waited_seconds"), 600);
    const std::string reasons = reasonsOf(traceOf(answer, rule));
    EXPECT_NE(reasons.find("channel 'webchat' is one of [webchat]"), std::string::npos) << reasons;
    EXPECT_NE(reasons.find("contains the word '" + word + "'"), std::string::npos) << reasons;

    // The visitor writes again without the word: the rules look at the latest inbound text only.
    ASSERT_EQ(daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"Уже не важно"})", token).status, 201);
    answer = dryRun(R"({"interaction_id":)" + std::to_string(interaction) + "}");
    EXPECT_NE(matchedId(answer), rule);
    EXPECT_EQ(answer->getObject("facts")->getValue<std::string>("text"), "Уже не важно");
    EXPECT_FALSE(traceOf(answer, rule)->getValue<bool>("matched"));

    const HttpResult unknown = call("POST", "/api/v1/routing-rules/dry-run", R"({"interaction_id":999999999999})");
    EXPECT_EQ(unknown.status, 404) << unknown.body;
    const HttpResult both = call("POST", "/api/v1/routing-rules/dry-run",
                                 R"({"interaction_id":)" + std::to_string(interaction) + R"(,"text":"x"})");
    EXPECT_EQ(both.status, 400) << both.body;
    deleteRule(rule);
}

TEST_F(RoutingRulesEndToEnd, DryRunByInteractionSeesTheClientsFlagsCardAndTopics) {
    const std::string queue = createQueue();
    const std::string flag = uniqueWord("vip");
    const std::string tier = uniqueWord("gold");
    const HttpResult topic = call("POST", "/api/v1/topics", R"({"name":"Rules )" + uniqueId() + R"("})");
    ASSERT_EQ(topic.status, 201) << topic.body;
    const std::int64_t topicId = topic.json()->getValue<std::int64_t>("id");

    const HttpResult session = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Pavel"})");
    ASSERT_EQ(session.status, 201) << session.body;
    const HttpResult message = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"hello"})",
                                                        session.json()->getValue<std::string>("token"));
    ASSERT_EQ(message.status, 201) << message.body;
    const std::int64_t interaction = message.json()->getValue<std::int64_t>("interaction_id");
    const std::int64_t client = message.json()->getValue<std::int64_t>("client_id");

    const std::int64_t rule = createRuleId(R"({"name":"VIP gold","conditions":{"client_flags":[")" + flag +
                                           R"("],"card_fields":{"tier":")" + tier + R"("},"topics":[)" +
                                           std::to_string(topicId) + R"(]},"actions":{"queue":")" + queue + R"("}})");
    ASSERT_NE(rule, 0);
    const std::string dry = R"({"interaction_id":)" + std::to_string(interaction) + "}";
    auto answer = dryRun(dry);
    EXPECT_NE(matchedId(answer), rule);
    std::string reasons = reasonsOf(traceOf(answer, rule));
    EXPECT_NE(reasons.find("lacks the flags [" + flag + "]"), std::string::npos) << reasons;
    EXPECT_NE(reasons.find("has no field 'tier'"), std::string::npos) << reasons;
    EXPECT_NE(reasons.find("none of the topics [" + std::to_string(topicId) + "]"), std::string::npos) << reasons;

    // The client gets the flag and the card field, the interaction the topic: now the rule holds.
    const HttpResult classified = call("PUT", "/api/v1/interactions/" + std::to_string(interaction) + "/topics",
                                       R"({"topic_ids":[)" + std::to_string(topicId) + "]}");
    ASSERT_EQ(classified.status, 200) << classified.body;
    const HttpResult card = call("GET", "/api/v1/clients/" + std::to_string(client));
    ASSERT_EQ(card.status, 200) << card.body;
    const HttpResult edited =
        call("PATCH", "/api/v1/clients/" + std::to_string(client),
             R"({"version":)" + std::to_string(card.json()->getValue<int>("version")) + R"(,"flags":["other",")" +
                 flag + R"("],"card":{"tier":")" + tier + R"(","city":"Казань"}})");
    ASSERT_EQ(edited.status, 200) << edited.body;

    answer = dryRun(dry);
    EXPECT_EQ(matchedId(answer), rule) << reasonsOf(traceOf(answer, rule));
    const auto facts = answer->getObject("facts");
    const auto flags = facts->getArray("client_flags");
    ASSERT_EQ(flags->size(), 2u);
    EXPECT_EQ(flags->getElement<std::string>(1), flag);
    EXPECT_EQ(facts->getObject("card")->getValue<std::string>("tier"), tier);
    EXPECT_EQ(facts->getObject("card")->getValue<std::string>("city"), "Казань");
    ASSERT_EQ(facts->getArray("topics")->size(), 1u);
    EXPECT_EQ(facts->getArray("topics")->getElement<std::int64_t>(0), topicId);
    EXPECT_EQ(facts->getValue<std::string>("text"), "hello");
    deleteRule(rule);
}

TEST_F(RoutingRulesEndToEnd, BadInputIsRefusedNamingTheFieldAndNothingIsWritten) {
    const std::string queue = createQueue();
    const std::string name = "Bad " + uniqueId();
    const std::string missingQueue = "nope-" + uniqueWord("").substr(0, 10);
    const std::int64_t missingTopic = 999999999999;
    struct Case {
        std::string body;
        std::string message;
    };
    const std::vector<Case> cases = {
        {R"({"name":")" + name + R"(","actions":{"queue":")" + missingQueue + R"("}})",
         "'actions.queue': no queue '" + missingQueue + "'"},
        {R"({"name":")" + name + R"(","actions":{"queue":")" + queue + R"(","priority":101}})", "'actions.priority'"},
        {R"({"name":")" + name + R"(","conditions":{"colour":["red"]},"actions":{"queue":")" + queue + R"("}})",
         "'conditions.colour' is not a condition (known: channels, accounts"},
        {R"({"name":")" + name + R"(","conditions":{"topics":[)" + std::to_string(missingTopic) +
             R"(]},"actions":{"queue":")" + queue + R"("}})",
         "'conditions.topics': no topic " + std::to_string(missingTopic)},
        {R"({"name":")" + name + R"(","actions":{"queue":")" + queue + R"(","priority_per_minute":-1}})",
         "'actions.priority_per_minute'"},
        {R"({"name":")" + name + R"(","actions":{"queue":")" + queue + R"(","weight":3}})",
         "'actions.weight' is not an action"},
        {R"({"name":")" + name + R"(","priority":5,"actions":{"queue":")" + queue + R"("}})",
         "'priority' is not a field of a routing rule"},
        {R"({"name":")" + name + R"(","conditions":{"words":[""]},"actions":{"queue":")" + queue + R"("}})",
         "'conditions.words[0]' is empty"},
        {R"({"name":")" + name + R"(","conditions":{"waited_seconds_at_least":"60"},"actions":{"queue":")" + queue + R"("}})",
         "'conditions.waited_seconds_at_least'"},
        {R"({"actions":{"queue":")" + queue + R"("}})", "'name' is required"},
        {R"({"name":")" + name + R"("})", "'actions' is required"},
        {"not json", "not valid JSON"},
    };
    for (const Case& c : cases) {
        const HttpResult r = createRule(c.body);
        EXPECT_EQ(r.status, 400) << c.body << ": " << r.body;
        EXPECT_NE(errorMessage(r).find(c.message), std::string::npos) << c.body << "\n  said: " << errorMessage(r);
    }
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM routing_rules WHERE name = '" + name + "'"), 0);

    // Edits are held to the same rules, and a refused edit changes nothing.
    const std::string word = uniqueWord("bad");
    const std::int64_t id = createRuleId(R"({"name":")" + name + R"(","conditions":{"words":[")" + word +
                                         R"("]},"actions":{"queue":")" + queue + R"("}})");
    ASSERT_NE(id, 0);
    const std::string path = "/api/v1/routing-rules/" + std::to_string(id);
    const std::vector<Case> edits = {
        {R"({"version":1,"actions":{"queue":")" + missingQueue + R"("}})", "'actions.queue': no queue"},
        {R"({"version":1,"actions":{"priority":101}})", "'actions.priority'"},
        {R"({"version":1,"conditions":{"colour":null}})", "'conditions.colour' is not a condition"},
        {R"({"version":1,"position":1})", "'position' is not a field"},
        {R"({"name":"x"})", "'version' is required"},
        {R"({"version":1})", "changes nothing"},
        {R"({"version":1,"actions":{"queue":null}})", "'actions.queue' is required"},
    };
    for (const Case& c : edits) {
        const HttpResult r = call("PATCH", path, c.body);
        EXPECT_EQ(r.status, 400) << c.body << ": " << r.body;
        EXPECT_NE(errorMessage(r).find(c.message), std::string::npos) << c.body << "\n  said: " << errorMessage(r);
    }
    EXPECT_EQ(db_.scalar("SELECT version FROM routing_rules WHERE id = " + std::to_string(id)), 1);
    EXPECT_EQ(db_.text("SELECT actions FROM routing_rules WHERE id = " + std::to_string(id)).find(missingQueue),
              std::string::npos);
    EXPECT_EQ(call("PATCH", "/api/v1/routing-rules/999999999999", R"({"version":1,"name":"x"})").status, 404);
    EXPECT_EQ(call("GET", "/api/v1/routing-rules/999999999999").status, 404);
    EXPECT_EQ(call("GET", "/api/v1/routing-rules/abc").status, 400);

    // The dry run's facts are checked too.
    const HttpResult badFacts = call("POST", "/api/v1/routing-rules/dry-run", R"({"waited_seconds":-5})");
    EXPECT_EQ(badFacts.status, 400);
    EXPECT_NE(errorMessage(badFacts).find("'waited_seconds'"), std::string::npos) << errorMessage(badFacts);
    const HttpResult unknownFact = call("POST", "/api/v1/routing-rules/dry-run", R"({"texts":"x"})");
    EXPECT_EQ(unknownFact.status, 400);
    EXPECT_NE(errorMessage(unknownFact).find("'texts'"), std::string::npos) << errorMessage(unknownFact);
    deleteRule(id);
}

}  // namespace
}  // namespace omnigate::test
