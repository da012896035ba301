// The OpenAPI and AsyncAPI documents are promises to integrators; this test holds the daemon to them. Every route
// the daemon registers is documented and every documented route exists; the JSON it answers and the events it
// publishes carry the fields the documents call required. The routing scenario drives the daemon through an
// overflow, an offer, a lapsed offer and an assignment, so the operator and supervisor events are seen for real.
// The test database is shared and never wiped: everything made here carries a unique suffix, and only the events
// of what this test made are checked (other daemons publish on the same broker).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/daemon_process.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

const YAML::Node& openapi() {
    static const YAML::Node doc = YAML::LoadFile(std::string(OMNIGATE_DOCS_DIR) + "/openapi.yaml");
    return doc;
}

const YAML::Node& asyncapi() {
    static const YAML::Node doc = YAML::LoadFile(std::string(OMNIGATE_DOCS_DIR) + "/asyncapi.yaml");
    return doc;
}

// The routes the daemon logs as "serving METHOD PATH" at start-up; WebSocket upgrades are documented as GET.
std::set<std::string> servedRoutes(const std::string& log) {
    std::set<std::string> routes;
    const std::regex line(R"(serving (\w+) (\S+))");
    for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it) {
        const std::string method = (*it)[1].str() == "WEBSOCKET" ? "GET" : (*it)[1].str();
        routes.insert(method + " " + (*it)[2].str());
    }
    return routes;
}

std::set<std::string> documentedRoutes() {
    std::set<std::string> routes;
    for (const auto& path : openapi()["paths"]) {
        for (const auto& operation : path.second) {
            std::string method = operation.first.as<std::string>();
            if (method == "parameters") continue;
            for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            routes.insert(method + " " + path.first.as<std::string>());
        }
    }
    return routes;
}

void expectRequired(const Poco::JSON::Object::Ptr& object, const YAML::Node& schema, const std::string& what) {
    ASSERT_TRUE(schema["required"].IsSequence()) << what;
    for (const auto& field : schema["required"]) {
        EXPECT_TRUE(object->has(field.as<std::string>())) << what << " lacks the required '" << field.as<std::string>() << "'";
    }
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

// Each event on a documented channel, as a documented message of its type, with the envelope's and the message's
// required fields. Returns the types seen.
std::set<std::string> expectDocumented(const std::vector<ReceivedMessage>& events) {
    std::set<std::string> seen;
    const YAML::Node& envelope = asyncapi()["components"]["schemas"]["Envelope"];
    for (const ReceivedMessage& m : events) {
        const auto event = parse(m.payload);
        expectRequired(event, envelope, m.topic);
        const std::string type = event->getValue<std::string>("type");
        seen.insert(type);
        bool matched = false;
        for (const auto& channel : asyncapi()["channels"]) {
            const std::string pattern =
                std::regex_replace(channel.first.as<std::string>(), std::regex(R"(\{[^}]+\})"), "[^/]+");
            if (!std::regex_match(m.topic, std::regex(pattern))) continue;
            const YAML::Node message = channel.second["subscribe"]["message"];
            std::vector<YAML::Node> candidates;
            if (message["oneOf"]) {
                for (const auto& ref : message["oneOf"]) candidates.push_back(ref);
            } else {
                candidates.push_back(message);
            }
            for (const auto& ref : candidates) {
                if (!ref["$ref"]) continue;  // an inline message (gateway.state) is not JSON
                const std::string name = ref["$ref"].as<std::string>().substr(std::string("#/components/messages/").size());
                const YAML::Node documented = asyncapi()["components"]["messages"][name];
                if (documented["name"].as<std::string>() != type) continue;
                matched = true;
                expectRequired(event->getObject("data"), documented["payload"]["allOf"][1]["properties"]["data"], type);
            }
        }
        EXPECT_TRUE(matched) << type << " on " << m.topic << " is not documented";
    }
    return seen;
}

std::int64_t dataInt(const ReceivedMessage& m, const std::string& field) {
    const auto data = parse(m.payload)->getObject("data");
    return data && data->has(field) && data->get(field).isInteger() ? data->getValue<std::int64_t>(field) : 0;
}

std::string dataText(const ReceivedMessage& m, const std::string& field) {
    const auto data = parse(m.payload)->getObject("data");
    return data && data->has(field) && data->get(field).isString() ? data->getValue<std::string>(field) : "";
}

std::string eventType(const ReceivedMessage& m) { return parse(m.payload)->getValue<std::string>("type"); }

class ApiDocuments : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "docs";
        // Integrations register routes too: each is loaded here so its routes are checked like the core's (one
        // `integrations:` list; add an integration as another item of it).
        // Channel plugins with routes of their own are added to the `channels:` list the same way.
        options.channelsYaml += "  - type: vk\n    id: docs-vk\n    settings:\n      group_id: 1\n"
                                "      access_token: docs-vk-token\n      secret: docs-vk-secret\n"
                                "      confirmation: docs-vk-confirmation\n      api_url: http://127.0.0.1:9/method\n";
        options.channelsYaml += "  - type: whatsapp\n    id: docs-wa\n    settings:\n      phone_number_id: '1'\n"
                                "      app_secret: docs-wa-secret\n      verify_token: docs-wa-verify\n"
                                "      access_token: docs-wa-token\n      graph_url: http://127.0.0.1:9\n";
        // The voice channel listens for SIP on a port of its own (the voice e2e tests use 15060-15070).
        options.channelsYaml += "  - type: voice\n    id: docs-voice\n    settings:\n      listen: 127.0.0.1:15098\n"
                                "      rtp_ports: {min: 16400, max: 16439}\n      max_concurrent_calls: 5\n";
        options.channelsYaml += "integrations:\n"
                                "  - type: crm\n    id: crm\n"
                                "  - type: chatbot\n    id: docs-bot\n    settings:\n"
                                "      bot_url: http://127.0.0.1:9/hook\n"
                                "      secret: docs-chatbot-secret-0123\n"
                                "      bot_token: docs-chatbot-token-0123\n"
                                "  - type: knowledge_base\n    id: docs-kb\n    settings:\n      templates:\n"
                                "        - {id: docs-suggestion, title: Docs, text: The documented suggestion}\n";
        // People sign in for the routes that are a signed-in user's own (the internal chat).
        options.extraYaml = "auth:\n  token_secret: docs-test-token-secret-0123456789abcdef\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
        // Ready answers once HTTP listens; the daemon logs what it serves just after, ending with "listening on".
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (daemon_->log().find("listening on") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "",
                            const std::string& actor = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        if (!actor.empty()) headers["X-Omnigate-Actor"] = actor;
        return daemon_->http().request(method, path, body, headers);
    }
    static DaemonProcess* daemon_;
};

