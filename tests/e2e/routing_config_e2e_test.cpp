// The routing configuration end to end, against the real daemon: queues (also from a sample), operator groups,
// operators and break reasons through REST with their catalog events on MQTT and their rows in MariaDB; deleting a
// queue that still holds interactions (refused, then moved with ?move_to=); 400s that name the field; optimistic
// versions; and the YAML bootstrap, whose items survive as edited through REST across a restart. The database is
// shared and never wiped: every id here is unique to the run, and no queue takes a configured account's traffic.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// Lower-case and short: routing ids are [a-z0-9_.-]{1,64}.
std::string tag() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 13); }

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

std::vector<std::string> strings(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array->size(); ++i) out.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
    return out;
}

// A queue body whose only source is an account no daemon has: it never pulls real traffic.
std::string queueBody(const std::string& id, const std::string& extra = "") {
    return R"({"id":")" + id + R"(","name":"Queue )" + id + R"(","sources":[{"channel":"webchat","account":"acct-)" +
           id + R"("}])" + (extra.empty() ? "" : "," + extra) + "}";
}

// The catalog topic each event type belongs on.
std::string catalogTopic(const std::string& type) {
    const std::string kind = type.substr(0, type.find('.'));
    const std::map<std::string, std::string> catalogs{{"queue", "queues"},
                                                      {"operator_group", "operator-groups"},
                                                      {"operator", "operators"},
                                                      {"break_reason", "break-reasons"}};
    return "omnigate/v1/catalogs/" + catalogs.at(kind) + "/events";
}

// The data of the events of `type` about `id` the probe received, on the catalog topic they belong on.
std::vector<Poco::JSON::Object::Ptr> events(MqttProbe& probe, const std::string& type, const std::string& id,
                                            std::size_t count = 1) {
    const std::string topic = catalogTopic(type);
    const auto messages = probe.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            return m.topic == topic && event->getValue<std::string>("type") == type &&
                   event->getObject("data")->getValue<std::string>("id") == id;
        },
        count, 10s);
    std::vector<Poco::JSON::Object::Ptr> out;
    for (const ReceivedMessage& m : messages) out.push_back(parse(m.payload)->getObject("data"));
    return out;
}

class RoutingConfigApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "routing-config";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult call(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    static void createQueue(const std::string& id, const std::string& extra = "") {
        const HttpResult r = call("POST", "/api/v1/queues", queueBody(id, extra));
        ASSERT_EQ(r.status, 201) << r.body;
    }

    // An open web chat interaction on the demo account, put into `queue` directly in the database (routing it
    // there is the router's business, not this resource's).
    std::int64_t openInteractionIn(const std::string& queue) {
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + tag() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const std::string token = session.json()->getValue<std::string>("token");
        const HttpResult posted =
            daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"hello )" + tag() + R"("})", token);
        EXPECT_EQ(posted.status, 201) << posted.body;
        const std::int64_t id = posted.json()->getValue<std::int64_t>("interaction_id");
        db_.execute("UPDATE interactions SET queue = '" + queue + "' WHERE id = " + std::to_string(id));
        return id;
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
};

DaemonProcess* RoutingConfigApi::daemon_ = nullptr;

