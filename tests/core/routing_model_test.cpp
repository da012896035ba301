// The routing configuration's model without a database: queue settings (defaults, every refusal naming its dotted
// field, unknown fields refused, the JSON round trip the store relies on), which interactions a queue takes by
// default, and the operator, group and break-reason checks the REST API and the YAML bootstrap share.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <sstream>

#include "model/operator.h"
#include "model/queue.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string text(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

// The message of the 400 that `parse` throws; fails the test when it throws nothing or something else.
template <typename Parse>
std::string refusal(Parse&& parse) {
    try {
        parse();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
}

std::string settingsRefusal(const std::string& json) {
    return refusal([&] { Queue::parseSettings(object(json)); });
}

TEST(QueueSettings, AbsentFieldsTakeTheirDefaults) {
    const Queue q = Queue::parseSettings(object("{}"));
    EXPECT_TRUE(q.sources.empty());
    EXPECT_TRUE(q.topics.empty());
    EXPECT_TRUE(q.serviceLevels.empty());
    EXPECT_EQ(q.maxWaitSeconds, 0);
    EXPECT_TRUE(q.overflowQueue.empty());
    EXPECT_FALSE(q.workingHours.has_value());
    EXPECT_EQ(q.mode, DistributionMode::LongestIdle);
    EXPECT_EQ(q.offerTimeoutSeconds, 30);
    EXPECT_FALSE(q.autoAccept);
    EXPECT_EQ(q.wrapUp, WrapUpMode::None);
    EXPECT_FALSE(q.resolutionRequired);
    EXPECT_FALSE(q.operatorsMayTake);
}

TEST(QueueSettings, ReadsEveryField) {
    const Queue q = Queue::parseSettings(object(R"({
        "sources": [{"channel": "webchat"}, {"channel": "email", "account": "sales"}],
        "topics": [7, 9],
        "service_levels": {"webchat": {"target_percent": 90, "threshold_seconds": 30}, "*": {"count_abandons": false}},
        "max_wait_seconds": 300, "overflow_queue": "backup",
        "working_hours": {"utc_offset": "+03:00", "days": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"},
        "distribution_mode": "round_robin", "offer_timeout_seconds": 45, "auto_accept": true,
        "wrap_up": {"mode": "fixed", "seconds": 20}, "resolution_required": true, "operators_may_take": true})"));
    ASSERT_EQ(q.sources.size(), 2u);
    EXPECT_EQ(q.sources[1].account, "sales");
    EXPECT_EQ(q.topics, (std::vector<std::int64_t>{7, 9}));
    EXPECT_EQ(q.serviceLevels.at("webchat").targetPercent, 90);
    EXPECT_EQ(q.serviceLevels.at("webchat").shortAbandonSeconds, 5) << "an absent service-level field takes its default";
    EXPECT_FALSE(q.serviceLevels.at("*").countAbandons);
    EXPECT_EQ(q.maxWaitSeconds, 300);
    EXPECT_EQ(q.overflowQueue, "backup");
    ASSERT_TRUE(q.workingHours.has_value());
    EXPECT_EQ(q.workingHours->utcOffsetMinutes, 180);
    EXPECT_EQ(q.mode, DistributionMode::RoundRobin);
    EXPECT_EQ(q.offerTimeoutSeconds, 45);
    EXPECT_TRUE(q.autoAccept);
    EXPECT_EQ(q.wrapUp, WrapUpMode::Fixed);
    EXPECT_EQ(q.wrapUpSeconds, 20);
    EXPECT_TRUE(q.resolutionRequired);
    EXPECT_TRUE(q.operatorsMayTake);
}

TEST(QueueSettings, SurviveTheirOwnJson) {
    const Queue q = Queue::parseSettings(object(R"({"sources": [{"channel": "vk", "account": "group1"}],
        "service_levels": {"vk": {"target_percent": 70}}, "overflow_queue": "b", "distribution_mode": "least_busy",
        "wrap_up": {"mode": "manual"}, "working_hours": {"utc_offset": "+00:00", "days": [6], "from": "10:00",
        "to": "12:00", "holidays": ["2026-01-01"]}})"));
    const Queue again = Queue::parseSettings(q.settingsJson());
    EXPECT_EQ(text(again.settingsJson()), text(q.settingsJson()));
    EXPECT_EQ(again.mode, DistributionMode::LeastBusy);
    EXPECT_EQ(again.wrapUp, WrapUpMode::Manual);
}

TEST(QueueSettings, RefusalsNameTheDottedField) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"colour": "blue"})", "'colour'"},
        {R"({"sources": {"channel": "webchat"}})", "'sources'"},
        {R"({"sources": [{"account": "x"}]})", "'sources[0].channel'"},
        {R"({"sources": [{"channel": "webchat", "acount": "x"}]})", "'sources[0].acount'"},
        {R"({"topics": [1, "two"]})", "'topics[1]'"},
        {R"({"topics": [0]})", "'topics[0]'"},
        {R"({"service_levels": {"webchat": {"target_percent": 0}}})", "'service_levels.webchat.target_percent'"},
        {R"({"service_levels": {"webchat": {"target_percent": 101}}})", "'service_levels.webchat.target_percent'"},
        {R"({"service_levels": {"*": {"threshold_seconds": 0}}})", "'service_levels.*.threshold_seconds'"},
        {R"({"service_levels": {"*": {"short_abandon_seconds": -1}}})", "'service_levels.*.short_abandon_seconds'"},
        {R"({"service_levels": {"*": {"count_abandons": 1}}})", "'service_levels.*.count_abandons'"},
        {R"({"service_levels": {"*": {"target": 1}}})", "'service_levels.*.target'"},
        {R"({"max_wait_seconds": -1})", "'max_wait_seconds'"},
        {R"({"max_wait_seconds": true})", "'max_wait_seconds'"},
        {R"({"overflow_queue": "Not An Id"})", "'overflow_queue'"},
        {R"({"overflow_queue": 5})", "'overflow_queue'"},
        {R"({"working_hours": {"days": [1]}})", "'working_hours.utc_offset'"},
        {R"({"working_hours": "always"})", "'working_hours'"},
        {R"({"distribution_mode": "random"})", "'distribution_mode'"},
        {R"({"offer_timeout_seconds": 0})", "'offer_timeout_seconds'"},
        {R"({"offer_timeout_seconds": 3601})", "'offer_timeout_seconds'"},
        {R"({"offer_timeout_seconds": 2.5})", "'offer_timeout_seconds'"},
        {R"({"auto_accept": "yes"})", "'auto_accept'"},
        {R"({"wrap_up": {"mode": "fixed"}})", "'wrap_up.seconds'"},
        {R"({"wrap_up": {"mode": "fixed", "seconds": 0}})", "'wrap_up.seconds'"},
        {R"({"wrap_up": {"mode": "none", "seconds": 10}})", "'wrap_up.seconds'"},
        {R"({"wrap_up": {"mode": "later"}})", "'wrap_up.mode'"},
        {R"({"resolution_required": null, "operators_may_take": 0})", "'operators_may_take'"},
    };
    for (const auto& [json, field] : cases) {
        EXPECT_NE(settingsRefusal(json).find(field), std::string::npos) << json << " -> " << settingsRefusal(json);
    }
}