DaemonProcess* ApiDocuments::daemon_ = nullptr;

TEST_F(ApiDocuments, OpenApiListsExactlyTheRoutesTheDaemonServes) {
    const auto served = servedRoutes(daemon_->log());
    ASSERT_FALSE(served.empty()) << daemon_->log();
    const auto documented = documentedRoutes();
    for (const std::string& route : served) EXPECT_EQ(documented.count(route), 1u) << route << " is not documented";
    for (const std::string& route : documented) EXPECT_EQ(served.count(route), 1u) << route << " is documented but not served";
}

TEST_F(ApiDocuments, EveryOperationNamesThePermissionItsRouteDeclares) {
    // "serving GET /api/v1/interactions/{id} (interactions:read, own interaction)": the route table as the daemon
    // really checks it, against x-omnigate-permission of the same operation.
    const std::string log = daemon_->log();
    const std::regex line(R"(serving (\w+) (\S+) \(([^)]+)\))");
    int compared = 0;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it) {
        const std::string access = (*it)[3].str();
        if (access == "plugin" || access == "open" || access == "monitoring") continue;
        std::string method = (*it)[1].str();
        for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const YAML::Node operation = openapi()["paths"][(*it)[2].str()][method];
        ASSERT_TRUE(operation) << (*it)[0].str() << " is not documented";
        ASSERT_TRUE(operation["x-omnigate-permission"]) << (*it)[0].str() << ": no x-omnigate-permission";
        EXPECT_EQ(operation["x-omnigate-permission"].as<std::string>(), access) << (*it)[0].str();
        ++compared;
    }
    EXPECT_GT(compared, 80);
}