TEST_F(RoutingConfigApi, EveryEndpointNeedsTheAdminToken) {
    const std::vector<std::pair<std::string, std::string>> routes{
        {"GET", "/api/v1/queues"},           {"POST", "/api/v1/queues"},          {"GET", "/api/v1/queues/x"},
        {"PATCH", "/api/v1/queues/x"},       {"DELETE", "/api/v1/queues/x"},      {"GET", "/api/v1/operator-groups"},
        {"POST", "/api/v1/operator-groups"}, {"GET", "/api/v1/operator-groups/x"}, {"PATCH", "/api/v1/operator-groups/x"},
        {"DELETE", "/api/v1/operator-groups/x"}, {"GET", "/api/v1/operators"},    {"POST", "/api/v1/operators"},
        {"GET", "/api/v1/operators/x"},      {"PATCH", "/api/v1/operators/x"},    {"DELETE", "/api/v1/operators/x"},
        {"GET", "/api/v1/break-reasons"},    {"POST", "/api/v1/break-reasons"},   {"DELETE", "/api/v1/break-reasons/x"},
    };
    const std::string intruder = "intruder-" + tag();
    for (const auto& [method, path] : routes) {
        const std::string body = method == "POST" || method == "PATCH" ? R"({"id":")" + intruder + R"(","name":"x"})" : "";
        const HttpResult none = daemon_->http().request(method, path, body, {{"Content-Type", "application/json"}});
        EXPECT_EQ(none.status, 401) << method << " " << path << ": " << none.body;
        const HttpResult wrong = daemon_->http().request(
            method, path, body, {{"Content-Type", "application/json"}, {"Authorization", "Bearer not-the-token-000"}});
        EXPECT_EQ(wrong.status, 401) << method << " " << path << ": " << wrong.body;
    }
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM queues WHERE id = '" + intruder + "'"), 0);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM operators WHERE id = '" + intruder + "'"), 0);
}

TEST_F(RoutingConfigApi, QueueLifecycleWithEvents) {
    MqttProbe probe("omnigate/v1/catalogs/queues/events");
    const std::string id = "q-" + tag();
    const HttpResult created = call(
        "POST", "/api/v1/queues",
        queueBody(id, R"("service_levels":{"webchat":{"target_percent":90,"threshold_seconds":30}},"max_wait_seconds":600,)"
                      R"("working_hours":{"utc_offset":"+03:00","days":[1,2,3,4,5],"from":"09:00","to":"18:00"},)"
                      R"("wrap_up":{"mode":"fixed","seconds":15},"resolution_required":true)"));
    ASSERT_EQ(created.status, 201) << created.body;
    const auto queue = created.json();
    EXPECT_EQ(queue->getValue<std::string>("id"), id);
    EXPECT_EQ(queue->getValue<int>("version"), 1);
    // What was not given takes its default.
    EXPECT_EQ(queue->getValue<int>("offer_timeout_seconds"), 30);
    EXPECT_EQ(queue->getValue<std::string>("distribution_mode"), "longest_idle");
    EXPECT_FALSE(queue->getValue<bool>("auto_accept"));
    EXPECT_TRUE(queue->isNull("overflow_queue"));
    const auto level = queue->getObject("service_levels")->getObject("webchat");
    EXPECT_EQ(level->getValue<int>("target_percent"), 90);
    EXPECT_EQ(level->getValue<int>("threshold_seconds"), 30);
    EXPECT_EQ(level->getValue<int>("short_abandon_seconds"), 5);
    EXPECT_TRUE(level->getValue<bool>("count_abandons"));
    EXPECT_EQ(queue->getObject("wrap_up")->getValue<std::string>("mode"), "fixed");
    EXPECT_EQ(queue->getObject("wrap_up")->getValue<int>("seconds"), 15);
    EXPECT_EQ(queue->getObject("working_hours")->getValue<std::string>("from"), "09:00");
    EXPECT_EQ(db_.text("SELECT name FROM queues WHERE id = '" + id + "'"), "Queue " + id);
    const auto createdEvents = events(probe, "queue.created", id);
    ASSERT_EQ(createdEvents.size(), 1u);
    EXPECT_EQ(createdEvents[0]->getValue<int>("max_wait_seconds"), 600);

    const HttpResult read = call("GET", "/api/v1/queues/" + id);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json()->getArray("sources")->getObject(0)->getValue<std::string>("account"), "acct-" + id);
    const HttpResult list = call("GET", "/api/v1/queues");
    ASSERT_EQ(list.status, 200);
    const auto all = list.json()->getArray("queues");
    bool listed = false;
    for (std::size_t i = 0; i < all->size(); ++i) {
        listed = listed || all->getObject(static_cast<unsigned>(i))->getValue<std::string>("id") == id;
    }
    EXPECT_TRUE(listed);

    const HttpResult patched = call("PATCH", "/api/v1/queues/" + id,
                                    R"({"version":1,"name":"Renamed","offer_timeout_seconds":45,"working_hours":null})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json()->getValue<int>("version"), 2);
    EXPECT_EQ(patched.json()->getValue<int>("offer_timeout_seconds"), 45);
    EXPECT_TRUE(patched.json()->isNull("working_hours"));
    // Fields the patch does not name keep their values.
    EXPECT_EQ(patched.json()->getValue<int>("max_wait_seconds"), 600);
    const auto updated = events(probe, "queue.updated", id);
    ASSERT_EQ(updated.size(), 1u);
    const auto changes = strings(updated[0]->getArray("changes"));
    EXPECT_EQ(std::set<std::string>(changes.begin(), changes.end()),
              (std::set<std::string>{"name", "offer_timeout_seconds", "working_hours"}));
    EXPECT_EQ(db_.scalar("SELECT version FROM queues WHERE id = '" + id + "'"), 2);

    const HttpResult removed = call("DELETE", "/api/v1/queues/" + id);
    EXPECT_EQ(removed.status, 204) << removed.body;
    EXPECT_EQ(events(probe, "queue.deleted", id).size(), 1u);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM queues WHERE id = '" + id + "'"), 0);
    EXPECT_EQ(call("GET", "/api/v1/queues/" + id).status, 404);
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + id).status, 404);
}

