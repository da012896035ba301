// The routing section of the daemon's config: items become the JSON the REST API takes (numbers, booleans and
// nesting as written, text keys kept as text), the demo's example parses and validates, unknown keys and
// duplicate ids are refused with their position, and an error found later by the API's parse functions is placed
// at the offending value's file, line and column with its full key path.
#include <gtest/gtest.h>

#include <sstream>

#include "config/daemon_config.h"
#include "model/operator.h"
#include "model/queue.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

const char* const kRequired =
    "admin: {token: long-enough-token}\n"
    "database: {name: omnigate, user: omnigate}\n"
    "mqtt: {url: 'tcp://127.0.0.1:1884'}\n"
    "plugins: {directory: /tmp}\n";

DaemonConfig parse(const std::string& routing) {
    return parseDaemonConfig(ConfigNode::parseString(std::string(kRequired) + routing, "test.yaml"));
}

ConfigError refusal(const std::string& routing) {
    try {
        parse(routing);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "accepted: " << routing;
    return ConfigError("", 0, 0, "", "");
}

std::string text(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

// The error a parse function raises for `item`, placed by the item.
template <typename Parse>
std::string located(const RoutingItem& item, Parse&& parse) {
    try {
        parse(item.object);
    } catch (const ApiError& e) {
        return item.locate(e.what());
    }
    ADD_FAILURE() << "accepted: " << text(item.object);
    return "";
}

TEST(RoutingConfig, AbsentSectionMeansNothingToCreate) {
    const DaemonConfig c = parse("");
    EXPECT_TRUE(c.routing.queues.empty());
    EXPECT_TRUE(c.routing.operatorGroups.empty());
    EXPECT_TRUE(c.routing.operators.empty());
    EXPECT_TRUE(c.routing.breakReasons.empty());
    EXPECT_TRUE(c.routing.rules.empty());
}

TEST(RoutingConfig, ItemsBecomeTheJsonTheApiTakes) {
    const DaemonConfig c = parse(
        "routing:\n"                                                    // line 5
        "  queues:\n"                                                   // 6
        "    - id: support\n"                                           // 7
        "      name: Support\n"                                         // 8
        "      sources: [{channel: webchat, account: '123'}]\n"        // 9
        "      service_levels: {'*': {target_percent: 80, count_abandons: false}}\n"  // 10
        "      overflow_queue: ~\n"                                     // 11
        "      auto_accept: true\n"                                     // 12
        "  operators:\n"                                                // 13
        "    - {id: '007', name: Bond, capacities: {webchat: 3}, groups: [first-line]}\n"  // 14
        "  rules:\n"
        "    - name: VIP first\n"
        "      conditions: {client_flags: [vip], words: ['42']}\n"
        "      actions: {queue: support, priority: 80, priority_per_minute: 0.5}\n");
    ASSERT_EQ(c.routing.queues.size(), 1u);
    const auto queue = c.routing.queues[0].object;
    EXPECT_EQ(text(queue),
              R"({"id":"support","name":"Support","sources":[{"channel":"webchat","account":"123"}],)"
              R"("service_levels":{"*":{"target_percent":80,"count_abandons":false}},"overflow_queue":null,)"
              R"("auto_accept":true})");
    EXPECT_EQ(c.routing.queues[0].path, "routing.queues[0]");
    EXPECT_EQ(c.routing.queues[0].positions.at("service_levels.*.target_percent"), "test.yaml:10:46");
    // The same parse as the API: it validates and reads.
    auto settings = Poco::JSON::Object::Ptr(new Poco::JSON::Object(*queue));
    settings->remove("id");
    settings->remove("name");
    const Queue parsed = Queue::parseSettings(settings);
    EXPECT_EQ(parsed.sources[0].account, "123") << "an account is text even when it looks like a number";
    EXPECT_TRUE(parsed.autoAccept);

    const Operator op = Operator::parse(c.routing.operators[0].object);
    EXPECT_EQ(op.id, "007");
    EXPECT_EQ(op.capacity("webchat"), 3);
    ASSERT_EQ(c.routing.rules.size(), 1u);
    const auto actions = c.routing.rules[0].object->getObject("actions");
    EXPECT_EQ(actions->getValue<int>("priority"), 80);
    EXPECT_DOUBLE_EQ(actions->getValue<double>("priority_per_minute"), 0.5);
    EXPECT_EQ(c.routing.rules[0].object->getObject("conditions")->getArray("words")->getElement<std::string>(0), "42");
}

TEST(RoutingConfig, AnApiErrorIsPlacedAtTheOffendingValue) {
    const DaemonConfig c = parse(
        "routing:\n"                             // 5
        "  operators:\n"                         // 6
        "    - id: ivanov\n"                     // 7
        "      name: Ivan\n"                     // 8
        "      capacities:\n"                    // 9
        "        webchat: -1\n"                  // 10
        "    - {name: No id}\n");                // 11
    EXPECT_EQ(located(c.routing.operators[0], [](const auto& o) { Operator::parse(o); }).rfind(
                  "test.yaml:10:18: routing.operators[0].capacities.webchat: 'capacities.webchat'", 0),
              0u);
    // A missing field is placed at its item.
    EXPECT_EQ(located(c.routing.operators[1], [](const auto& o) { Operator::parse(o); })
                  .rfind("test.yaml:11:7: routing.operators[1].id: 'id' is required", 0),
              0u);
}

TEST(RoutingConfig, TheDemoExampleValidates) {
    const DaemonConfig c = parseDaemonConfig(ConfigNode::parseFile(OMNIGATE_DEMO_CONFIG));
    ASSERT_EQ(c.routing.queues.size(), 1u);
    EXPECT_EQ(c.routing.queues[0].object->getValue<std::string>("id"), "support");
    ASSERT_EQ(c.routing.operators.size(), 2u);
    for (const RoutingItem& item : c.routing.operators) {
        const Operator op = Operator::parse(item.object);
        EXPECT_EQ(op.capacity("webchat"), 3);
        EXPECT_EQ(op.capacity("email"), 5);
        EXPECT_EQ(op.capacity("voice"), 1);
        EXPECT_EQ(op.groups, std::vector<std::string>{"first-line"});
    }
    EXPECT_EQ(OperatorGroup::parse(c.routing.operatorGroups[0].object).queues, std::vector<std::string>{"support"});
    ASSERT_EQ(c.routing.breakReasons.size(), 2u);
    ASSERT_EQ(c.routing.rules.size(), 1u);
    EXPECT_EQ(c.routing.rules[0].object->getValue<std::string>("name"), "VIP first");
}

TEST(RoutingConfigErrors, UnknownListIsRefused) {
    const ConfigError e = refusal("routing:\n  agents: []\n");
    EXPECT_EQ(e.keyPath(), "routing.agents");
    EXPECT_EQ(e.line(), 6);
}

TEST(RoutingConfigErrors, AnItemMustBeAMapping) {
    const ConfigError e = refusal("routing:\n  queues:\n    - support\n");
    EXPECT_EQ(e.keyPath(), "routing.queues[0]");
    EXPECT_EQ(e.line(), 7);
}

TEST(RoutingConfigErrors, AnIdConfiguredTwiceIsRefused) {
    const ConfigError e = refusal(
        "routing:\n  break_reasons:\n    - {id: lunch, name: Lunch}\n    - {id: lunch, name: Dinner}\n");
    EXPECT_EQ(e.keyPath(), "routing.break_reasons[1].id");
    EXPECT_EQ(e.line(), 8);
}

TEST(RoutingConfigErrors, ADuplicateKeyInsideAnItemIsRefused) {
    const ConfigError e = refusal("routing:\n  queues:\n    - id: a\n      name: A\n      name: B\n");
    EXPECT_NE(e.problem().find("duplicate"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace omnigate