TEST_F(ApiDocuments, AnswersAndEventsCarryTheDocumentedFields) {
    MqttProbe probe("omnigate/v1/#");
    const YAML::Node& schemas = openapi()["components"]["schemas"];

    const HttpResult session = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Docs"})");
    ASSERT_EQ(session.status, 201);
    const YAML::Node sessionSchema =
        openapi()["paths"]["/api/v1/webchat/{account}/sessions"]["post"]["responses"]["201"]["content"]["application/json"]["schema"];
    expectRequired(session.json(), sessionSchema, "the session");
    const std::string token = session.json()->getValue<std::string>("token");

    const HttpResult posted = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"docs"})", token);
    ASSERT_EQ(posted.status, 201);
    expectRequired(posted.json(), schemas["Message"], "a posted message");
    const std::int64_t interaction = posted.json()->getValue<std::int64_t>("interaction_id");

    const HttpResult reply = daemon_->http().postJson("/api/v1/interactions/" + std::to_string(interaction) + "/messages",
                                                      R"({"text":"answer"})", daemon_->adminToken());
    ASSERT_EQ(reply.status, 201);
    expectRequired(reply.json(), schemas["Message"], "a reply");
    const HttpResult error = daemon_->http().get("/api/v1/webchat/demo/messages");
    expectRequired(error.json(), schemas["Error"], "an error");
    expectRequired(daemon_->http().get("/readyz").json(),
                   openapi()["paths"]["/readyz"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
                   "readiness");

    // Every event type this exchange causes, each on a documented channel with its documented fields. Only this
    // interaction's and its client's events: other daemons publish on the same broker.
    const HttpResult read = daemon_->http().get("/api/v1/interactions/" + std::to_string(interaction), daemon_->adminToken());
    ASSERT_EQ(read.status, 200) << read.body;
    const std::int64_t client = read.json()->getObject("interaction")->getValue<std::int64_t>("client_id");
    const std::string interactionTopic = "omnigate/v1/interactions/" + std::to_string(interaction) + "/events";
    const std::string clientTopic = "omnigate/v1/clients/" + std::to_string(client) + "/events";
    const auto ours = [&](const ReceivedMessage& m) { return m.topic == interactionTopic || m.topic == clientTopic; };
    const auto events = probe.waitFor(ours, 5, 10s);
    ASSERT_GE(events.size(), 5u) << "client, interaction, two messages and a status";

    const std::set<std::string> seen = expectDocumented(events);
    const std::set<std::string> expected{"client.created", "interaction.created", "message.created", "message.status"};
    for (const std::string& type : expected) EXPECT_EQ(seen.count(type), 1u) << type << " was never published";
}

// The knowledge-base suggester's event, on both of its documented channels: a template fits the visitor's words.
TEST_F(ApiDocuments, SuggestionsCarryTheDocumentedFields) {
    MqttProbe probe("omnigate/v1/interactions/+/suggestions");
    const HttpResult session = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Docs"})");
    ASSERT_EQ(session.status, 201);
    const HttpResult posted = daemon_->http().postJson("/api/v1/webchat/demo/messages",
                                                       R"({"text":"documented suggestion please"})",
                                                       session.json()->getValue<std::string>("token"));
    ASSERT_EQ(posted.status, 201) << posted.body;
    const std::string topic =
        "omnigate/v1/interactions/" + std::to_string(posted.json()->getValue<std::int64_t>("interaction_id")) + "/suggestions";
    const auto events = probe.waitFor([&](const ReceivedMessage& m) { return m.topic == topic; }, 1, 15s);
    ASSERT_EQ(events.size(), 1u) << daemon_->log();
    EXPECT_EQ(expectDocumented(events).count("suggestion.created"), 1u);
    const auto suggestion = parse(events[0].payload)->getObject("data")->getArray("suggestions")->getObject(0);
    expectRequired(suggestion,
                   asyncapi()["components"]["messages"]["SuggestionCreated"]["payload"]["allOf"][1]["properties"]["data"]
                             ["properties"]["suggestions"]["items"],
                   "a suggestion");
}

// A marketing offer: created, listed for an interaction, sent and activated, and its results, each answer with the
// documented fields; the activation's offer.activated on the interaction's topic as documented.
TEST_F(ApiDocuments, OffersCarryTheDocumentedFields) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const YAML::Node& schemas = openapi()["components"]["schemas"];
    const std::string u = unique();
    const HttpResult created = admin("POST", "/api/v1/offers",
                                     R"({"title":"Docs offer )" + u + R"(","text":"For {client.name}",)"
                                     R"("conditions":{"client":{"name":"Docs )" + u + R"("}}})");
    ASSERT_EQ(created.status, 201) << created.body;
    expectRequired(created.json(), schemas["Offer"], "an offer");
    const std::string offer = std::to_string(created.json()->getValue<std::int64_t>("id"));

    const HttpResult session =
        daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Docs )" + u + R"("})");
    ASSERT_EQ(session.status, 201);
    const HttpResult posted = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"offers?"})",
                                                       session.json()->getValue<std::string>("token"));
    ASSERT_EQ(posted.status, 201) << posted.body;
    const std::string interaction = std::to_string(posted.json()->getValue<std::int64_t>("interaction_id"));

    const HttpResult list = admin("GET", "/api/v1/interactions/" + interaction + "/offers");
    ASSERT_EQ(list.status, 200) << list.body;
    expectRequired(list.json(), schemas["OfferList"], "the fitting offers");
    const HttpResult sent = admin("POST", "/api/v1/interactions/" + interaction + "/offers/" + offer + "/send");
    ASSERT_EQ(sent.status, 201) << sent.body;
    expectRequired(sent.json(), schemas["OfferSent"], "a sent offer");
    expectRequired(sent.json()->getObject("message"), schemas["Message"], "a sent offer's message");
    const HttpResult activated = admin("POST", "/api/v1/interactions/" + interaction + "/offers/" + offer + "/activate");
    ASSERT_EQ(activated.status, 201) << activated.body;
    expectRequired(activated.json(), schemas["OfferActivation"], "an activation");
    const HttpResult results = admin("GET", "/api/v1/offers/" + offer + "/results");
    ASSERT_EQ(results.status, 200) << results.body;
    expectRequired(results.json(), schemas["OfferResults"], "an offer's results");

    const std::string topic = "omnigate/v1/interactions/" + interaction + "/events";
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) { return m.topic == topic && eventType(m) == "offer.activated"; }, 1, 10s);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(expectDocumented(events).count("offer.activated"), 1u);
}