TEST_F(RoutingConfigApi, AQueueIsCreatedFromASample) {
    const std::string sample = "sample-" + tag();
    createQueue(sample, R"("distribution_mode":"round_robin","auto_accept":true,"max_wait_seconds":120,"topics":[])");
    const std::string copy = "copy-" + tag();
    const HttpResult created = call("POST", "/api/v1/queues",
                                    R"({"id":")" + copy + R"(","name":"Copy","sample":")" + sample +
                                        R"(","offer_timeout_seconds":10})");
    ASSERT_EQ(created.status, 201) << created.body;
    const auto queue = created.json();
    EXPECT_EQ(queue->getValue<std::string>("name"), "Copy");
    EXPECT_EQ(queue->getValue<std::string>("distribution_mode"), "round_robin");
    EXPECT_TRUE(queue->getValue<bool>("auto_accept"));
    EXPECT_EQ(queue->getValue<int>("max_wait_seconds"), 120);
    EXPECT_EQ(queue->getValue<int>("offer_timeout_seconds"), 10);
    EXPECT_EQ(queue->getArray("sources")->getObject(0)->getValue<std::string>("account"), "acct-" + sample);
    // The sample itself is untouched.
    EXPECT_EQ(call("GET", "/api/v1/queues/" + sample).json()->getValue<int>("offer_timeout_seconds"), 30);

    const HttpResult unknown =
        call("POST", "/api/v1/queues", R"({"id":"x-)" + tag() + R"(","name":"X","sample":"no-such-)" + tag() + R"("})");
    EXPECT_EQ(unknown.status, 404) << unknown.body;
    EXPECT_NE(errorMessage(unknown).find("sample"), std::string::npos) << unknown.body;
    const HttpResult taken = call("POST", "/api/v1/queues", queueBody(copy));
    EXPECT_EQ(taken.status, 409) << taken.body;
    EXPECT_EQ(errorCode(taken), "already_exists");
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + copy).status, 204);
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + sample).status, 204);
}

