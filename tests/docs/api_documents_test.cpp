// The OpenAPI and AsyncAPI documents are promises to integrators; this test holds the daemon to them. Every route
// the daemon registers is documented and every documented route exists; the JSON it answers and the events it
// publishes carry the fields the documents call required.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <Poco/JSON/Parser.h>

#include <regex>
#include <set>
#include <sstream>

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

class ApiDocuments : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "docs";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
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

    // Every event type this exchange causes, each on a documented channel with its documented fields.
    const std::set<std::string> expected{"client.created", "interaction.created", "message.created", "message.status"};
    std::set<std::string> seen;
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) {
            if (m.topic.find("/gateway/") != std::string::npos) return false;
            seen.insert(parse(m.payload)->getValue<std::string>("type"));
            return true;
        },
        5, 10s);
    ASSERT_GE(events.size(), 5u) << "client, interaction, two messages and a status";

    const YAML::Node& envelope = asyncapi()["components"]["schemas"]["Envelope"];
    for (const ReceivedMessage& m : events) {
        const auto event = parse(m.payload);
        expectRequired(event, envelope, m.topic);
        const std::string type = event->getValue<std::string>("type");
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
                const std::string name = ref["$ref"].as<std::string>().substr(std::string("#/components/messages/").size());
                const YAML::Node documented = asyncapi()["components"]["messages"][name];
                if (documented["name"].as<std::string>() != type) continue;
                matched = true;
                expectRequired(event->getObject("data"), documented["payload"]["allOf"][1]["properties"]["data"], type);
            }
        }
        EXPECT_TRUE(matched) << type << " on " << m.topic << " is not documented";
    }
    for (const std::string& type : expected) EXPECT_EQ(seen.count(type), 1u) << type << " was never published";
}

}  // namespace
}  // namespace omnigate::test