// A campaign's answers and events: made, listed, counted, launched (to a segment nobody fits, so it finishes at
// once and says so on MQTT), its results; a client's consent set, with client.opted_out.
TEST_F(ApiDocuments, CampaignsCarryTheDocumentedFields) {
    MqttProbe probe("omnigate/v1/#");
    const YAML::Node& schemas = openapi()["components"]["schemas"];
    const std::string u = unique();
    const std::string templateName = "docs_" + u.substr(0, 8);
    ASSERT_EQ(admin("POST", "/api/v1/whatsapp/templates",
                    R"({"name":")" + templateName + R"(","language":"en_US","category":"MARKETING",)"
                    R"("body":"Hi {{1}}","status":"APPROVED"})")
                  .status,
              201);
    const HttpResult created = admin(
        "POST", "/api/v1/campaigns",
        R"({"name":"Docs )" + u + R"(","channel":"whatsapp","account":"docs-wa","segment":{"client":{"card.city":")" +
            u + R"("}},"message":{"whatsapp_template":{"name":")" + templateName +
            R"(","language":"en_US","parameters":["{client.name}"]}},"schedule":{"allowed_hours":)"
            R"({"from":"00:00","to":"24:00"}}})");
    ASSERT_EQ(created.status, 201) << created.body;
    expectRequired(created.json(), schemas["Campaign"], "a campaign");
    const std::string id = std::to_string(created.json()->getValue<std::int64_t>("id"));
    const HttpResult list = admin("GET", "/api/v1/campaigns?state=draft");
    ASSERT_EQ(list.status, 200) << list.body;
    expectRequired(list.json(), schemas["CampaignList"], "the campaigns");
    const HttpResult audience = admin("GET", "/api/v1/campaigns/" + id + "/audience");
    ASSERT_EQ(audience.status, 200) << audience.body;
    expectRequired(audience.json(), schemas["CampaignAudience"], "an audience");
    const HttpResult launched = admin("POST", "/api/v1/campaigns/" + id + "/launch");
    ASSERT_EQ(launched.status, 200) << launched.body;
    expectRequired(launched.json(), schemas["Campaign"], "a launched campaign");
    const HttpResult results = admin("GET", "/api/v1/campaigns/" + id + "/results");
    ASSERT_EQ(results.status, 200) << results.body;
    expectRequired(results.json(), schemas["CampaignResults"], "a campaign's results");

    const HttpResult client = admin("POST", "/api/v1/clients",
                                    R"({"name":"Docs )" + u + R"(","addresses":[{"kind":"email","value":"docs-)" +
                                        u + R"(@omnigate.test"}]})");
    ASSERT_EQ(client.status, 201) << client.body;
    const std::string clientId = std::to_string(client.json()->getValue<std::int64_t>("id"));
    const HttpResult optOut = admin("PUT", "/api/v1/clients/" + clientId + "/opt-out");
    ASSERT_EQ(optOut.status, 200) << optOut.body;
    expectRequired(optOut.json(), schemas["ClientOptOut"], "a client's consent");

    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) {
            return (m.topic == "omnigate/v1/campaigns/" + id && dataText(m, "state") == "finished") ||
                   (m.topic == "omnigate/v1/clients/" + clientId + "/events" && eventType(m) == "client.opted_out");
        },
        2, 15s);
    ASSERT_EQ(events.size(), 2u);
    const auto seen = expectDocumented(events);
    EXPECT_EQ(seen.count("campaign.updated"), 1u);
    EXPECT_EQ(seen.count("client.opted_out"), 1u);
}