TEST_F(RoutingConfigApi, DeletingAQueueThatHoldsInteractionsNeedsMoveTo) {
    const std::string from = "from-" + tag();
    const std::string to = "to-" + tag();
    createQueue(from);
    createQueue(to);
    const std::int64_t interaction = openInteractionIn(from);
    MqttProbe probe("omnigate/v1/interactions/" + std::to_string(interaction) + "/events");

    const HttpResult refused = call("DELETE", "/api/v1/queues/" + from);
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_NE(errorMessage(refused).find("1 open interaction"), std::string::npos) << refused.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM queues WHERE id = '" + from + "'"), 1);

    const HttpResult toNowhere = call("DELETE", "/api/v1/queues/" + from + "?move_to=nowhere-" + tag());
    EXPECT_EQ(toNowhere.status, 400) << toNowhere.body;
    EXPECT_NE(errorMessage(toNowhere).find("move_to"), std::string::npos) << toNowhere.body;

    const HttpResult moved = call("DELETE", "/api/v1/queues/" + from + "?move_to=" + to);
    ASSERT_EQ(moved.status, 204) << moved.body;
    EXPECT_EQ(db_.text("SELECT queue FROM interactions WHERE id = " + std::to_string(interaction)), to);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM queues WHERE id = '" + from + "'"), 0);
    const auto updates = probe.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            if (event->getValue<std::string>("type") != "interaction.updated") return false;
            const auto data = event->getObject("data");
            const auto changes = strings(data->getArray("changes"));
            return !data->isNull("queue") && data->getValue<std::string>("queue") == to &&
                   std::find(changes.begin(), changes.end(), "queue") != changes.end();
        },
        1, 10s);
    EXPECT_EQ(updates.size(), 1u) << "no interaction.updated naming the queue change";
    db_.execute("UPDATE interactions SET status = 'closed', closed_at = NOW(3) WHERE id = " + std::to_string(interaction));
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + to).status, 204);
}

TEST_F(RoutingConfigApi, AQueueOthersOverflowIntoIsNotDeleted) {
    const std::string target = "target-" + tag();
    const std::string source = "source-" + tag();
    createQueue(target);
    createQueue(source, R"("overflow_queue":")" + target + "\"");
    const HttpResult refused = call("DELETE", "/api/v1/queues/" + target);
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_NE(errorMessage(refused).find(source), std::string::npos) << refused.body;
    // Overflow never points at the queue itself, nor goes round in a circle.
    const HttpResult self = call("PATCH", "/api/v1/queues/" + target, R"({"overflow_queue":")" + target + "\"}");
    EXPECT_EQ(self.status, 400) << self.body;
    EXPECT_NE(errorMessage(self).find("overflow_queue"), std::string::npos) << self.body;
    const HttpResult circle = call("PATCH", "/api/v1/queues/" + target, R"({"overflow_queue":")" + source + "\"}");
    EXPECT_EQ(circle.status, 400) << circle.body;
    EXPECT_NE(errorMessage(circle).find("overflow_queue"), std::string::npos) << circle.body;

    ASSERT_EQ(call("PATCH", "/api/v1/queues/" + source, R"({"overflow_queue":null})").status, 200);
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + target).status, 204);
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + source).status, 204);
}