TEST(QueueSettings, NullMeansTheDefault) {
    const Queue q = Queue::parseSettings(object(R"({"overflow_queue": null, "working_hours": null, "sources": null})"));
    EXPECT_TRUE(q.overflowQueue.empty());
    EXPECT_FALSE(q.workingHours.has_value());
    EXPECT_TRUE(q.settingsJson()->isNull("overflow_queue"));
    EXPECT_TRUE(q.settingsJson()->isNull("working_hours"));
}

TEST(QueueAccepts, ByChannelAccountAndTopic) {
    const Queue q = Queue::parseSettings(object(R"({"sources": [{"channel": "webchat"}, {"channel": "email",
        "account": "sales"}]})"));
    EXPECT_TRUE(q.accepts("webchat", "any-account", {}));
    EXPECT_TRUE(q.accepts("email", "sales", {}));
    EXPECT_FALSE(q.accepts("email", "support", {})) << "an account named in the source must match";
    EXPECT_FALSE(q.accepts("vk", "group", {}));

    const Queue withTopics = Queue::parseSettings(object(R"({"sources": [{"channel": "webchat"}], "topics": [3, 4]})"));
    EXPECT_FALSE(withTopics.accepts("webchat", "demo", {}));
    EXPECT_FALSE(withTopics.accepts("webchat", "demo", {1, 2}));
    EXPECT_TRUE(withTopics.accepts("webchat", "demo", {2, 4}));
    EXPECT_FALSE(withTopics.accepts("email", "demo", {3})) << "topics narrow the sources, they do not replace them";

    EXPECT_FALSE(Queue::parseSettings(object("{}")).accepts("webchat", "demo", {})) << "no sources: takes nothing";
}

TEST(QueueJson, ShowsIdNameVersionAndSettings) {
    Queue q = Queue::parseSettings(object(R"({"auto_accept": true})"));
    q.id = "support";
    q.name = "Support";
    q.version = 3;
    const auto json = q.toJson();
    EXPECT_EQ(json->getValue<std::string>("id"), "support");
    EXPECT_EQ(json->getValue<int>("version"), 3);
    EXPECT_TRUE(json->getValue<bool>("auto_accept"));
    EXPECT_EQ(json->getObject("wrap_up")->getValue<std::string>("mode"), "none");
}