// The routing actions and their events: a rule sends a visitor's message to a queue whose maximum wait overflows
// it to a second queue; the operator serving that one gets an offer, lets it lapse (not responding), is assigned
// it by a supervisor, and closes it. A second visitor's message no queue takes is unroutable.
// The online statistics as published: the retained board on its documented channel with the fields the REST
// answer documents (the same schema: the two must not drift apart), each queue, operator and figure too.
TEST_F(ApiDocuments, TheStatisticsBoardOnMqttCarriesTheDocumentedFields) {
    ASSERT_TRUE(asyncapi()["channels"]["omnigate/v1/stats/online"].IsDefined());
    ASSERT_TRUE(asyncapi()["channels"]["omnigate/v1/operators/{operator_id}/stats"].IsDefined());
    const YAML::Node& schemas = openapi()["components"]["schemas"];
    const std::string u = unique();
    const std::string queueBody = R"({"id":"q-docs-stats-)" + u + R"(","name":"Docs stats )" + u + R"("})";
    ASSERT_EQ(admin("POST", "/api/v1/queues", queueBody).status, 201);
    ASSERT_EQ(admin("POST", "/api/v1/operators", R"({"id":"op-docs-stats-)" + u + R"(","name":"Docs stats"})").status,
              201);
    MqttProbe probe("omnigate/v1/stats/online");
    // Published every 5 s by default: the next one names them.
    const auto boards = probe.waitFor(
        [&](const ReceivedMessage& m) { return m.payload.find("op-docs-stats-" + u) != std::string::npos; }, 1, 15s);
    admin("DELETE", "/api/v1/queues/q-docs-stats-" + u);
    admin("DELETE", "/api/v1/operators/op-docs-stats-" + u);
    ASSERT_EQ(boards.size(), 1u);
    const auto board = parse(boards[0].payload);
    expectRequired(board, schemas["OnlineBoard"], "the board");
    expectRequired(board->getObject("totals"), schemas["OnlineBoard"]["properties"]["totals"], "the totals");
    const auto queues = board->getArray("queues");
    ASSERT_GT(queues->size(), 0u);
    const auto queue = queues->getObject(0);
    expectRequired(queue, schemas["OnlineQueue"], "a queue");
    for (const std::string& figure : queue->getObject("figures")->getNames()) {
        expectRequired(queue->getObject("figures")->getObject(figure), schemas["Figure"], "figure " + figure);
    }
    const auto operators = board->getArray("operators");
    ASSERT_GT(operators->size(), 0u);
    expectRequired(operators->getObject(0), schemas["OnlineOperator"], "an operator");
}

// A notice to one operator: the answers of the sender's and the operator's routes, and the events on the
// operator's documented channel, with their documented fields.
TEST_F(ApiDocuments, NotificationsCarryTheDocumentedFields) {
    const YAML::Node& schemas = openapi()["components"]["schemas"];
    const std::string op = "op-docs-notices-" + unique();
    ASSERT_EQ(admin("POST", "/api/v1/operators", R"({"id":")" + op + R"(","name":"Docs notices"})").status, 201);
    MqttProbe probe("omnigate/v1/operators/" + op + "/notifications");
    const HttpResult sent = admin("POST", "/api/v1/notifications",
                                  R"({"audience":"operator","audience_id":")" + op + R"(","text":"Documented"})");
    ASSERT_EQ(sent.status, 201) << sent.body;
    expectRequired(sent.json(), schemas["Notification"], "a sent notice");
    expectRequired(sent.json(), schemas["SentNotification"]["allOf"][1], "a sent notice");
    const std::string id = std::to_string(sent.json()->getValue<std::int64_t>("id"));
    const HttpResult read = admin("POST", "/api/v1/operators/" + op + "/notifications/" + id + "/read");
    ASSERT_EQ(read.status, 200) << read.body;
    expectRequired(read.json(), schemas["Notification"], "a received notice");
    expectRequired(read.json(), schemas["ReceivedNotification"]["allOf"][1], "a received notice");
    const auto events = probe.waitFor([](const ReceivedMessage&) { return true; }, 2, 10s);
    admin("DELETE", "/api/v1/operators/" + op);
    ASSERT_EQ(events.size(), 2u);
    const std::set<std::string> seen = expectDocumented(events);
    EXPECT_EQ(seen, (std::set<std::string>{"notification.created", "notification.read"}));
}