TEST_F(RoutingConfigApi, GroupsAndOperatorsWithEvents) {
    // One probe for both catalogs: events of each type come on their own topic.
    MqttProbe catalogs("omnigate/v1/catalogs/#");
    MqttProbe& groupEvents = catalogs;
    MqttProbe& operatorEvents = catalogs;
    const std::string queue = "skills-" + tag();
    const std::string group = "group-" + tag();
    const std::string op = "op." + tag();
    createQueue(queue);

    const HttpResult g = call("POST", "/api/v1/operator-groups",
                              R"({"id":")" + group + R"(","name":"First line","queues":[")" + queue + R"("]})");
    ASSERT_EQ(g.status, 201) << g.body;
    EXPECT_EQ(strings(g.json()->getArray("queues")), std::vector<std::string>{queue});
    EXPECT_EQ(events(groupEvents, "operator_group.created", group).size(), 1u);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM operator_group_queues WHERE group_id = '" + group + "'"), 1);

    const HttpResult o = call("POST", "/api/v1/operators",
                              R"({"id":")" + op + R"(","name":"Ivan","capacities":{"webchat":3,"email":5,"voice":1},)"
                                  R"("branch":"Moscow","workplace":"desk 7","groups":[")" + group + R"("]})");
    ASSERT_EQ(o.status, 201) << o.body;
    const auto created = o.json();
    EXPECT_EQ(created->getValue<std::string>("status"), "offline");
    EXPECT_FALSE(created->getValue<std::string>("status_since").empty());
    EXPECT_EQ(created->getObject("capacities")->getValue<int>("email"), 5);
    EXPECT_EQ(created->getValue<std::string>("workplace"), "desk 7");
    EXPECT_EQ(strings(created->getArray("groups")), std::vector<std::string>{group});
    EXPECT_EQ(events(operatorEvents, "operator.created", op).size(), 1u);
    EXPECT_EQ(db_.text("SELECT status FROM operators WHERE id = '" + op + "'"), "offline");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM operator_status_history WHERE operator_id = '" + op + "'"), 1);

    const HttpResult patched =
        call("PATCH", "/api/v1/operators/" + op, R"({"version":1,"capacities":{"webchat":4},"branch":"Kazan"})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json()->getObject("capacities")->getValue<int>("webchat"), 4);
    EXPECT_FALSE(patched.json()->getObject("capacities")->has("email")) << "capacities are replaced as a whole";
    EXPECT_EQ(patched.json()->getValue<std::string>("workplace"), "desk 7");
    EXPECT_EQ(patched.json()->getValue<int>("version"), 2);
    const auto updated = events(operatorEvents, "operator.updated", op);
    ASSERT_EQ(updated.size(), 1u);
    EXPECT_EQ(strings(updated[0]->getArray("changes")), (std::vector<std::string>{"capacities", "branch"}));
    // The status is not the administrator's to write here.
    const HttpResult status = call("PATCH", "/api/v1/operators/" + op, R"({"status":"ready"})");
    EXPECT_EQ(status.status, 400) << status.body;
    EXPECT_EQ(db_.text("SELECT status FROM operators WHERE id = '" + op + "'"), "offline");

    const HttpResult renamed = call("PATCH", "/api/v1/operator-groups/" + group, R"({"name":"Second line"})");
    ASSERT_EQ(renamed.status, 200) << renamed.body;
    EXPECT_EQ(call("GET", "/api/v1/operator-groups/" + group).json()->getValue<std::string>("name"), "Second line");

    // Deleting the group takes it off its operator, who says so in an event of their own.
    EXPECT_EQ(call("DELETE", "/api/v1/operator-groups/" + group).status, 204);
    EXPECT_EQ(events(groupEvents, "operator_group.deleted", group).size(), 1u);
    const auto left = events(operatorEvents, "operator.updated", op, 2);
    ASSERT_EQ(left.size(), 2u);
    EXPECT_EQ(strings(left[1]->getArray("changes")), std::vector<std::string>{"groups"});
    EXPECT_EQ(call("GET", "/api/v1/operators/" + op).json()->getArray("groups")->size(), 0u);

    EXPECT_EQ(call("DELETE", "/api/v1/operators/" + op).status, 204);
    EXPECT_EQ(events(operatorEvents, "operator.deleted", op).size(), 1u);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM operators WHERE id = '" + op + "'"), 0);
    EXPECT_EQ(call("GET", "/api/v1/operators/" + op).status, 404);
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + queue).status, 204);
}

TEST_F(RoutingConfigApi, AnOperatorHoldingInteractionsIsNotDeleted) {
    const std::string queue = "held-" + tag();
    const std::string op = "holder-" + tag();
    createQueue(queue);
    ASSERT_EQ(call("POST", "/api/v1/operators", R"({"id":")" + op + R"(","name":"Holder"})").status, 201);
    const std::int64_t interaction = openInteractionIn(queue);
    db_.execute("UPDATE interactions SET operator = '" + op + "' WHERE id = " + std::to_string(interaction));

    const HttpResult refused = call("DELETE", "/api/v1/operators/" + op);
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_NE(errorMessage(refused).find("1 open interaction"), std::string::npos) << refused.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM operators WHERE id = '" + op + "'"), 1);

    db_.execute("UPDATE interactions SET status = 'closed', closed_at = NOW(3) WHERE id = " + std::to_string(interaction));
    EXPECT_EQ(call("DELETE", "/api/v1/operators/" + op).status, 204);
    // Closed interactions keep their queue for the reports; the queue can go.
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + queue).status, 204);
}