TEST(OperatorParse, ReadsTheFieldsAndStartsOffline) {
    const Operator op = Operator::parse(object(R"({"id": "ivanov", "name": " Ivan ", "capacities": {"webchat": 3,
        "email": 5, "voice": 0}, "branch": "Moscow", "workplace": "7", "groups": ["first-line", "vip"]})"));
    EXPECT_EQ(op.id, "ivanov");
    EXPECT_EQ(op.name, "Ivan");
    EXPECT_EQ(op.capacity("webchat"), 3);
    EXPECT_EQ(op.capacity("voice"), 0);
    EXPECT_EQ(op.capacity("sms"), 0);
    EXPECT_EQ(op.groups, (std::vector<std::string>{"first-line", "vip"}));
    EXPECT_EQ(op.status, OperatorStatus::Offline);
}

TEST(OperatorParse, RefusalsNameTheField) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"name": "x"})", "'id'"},
        {R"({"id": "Ivanov", "name": "x"})", "'id'"},
        {R"({"id": "a b", "name": "x"})", "'id'"},
        {R"({"id": ")" + std::string(65, 'a') + R"(", "name": "x"})", "'id'"},
        {R"({"id": "ivanov"})", "'name'"},
        {R"({"id": "ivanov", "name": "   "})", "'name'"},
        {R"({"id": "ivanov", "name": "x", "capacities": {"webchat": -1}})", "'capacities.webchat'"},
        {R"({"id": "ivanov", "name": "x", "capacities": {"email": 1.5}})", "'capacities.email'"},
        {R"({"id": "ivanov", "name": "x", "capacities": {"voice": "1"}})", "'capacities.voice'"},
        {R"({"id": "ivanov", "name": "x", "capacities": {"voice": true}})", "'capacities.voice'"},
        {R"({"id": "ivanov", "name": "x", "capacities": {"voice": 101}})", "'capacities.voice'"},
        {R"({"id": "ivanov", "name": "x", "capacities": [1]})", "'capacities'"},
        {R"({"id": "ivanov", "name": "x", "groups": ["ok", "Not ok"]})", "'groups[1]'"},
        {R"({"id": "ivanov", "name": "x", "groups": ["a", "a"]})", "'groups[1]'"},
        {R"({"id": "ivanov", "name": "x", "status": "ready"})", "'status'"},
    };
    for (const auto& [json, field] : cases) {
        const std::string message = refusal([&] { Operator::parse(object(json)); });
        EXPECT_NE(message.find(field), std::string::npos) << json << " -> " << message;
    }
}

TEST(OperatorApply, ChangesOnlyWhatThePatchNames) {
    Operator op = Operator::parse(object(R"({"id": "a.b", "name": "A", "capacities": {"webchat": 2}, "branch": "X"})"));
    op.apply(object(R"({"workplace": "desk 1"})"));
    EXPECT_EQ(op.capacity("webchat"), 2);
    EXPECT_EQ(op.branch, "X");
    EXPECT_EQ(op.workplace, "desk 1");
    op.apply(object(R"({"capacities": {"email": 4}})"));
    EXPECT_EQ(op.capacity("webchat"), 0) << "capacities are replaced as a whole";
    EXPECT_EQ(op.capacity("email"), 4);
    EXPECT_NE(refusal([&] { op.apply(object(R"({"id": "other"})")); }).find("'id'"), std::string::npos);
    EXPECT_NE(refusal([&] { op.apply(object(R"({"capacities": {"x": -2}})")); }).find("'capacities.x'"), std::string::npos);
}

TEST(OperatorStatusNames, RoundTrip) {
    for (OperatorStatus status : allOperatorStatuses()) EXPECT_EQ(parseOperatorStatus(toString(status)), status);
    EXPECT_EQ(std::string(toString(OperatorStatus::NotResponding)), "not_responding");
    EXPECT_FALSE(parseOperatorStatus("asleep").has_value());
}

TEST(OperatorGroupParse, ReadsAndRefuses) {
    const OperatorGroup g = OperatorGroup::parse(object(R"({"id": "first-line", "name": "First", "queues": ["support"]})"));
    EXPECT_EQ(g.queues, std::vector<std::string>{"support"});
    EXPECT_NE(refusal([] { OperatorGroup::parse(object(R"({"id": "g", "name": "G", "queues": "support"})")); })
                  .find("'queues'"),
              std::string::npos);
    EXPECT_NE(refusal([] { OperatorGroup::parse(object(R"({"id": "g", "name": "G", "queues": [1]})")); })
                  .find("'queues[0]'"),
              std::string::npos);
    EXPECT_NE(refusal([] { OperatorGroup::parse(object(R"({"id": "g", "name": "G", "members": []})")); })
                  .find("'members'"),
              std::string::npos);
}

TEST(BreakReasonParse, ReadsAndRefuses) {
    EXPECT_EQ(BreakReason::parse(object(R"({"id": "lunch", "name": "Lunch"})")).name, "Lunch");
    EXPECT_NE(refusal([] { BreakReason::parse(object(R"({"id": "Lunch!", "name": "Lunch"})")); }).find("'id'"),
              std::string::npos);
    EXPECT_NE(refusal([] { BreakReason::parse(object(R"({"id": "lunch"})")); }).find("'name'"), std::string::npos);
}

}  // namespace
}  // namespace omnigate