// The internal chat: a supervisor makes a group, adds an operator, writes, the operator reads, and the supervisor
// removes them; each answer with its documented fields, and each event on the operator's chat topic documented.
TEST_F(ApiDocuments, TheChatCarriesTheDocumentedFields) {
    const YAML::Node& schemas = openapi()["components"]["schemas"];
    const std::string tag = unique();
    const std::string op = "op-docs-chat-" + tag;
    ASSERT_EQ(admin("POST", "/api/v1/operators", R"({"id":")" + op + R"(","name":"Docs chat"})").status, 201);
    const auto signIn = [&](const std::string& login, const std::string& role, const std::string& operatorId) {
        const HttpResult made = admin(
            "POST", "/api/v1/users",
            R"({"login":")" + login + R"(","roles":[")" + role + "\"]" +
                (operatorId.empty() ? "" : R"(,"operator_id":")" + operatorId + "\"") + R"(,"password":"docs-chat-password"})");
        EXPECT_EQ(made.status, 201) << made.body;
        const HttpResult in =
            daemon_->http().postJson("/api/v1/auth/login", R"({"login":")" + login + R"(","password":"docs-chat-password"})");
        EXPECT_EQ(in.status, 200) << in.body;
        return in.status == 200 ? in.json()->getValue<std::string>("access_token") : std::string();
    };
    const std::string operatorLogin = "docs-chat-op-" + tag;
    const std::string supervisor = signIn("docs-chat-sv-" + tag, "supervisor", "");
    const std::string operatorToken = signIn(operatorLogin, "operator", op);
    const auto as = [&](const std::string& token, const std::string& method, const std::string& path,
                        const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    };
    MqttProbe probe("omnigate/v1/operators/" + op + "/chat");

    HttpResult r = as(supervisor, "POST", "/api/v1/chats", R"({"name":"Docs"})");
    ASSERT_EQ(r.status, 201) << r.body;
    expectRequired(r.json(), schemas["Chat"], "a new group");
    expectRequired(r.json(), schemas["ChatDetails"]["allOf"][1], "a new group");
    const std::string path = "/api/v1/chats/" + std::to_string(r.json()->getValue<std::int64_t>("id"));
    r = as(supervisor, "POST", path + "/members", R"({"members":[")" + operatorLogin + "\"]}");
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json()->getArray("members")->getObject(0), schemas["ChatMember"], "a member");
    r = as(supervisor, "POST", path + "/messages", R"({"text":"Documented, @)" + operatorLogin + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
    expectRequired(r.json(), schemas["ChatMessage"], "a message");
    expectRequired(r.json()->getArray("mentions")->getObject(0), schemas["ChatPerson"], "a mention");
    const std::string messageId = std::to_string(r.json()->getValue<std::int64_t>("id"));
    r = as(operatorToken, "GET", "/api/v1/chats");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("topic"), "omnigate/v1/operators/" + op + "/chat");
    const auto chats = r.json()->getArray("chats");
    for (std::size_t i = 0; i < chats->size(); ++i) {
        expectRequired(chats->getObject(static_cast<unsigned>(i)), schemas["Chat"], "a listed chat");
    }
    r = as(operatorToken, "GET", path + "/messages");
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json()->getArray("messages")->getObject(0), schemas["ChatMessage"], "a listed message");
    r = as(operatorToken, "POST", path + "/read", R"({"message_id":)" + messageId + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json(), schemas["ChatReadMark"], "a read mark");
    r = as(operatorToken, "GET", "/api/v1/chat-people");
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json()->getArray("people")->getObject(0), schemas["ChatPerson"], "a person");
    ASSERT_EQ(as(supervisor, "DELETE", path + "/members/" + operatorLogin).status, 204);

    const auto events = probe.waitFor([](const ReceivedMessage&) { return true; }, 4, 10s);
    ASSERT_EQ(events.size(), 4u);
    const std::set<std::string> seen = expectDocumented(events);
    EXPECT_EQ(seen, (std::set<std::string>{"chat.members_added", "chat.message.created", "chat.read",
                                           "chat.members_removed"}));
}