TEST_F(RoutingConfigApi, BreakReasons) {
    MqttProbe probe("omnigate/v1/catalogs/break-reasons/events");
    const std::string id = "lunch-" + tag();
    const HttpResult created = call("POST", "/api/v1/break-reasons", R"({"id":")" + id + R"(","name":"Lunch"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()->getValue<std::string>("name"), "Lunch");
    EXPECT_EQ(events(probe, "break_reason.created", id).size(), 1u);
    EXPECT_EQ(call("POST", "/api/v1/break-reasons", R"({"id":")" + id + R"(","name":"Again"})").status, 409);
    const auto list = call("GET", "/api/v1/break-reasons").json()->getArray("break_reasons");
    bool listed = false;
    for (std::size_t i = 0; i < list->size(); ++i) {
        listed = listed || list->getObject(static_cast<unsigned>(i))->getValue<std::string>("id") == id;
    }
    EXPECT_TRUE(listed);
    EXPECT_EQ(call("DELETE", "/api/v1/break-reasons/" + id).status, 204);
    EXPECT_EQ(events(probe, "break_reason.deleted", id).size(), 1u);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM break_reasons WHERE id = '" + id + "'"), 0);
    EXPECT_EQ(call("DELETE", "/api/v1/break-reasons/" + id).status, 404);
}

TEST_F(RoutingConfigApi, BadInputIsAnswered400NamingTheField) {
    const std::string t = tag();
    const std::vector<std::tuple<std::string, std::string, std::string>> cases{
        {"/api/v1/queues", queueBody("a-" + t, R"("overflow_queue":"no-such-queue-)" + t + "\""), "overflow_queue"},
        {"/api/v1/queues", queueBody("b-" + t, R"("distribution_mode":"fastest")"), "distribution_mode"},
        {"/api/v1/queues", queueBody("c-" + t, R"("colour":"blue")"), "colour"},
        {"/api/v1/queues", queueBody("d-" + t, R"("offer_timeout_seconds":0)"), "offer_timeout_seconds"},
        {"/api/v1/queues", queueBody("e-" + t, R"("service_levels":{"webchat":{"target_percent":101}})"),
         "service_levels.webchat.target_percent"},
        {"/api/v1/queues", queueBody("f-" + t, R"("wrap_up":{"mode":"fixed"})"), "wrap_up.seconds"},
        {"/api/v1/queues", queueBody("g-" + t, R"("topics":[999999999999])"), "topics[0]"},
        {"/api/v1/queues", R"({"id":"Not Valid","name":"x"})", "id"},
        {"/api/v1/operators", R"({"id":"op-)" + t + R"(","name":"x","capacities":{"webchat":-1}})", "capacities.webchat"},
        {"/api/v1/operators", R"({"id":"op-)" + t + R"(","name":"x","capacities":{"voice":1.5}})", "capacities.voice"},
        {"/api/v1/operators", R"({"id":"op-)" + t + R"(","name":"x","groups":["no-group-)" + t + R"("]})", "groups[0]"},
        {"/api/v1/operators", R"({"id":"op-)" + t + R"(","name":"x","status":"ready"})", "status"},
        {"/api/v1/operator-groups", R"({"id":"grp-)" + t + R"(","name":"x","queues":["no-queue-)" + t + R"("]})",
         "queues[0]"},
        {"/api/v1/break-reasons", R"({"id":"br-)" + t + R"("})", "name"},
    };
    for (const auto& [path, body, field] : cases) {
        const HttpResult r = call("POST", path, body);
        EXPECT_EQ(r.status, 400) << path << " " << body << ": " << r.body;
        EXPECT_NE(errorMessage(r).find("'" + field + "'"), std::string::npos) << body << ": " << r.body;
    }
    // Nothing of it was written.
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM queues WHERE id LIKE '%-" + t + "'"), 0);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM operators WHERE id = 'op-" + t + "'"), 0);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM operator_groups WHERE id = 'grp-" + t + "'"), 0);
}

TEST_F(RoutingConfigApi, AStaleVersionIsAConflict) {
    const std::string id = "versioned-" + tag();
    createQueue(id);
    const HttpResult first = call("PATCH", "/api/v1/queues/" + id, R"({"version":1,"max_wait_seconds":60})");
    ASSERT_EQ(first.status, 200) << first.body;
    const HttpResult second = call("PATCH", "/api/v1/queues/" + id, R"({"version":1,"max_wait_seconds":90})");
    EXPECT_EQ(second.status, 409) << second.body;
    EXPECT_EQ(errorCode(second), "version_conflict");
    EXPECT_EQ(call("GET", "/api/v1/queues/" + id).json()->getValue<int>("max_wait_seconds"), 60);

    const std::string op = "ver-" + tag();
    ASSERT_EQ(call("POST", "/api/v1/operators", R"({"id":")" + op + R"(","name":"V"})").status, 201);
    ASSERT_EQ(call("PATCH", "/api/v1/operators/" + op, R"({"version":1,"name":"W"})").status, 200);
    const HttpResult stale = call("PATCH", "/api/v1/operators/" + op, R"({"version":1,"name":"X"})");
    EXPECT_EQ(stale.status, 409) << stale.body;
    EXPECT_EQ(errorCode(stale), "version_conflict");
    EXPECT_EQ(db_.text("SELECT name FROM operators WHERE id = '" + op + "'"), "W");
    EXPECT_EQ(call("DELETE", "/api/v1/operators/" + op).status, 204);
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + id).status, 204);
}

// The routing section rides after the channels list, the last section DaemonProcess writes.
std::string withRouting(const std::string& routingYaml) {
    return DaemonOptions().channelsYaml + "routing:\n" + routingYaml;
}