TEST_F(ApiDocuments, RoutingAnswersAndEventsCarryTheDocumentedFields) {
    MqttProbe probe("omnigate/v1/#");
    const YAML::Node& schemas = openapi()["components"]["schemas"];
    const std::string u = unique();
    const std::string word = "docsroute" + u, first = "q-docs-a-" + u, overflow = "q-docs-b-" + u,
                      group = "g-docs-" + u, op = "op-docs-" + u, actor = "operator:" + op;
    std::vector<std::string> cleanup;  // deleted in this order at the end, whatever happens
    struct Cleanup {
        std::vector<std::string>& paths;
        ~Cleanup() {
            for (const std::string& path : paths) admin("DELETE", path);
        }
    } guard{cleanup};

    HttpResult r = admin("POST", "/api/v1/queues",
                         R"({"id":")" + overflow + R"(","name":"Docs overflow )" + u + R"(","offer_timeout_seconds":2})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup.insert(cleanup.begin(), "/api/v1/queues/" + overflow);
    r = admin("POST", "/api/v1/queues",
              R"({"id":")" + first + R"(","name":"Docs first )" + u + R"(","max_wait_seconds":1,"overflow_queue":")" +
                  overflow + R"("})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup.insert(cleanup.begin(), "/api/v1/queues/" + first);
    r = admin("POST", "/api/v1/operator-groups",
              R"({"id":")" + group + R"(","name":"Docs group )" + u + R"(","queues":[")" + overflow + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup.insert(cleanup.begin(), "/api/v1/operator-groups/" + group);
    r = admin("POST", "/api/v1/operators",
              R"({"id":")" + op + R"(","name":"Docs operator )" + u + R"(","capacities":{"webchat":1},"groups":[")" +
                  group + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup.insert(cleanup.begin(), "/api/v1/operators/" + op);
    r = admin("POST", "/api/v1/routing-rules",
              R"({"name":"docs )" + u + R"(","conditions":{"words":[")" + word + R"("]},"actions":{"queue":")" + first +
                  R"(","priority":5}})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup.insert(cleanup.begin(), "/api/v1/routing-rules/" + std::to_string(r.json()->getValue<std::int64_t>("id")));

    const auto visit = [&](const std::string& text) -> std::int64_t {
        const HttpResult session = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Docs"})");
        EXPECT_EQ(session.status, 201) << session.body;
        if (session.status != 201) return 0;
        const HttpResult posted = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + R"("})",
                                                           session.json()->getValue<std::string>("token"));
        EXPECT_EQ(posted.status, 201) << posted.body;
        return posted.status == 201 ? posted.json()->getValue<std::int64_t>("interaction_id") : 0;
    };
    const std::int64_t routed = visit("help with " + word + " please");
    const std::int64_t unrouted = visit("nobody routes this " + u);
    ASSERT_GT(routed, 0);
    ASSERT_GT(unrouted, 0);
    const std::string inbox = "omnigate/v1/operators/" + op + "/inbox";
    const std::string operatorEvents = "omnigate/v1/operators/" + op + "/events";
    const auto supervisorEvent = [&](const std::string& type, std::int64_t id) {
        return [&, type, id](const ReceivedMessage& m) {
            return m.topic == "omnigate/v1/supervisors/events" && eventType(m) == type && dataInt(m, "interaction_id") == id;
        };
    };

    ASSERT_GE(probe.waitFor(supervisorEvent("interaction.overflowed", routed), 1, 20s).size(), 1u)
        << "the interaction never overflowed from " << first << " to " << overflow;

    r = admin("PUT", "/api/v1/operators/" + op + "/status", R"({"status":"ready"})", actor);
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json(), schemas["OperatorStatus"], "a status change");
    const auto offered = [&](const ReceivedMessage& m) {
        return m.topic == inbox && eventType(m) == "offer.created" && dataInt(m, "interaction_id") == routed;
    };
    ASSERT_GE(probe.waitFor(offered, 1, 20s).size(), 1u) << "no offer reached " << op;
    ASSERT_GE(probe.waitFor(supervisorEvent("operator.not_responding", routed), 1, 20s).size(), 1u)
        << "the lapsed offer was not reported";

    r = admin("POST", "/api/v1/interactions/" + std::to_string(routed) + "/assign",
              R"({"operator_id":")" + op + R"(","comment":"docs"})");
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json(), schemas["Interaction"], "an assigned interaction");
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "assigned");

    r = admin("POST", "/api/v1/interactions/" + std::to_string(routed) + "/accept", "{}", actor);
    EXPECT_EQ(r.status, 409) << r.body;
    expectRequired(r.json(), schemas["Error"], "a refused accept");
    EXPECT_EQ(r.json()->getObject("error")->getValue<std::string>("code"), "offer_not_yours");

    r = admin("POST", "/api/v1/interactions/bulk",
              R"({"action":"set_priority","priority":7,"ids":[)" + std::to_string(routed) + R"(,9000000000000]})");
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json(), schemas["BulkResult"], "a mass operation");
    const YAML::Node bulkItem = schemas["BulkResult"]["properties"]["results"]["items"];
    const auto results = r.json()->getArray("results");
    ASSERT_EQ(results->size(), 2u) << r.body;
    for (unsigned i = 0; i < results->size(); ++i) expectRequired(results->getObject(i), bulkItem, "a mass result");
    EXPECT_TRUE(results->getObject(0)->getValue<bool>("ok")) << r.body;
    expectRequired(results->getObject(0)->getObject("interaction"), schemas["Interaction"], "a mass result's interaction");
    EXPECT_FALSE(results->getObject(1)->getValue<bool>("ok")) << r.body;
    expectRequired(results->getObject(1)->getObject("error"), bulkItem["properties"]["error"], "a mass result's error");

    r = admin("POST", "/api/v1/interactions/" + std::to_string(routed) + "/close", R"({"resolution":"documented"})", actor);
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json(), schemas["Interaction"], "a closed interaction");

    r = admin("GET", "/api/v1/operators/" + op + "/status-history?limit=50");
    ASSERT_EQ(r.status, 200) << r.body;
    expectRequired(r.json(), schemas["OperatorStatusHistory"], "the status history");
    const auto changes = r.json()->getArray("changes");
    EXPECT_GE(changes->size(), 2u) << "ready and not_responding at least: " << r.body;
    for (unsigned i = 0; i < changes->size(); ++i) {
        expectRequired(changes->getObject(i), schemas["OperatorStatusChange"], "a status history row");
    }

    ASSERT_GE(probe.waitFor(supervisorEvent("interaction.unroutable", unrouted), 1, 20s).size(), 1u)
        << "the message no queue takes was not reported unroutable";
    const std::string routedTopic = "omnigate/v1/interactions/" + std::to_string(routed) + "/events";
    const auto closed = [&](const ReceivedMessage& m) {
        return m.topic == routedTopic && eventType(m) == "interaction.updated" && dataText(m, "status") == "closed";
    };
    ASSERT_GE(probe.waitFor(closed, 1, 10s).size(), 1u);

    std::vector<ReceivedMessage> ours;
    for (const ReceivedMessage& m : probe.all()) {
        const bool supervisors = m.topic == "omnigate/v1/supervisors/events" &&
                                 (dataInt(m, "interaction_id") == routed || dataInt(m, "interaction_id") == unrouted ||
                                  dataText(m, "operator_id") == op);
        if (m.topic == inbox || m.topic == operatorEvents || m.topic == routedTopic || supervisors) ours.push_back(m);
    }
    const std::set<std::string> seen = expectDocumented(ours);
    for (const char* type : {"offer.created", "offer.withdrawn", "interaction.assigned", "operator.status_changed",
                             "operator.not_responding", "interaction.overflowed", "interaction.unroutable",
                             "interaction.updated"}) {
        EXPECT_EQ(seen.count(type), 1u) << type << " was never published";
    }
    if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
}