TEST(RoutingBootstrap, CreatesTheConfiguredItemsAndKeepsRestEditsAcrossARestart) {
    const std::string t = tag();
    const std::string queue = "boot-q-" + t;
    const std::string group = "boot-g-" + t;
    const std::string op = "boot-op-" + t;
    const std::string reason = "boot-br-" + t;
    DaemonOptions options;
    options.instance = "routing-boot";
    options.channelsYaml = withRouting(
        "  queues:\n"
        "    - id: " + queue + "\n"
        "      name: Boot queue\n"
        "      sources: [{channel: webchat, account: acct-" + t + "}]\n"
        "      service_levels: {'*': {target_percent: 85, threshold_seconds: 25}}\n"
        "      wrap_up: {mode: manual}\n"
        "  operator_groups:\n"
        "    - {id: " + group + ", name: Boot group, queues: [" + queue + "]}\n"
        "  operators:\n"
        "    - id: " + op + "\n"
        "      name: Boot operator\n"
        "      capacities: {webchat: 3, email: 5, voice: 1}\n"
        "      groups: [" + group + "]\n"
        "  break_reasons:\n"
        "    - {id: " + reason + ", name: Lunch}\n");
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const auto call = [&](const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon.adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon.http().request(method, path, body, headers);
    };

    const HttpResult q = call("GET", "/api/v1/queues/" + queue);
    ASSERT_EQ(q.status, 200) << q.body << daemon.log();
    EXPECT_EQ(q.json()->getObject("service_levels")->getObject("*")->getValue<int>("target_percent"), 85);
    EXPECT_EQ(q.json()->getObject("wrap_up")->getValue<std::string>("mode"), "manual");
    const HttpResult g = call("GET", "/api/v1/operator-groups/" + group);
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_EQ(strings(g.json()->getArray("queues")), std::vector<std::string>{queue});
    const HttpResult o = call("GET", "/api/v1/operators/" + op);
    ASSERT_EQ(o.status, 200) << o.body;
    EXPECT_EQ(o.json()->getObject("capacities")->getValue<int>("voice"), 1);
    EXPECT_EQ(strings(o.json()->getArray("groups")), std::vector<std::string>{group});
    EXPECT_EQ(DbProbe().scalar("SELECT COUNT(*) FROM break_reasons WHERE id = '" + reason + "'"), 1);

    // An edit through REST wins over the file at the next start; a deleted item comes back.
    ASSERT_EQ(call("PATCH", "/api/v1/operators/" + op, R"({"name":"Edited","capacities":{"webchat":1}})").status, 200);
    ASSERT_EQ(call("DELETE", "/api/v1/break-reasons/" + reason).status, 204);
    daemon.restart();
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const HttpResult after = call("GET", "/api/v1/operators/" + op);
    ASSERT_EQ(after.status, 200) << after.body;
    EXPECT_EQ(after.json()->getValue<std::string>("name"), "Edited");
    EXPECT_EQ(after.json()->getObject("capacities")->getValue<int>("webchat"), 1);
    EXPECT_EQ(DbProbe().scalar("SELECT COUNT(*) FROM operators WHERE id = '" + op + "'"), 1);
    EXPECT_EQ(DbProbe().scalar("SELECT COUNT(*) FROM break_reasons WHERE id = '" + reason + "'"), 1);

    EXPECT_EQ(call("DELETE", "/api/v1/operators/" + op).status, 204);
    EXPECT_EQ(call("DELETE", "/api/v1/operator-groups/" + group).status, 204);
    EXPECT_EQ(call("DELETE", "/api/v1/queues/" + queue).status, 204);
    EXPECT_EQ(call("DELETE", "/api/v1/break-reasons/" + reason).status, 204);
}

TEST(RoutingBootstrap, AnInvalidItemStopsStartUpNamingItsPositionAndField) {
    const std::string t = tag();
    Poco::TemporaryFile file;
    std::ofstream(file.path()) << "admin: {token: long-enough-token}\n"
                                  "database: {host: 127.0.0.1, port: "
                               << requireEnv("OMNIGATE_DB_PORT") << ", name: " << requireEnv("OMNIGATE_DB_NAME")
                               << ", user: " << requireEnv("OMNIGATE_DB_USER")
                               << ", password: " << requireEnv("OMNIGATE_DB_PASSWORD") << "}\n"
                               << "mqtt: " << daemonMqttYaml() << "\n"
                               << "http: {port: " << freePort() << "}\n"
                               << "plugins: {directory: " << requireEnv("OMNIGATE_PLUGIN_DIR") << "}\n"
                               << "routing:\n"
                                  "  queues:\n"
                                  "    - {id: bad-q-" << t << ", name: Fine, sources: [{channel: webchat, account: acct-"
                               << t << "}]}\n"
                                  "  operators:\n"
                                  "    - id: bad-op-" << t << "\n"
                                  "      name: Broken\n"
                                  "      capacities:\n"
                                  "        webchat: -1\n";
    std::string out;
    EXPECT_EQ(DaemonProcess::run({"--config", file.path()}, out), 1) << out;
    EXPECT_NE(out.find(file.path() + ":13:18: routing.operators[0].capacities.webchat: 'capacities.webchat'"),
              std::string::npos)
        << out;
    // One transaction: the valid queue before it was not left behind either.
    EXPECT_EQ(DbProbe().scalar("SELECT COUNT(*) FROM queues WHERE id = 'bad-q-" + t + "'"), 0);
    EXPECT_EQ(DbProbe().scalar("SELECT COUNT(*) FROM operators WHERE id = 'bad-op-" + t + "'"), 0);
}

}  // namespace
}  // namespace omnigate::test