TEST_F(ApiDocuments, TheFileStoresAnswersCarryTheDocumentedFields) {
    const YAML::Node& paths = openapi()["paths"];
    const auto schemaOf = [&](const std::string& path, const std::string& method, const std::string& status) {
        return paths[path][method]["responses"][status]["content"]["application/json"]["schema"];
    };
    const YAML::Node& schemas = openapi()["components"]["schemas"];
    const std::string name = "docs-" + unique();
    const HttpResult stored = daemon_->http().request("POST", "/api/v1/files?name=" + name + ".txt", "docs " + name,
                                                      {{"Authorization", "Bearer " + daemon_->adminToken()},
                                                       {"Content-Type", "text/plain"}});
    ASSERT_EQ(stored.status, 201) << stored.body;
    expectRequired(stored.json(), schemas["StoredFile"], "an upload");
    const std::string id = stored.json()->getValue<std::string>("id");

    const HttpResult list = admin("GET", "/api/v1/files?name=" + name);
    ASSERT_EQ(list.status, 200) << list.body;
    const YAML::Node listSchema = schemaOf("/api/v1/files", "get", "200");
    expectRequired(list.json(), listSchema, "the list");
    expectRequired(list.json()->getObject("store"), listSchema["properties"]["store"], "the store");
    ASSERT_EQ(list.json()->getArray("files")->size(), 1u);
    const auto entry = list.json()->getArray("files")->getObject(0);
    expectRequired(entry, schemas["FileEntry"], "a file");
    expectRequired(entry->getObject("used_by"), schemas["FileEntry"]["properties"]["used_by"], "its uses");

    const HttpResult uses = admin("GET", "/api/v1/files/" + id + "/uses");
    ASSERT_EQ(uses.status, 200) << uses.body;
    expectRequired(uses.json(), schemas["FileUses"], "the uses");
    const HttpResult deleted = admin("DELETE", "/api/v1/files/" + id);
    ASSERT_EQ(deleted.status, 200) << deleted.body;
    expectRequired(deleted.json(), schemaOf("/api/v1/files/{id}", "delete", "200"), "a deletion");
}

}  // namespace
}  // namespace omnigate::test
