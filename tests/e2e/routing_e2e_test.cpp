// Routing against the real daemon: web chat messages matched by a rule, queued, offered to a ready operator on
// their inbox topic, accepted, closed; capacity and the busy status; the offer timeout marking the operator not
// responding; declines, waiting for the client, transfers, postponement, taking, supervisor assignment, mass
// operations, wrap-up, required resolutions, overflow, and the bad input the issue names.
// The shared database is never wiped: every queue, group, operator and rule here carries a unique suffix, rules
// match only a unique word, and nothing here has sources that would pull in other tests' interactions.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <thread>

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

std::string errorCode(const HttpResult& r) { return r.json()->getObject("error")->getValue<std::string>("code"); }

class Routing : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "routing-" + unique();
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
        for (const std::string& path : cleanup_) admin("DELETE", path);
    }

    HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "",
                     const std::string& actor = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        if (!actor.empty()) headers["X-Omnigate-Actor"] = actor;
        return daemon_->http().request(method, path, body, headers);
    }

    // A queue (no sources: only our rule sends work there), a group serving it, and a rule sending messages that
    // contain `word_` to it. Returns the queue id.
    std::string makeQueue(const std::string& settings = "") {
        const std::string id = "q-" + unique();
        HttpResult r = admin("POST", "/api/v1/queues",
                             R"({"id":")" + id + R"(","name":"Queue )" + id + R"(")" +
                                 (settings.empty() ? "" : "," + settings) + "}");
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string group = "g-" + id;
        r = admin("POST", "/api/v1/operator-groups",
                  R"({"id":")" + group + R"(","name":"Group )" + id + R"(","queues":[")" + id + R"("]})");
        EXPECT_EQ(r.status, 201) << r.body;
        groups_[id] = group;
        cleanup_.insert(cleanup_.begin(), "/api/v1/operator-groups/" + group);
        return id;
    }

    std::int64_t addRule(const std::string& word, const std::string& queue, int priority = 10) {
        const HttpResult r = admin("POST", "/api/v1/routing-rules",
                                   R"({"name":"rule )" + word + R"(","conditions":{"words":[")" + word +
                                       R"("]},"actions":{"queue":")" + queue + R"(","priority":)" +
                                       std::to_string(priority) + "}}");
        EXPECT_EQ(r.status, 201) << r.body;
        const std::int64_t id = r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
        cleanup_.insert(cleanup_.begin(), "/api/v1/routing-rules/" + std::to_string(id));
        return id;
    }

    // An operator serving `queue`, web chat capacity `capacity`, made ready.
    std::string makeOperator(const std::string& queue, int capacity = 1, bool ready = true) {
        const std::string id = "op-" + unique();
        const HttpResult r = admin("POST", "/api/v1/operators",
                                   R"({"id":")" + id + R"(","name":"Operator )" + id +
                                       R"(","capacities":{"webchat":)" + std::to_string(capacity) +
                                       R"(},"groups":[")" + groups_[queue] + R"("]})");
        EXPECT_EQ(r.status, 201) << r.body;
        if (ready) setOperatorStatus(id, "ready");
        return id;
    }

    HttpResult setOperatorStatus(const std::string& op, const std::string& status, const std::string& reason = "") {
        return admin("PUT", "/api/v1/operators/" + op + "/status",
                     R"({"status":")" + status + R"(")" + (reason.empty() ? "" : R"(,"reason":")" + reason + "\"") + "}");
    }

    std::string operatorStatus(const std::string& op) {
        return db_.text("SELECT status FROM operators WHERE id = '" + op + "'");
    }

    // A new web chat visitor whose first message contains `word`; returns {token, interaction id}.
    std::pair<std::string, std::int64_t> visit(const std::string& word) {
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + unique() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const std::string token = session.json()->getValue<std::string>("token");
        return {token, write(token, "Hello, I need help with " + word + " please")};
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

    // Polls until the interaction has `status` (and `op` as its operator when given); its JSON then.
    Poco::JSON::Object::Ptr waitFor(std::int64_t id, const std::string& status, const std::string& op = "",
                                    std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        Poco::JSON::Object::Ptr current;
        while (std::chrono::steady_clock::now() < deadline) {
            current = interaction(id);
            const std::string holder = current->isNull("operator") ? "" : current->getValue<std::string>("operator");
            if (current->getValue<std::string>("status") == status && (op.empty() || holder == op)) return current;
            std::this_thread::sleep_for(50ms);
        }
        ADD_FAILURE() << "interaction " << id << " never became " << status << (op.empty() ? "" : " with " + op)
                      << "; it is " << (current ? current->getValue<std::string>("status") : "?");
        return current;
    }

    bool waitForOperator(const std::string& op, const std::string& status, std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (operatorStatus(op) == status) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    HttpResult act(std::int64_t id, const std::string& action, const std::string& body = "{}",
                   const std::string& actor = "") {
        return admin("POST", "/api/v1/interactions/" + std::to_string(id) + "/" + action, body, actor);
    }

    static DaemonProcess* daemon_;
    std::map<std::string, std::string> groups_;
    std::vector<std::string> cleanup_;
    DbProbe db_;
};

DaemonProcess* Routing::daemon_ = nullptr;

// An operator's MQTT account may read only omnigate/v1/operators/<id>/#: every event of what they are offered or hold
// comes there too, the same event as on the interaction's own topic; nothing of what they do not hold does.
TEST_F(Routing, TheOperatorsEventsTopicCarriesEveryEventOfWhatTheyHold) {
    const std::string queue = makeQueue();
    const std::string word = "w" + unique();
    addRule(word, queue, 10);
    const std::string op = makeOperator(queue, 1);
    const std::string topic = "omnigate/v1/operators/" + op + "/events";
    MqttProbe events(topic);
    MqttProbe interactions("omnigate/v1/interactions/+/events");

    const auto [token, held] = visit(word);
    waitFor(held, "offered", op);
    ASSERT_EQ(act(held, "accept", R"({"operator_id":")" + op + R"("})").status, 200);
    write(token, "Second message " + word);
    const auto ofHeld = [&](const std::string& type) {
        return [&, type](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            if (m.topic != topic || event->getValue<std::string>("type") != type) return false;
            const auto data = event->getObject("data");
            return (data->has("interaction_id") ? data->getValue<std::int64_t>("interaction_id")
                                                : data->optValue<std::int64_t>("id", 0)) == held;
        };
    };
    const auto messages = events.waitFor(ofHeld("message.created"), 1, 10s);
    ASSERT_EQ(messages.size(), 1u) << "the message written to the held interaction never reached " << topic;
    EXPECT_NE(messages[0].payload.find("Second message"), std::string::npos) << messages[0].payload;
    EXPECT_GE(events.waitFor(ofHeld("interaction.updated"), 2, 10s).size(), 2u) << "the offer and the acceptance";

    // The very event of the interaction's own topic: same id and payload.
    const std::string eventId = parse(messages[0].payload)->getValue<std::string>("id");
    const auto original = interactions.waitFor(
        [&](const ReceivedMessage& m) { return parse(m.payload)->getValue<std::string>("id") == eventId; }, 1, 10s);
    ASSERT_EQ(original.size(), 1u);
    EXPECT_EQ(original[0].topic, "omnigate/v1/interactions/" + std::to_string(held) + "/events");
    EXPECT_EQ(original[0].payload, messages[0].payload);

    // An interaction nobody holds (its first message, not routed to this operator) stays off the topic.
    const HttpResult session =
        daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + unique() + R"("})");
    ASSERT_EQ(session.status, 201) << session.body;
    const std::int64_t other = write(session.json()->getValue<std::string>("token"), "unrelated " + unique());
    const std::string otherTopic = "omnigate/v1/interactions/" + std::to_string(other) + "/events";
    EXPECT_GE(interactions.waitFor([&](const ReceivedMessage& m) { return m.topic == otherTopic; }, 2, 10s).size(), 2u)
        << "its interaction.created and message.created";
    for (const ReceivedMessage& m : events.all()) {
        const auto data = parse(m.payload)->getObject("data");
        const std::int64_t id = data->has("interaction_id") ? data->getValue<std::int64_t>("interaction_id")
                                                            : data->optValue<std::int64_t>("id", 0);
        EXPECT_NE(id, other) << m.payload;
    }
    act(held, "close", R"({"resolution":"answered"})", "operator:" + op);
}

TEST_F(Routing, ARuleQueuesItAReadyOperatorIsOfferedItOnTheirInboxAcceptsAndClosingFreesTheirPlace) {
    const std::string queue = makeQueue();
    const std::string word = "w" + unique();
    const std::int64_t rule = addRule(word, queue, 30);
    const std::string op = makeOperator(queue, 1);
    MqttProbe inbox("omnigate/v1/operators/" + op + "/inbox");

    const auto [token, first] = visit(word);
    const auto offered = waitFor(first, "offered", op);
    EXPECT_EQ(offered->getValue<std::string>("queue"), queue);
    EXPECT_EQ(offered->getValue<int>("priority"), 30);
    EXPECT_EQ(offered->getValue<std::int64_t>("routing_rule_id"), rule);
    EXPECT_FALSE(offered->isNull("offer_expires_at"));
    const auto offers = inbox.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            return event->getValue<std::string>("type") == "offer.created" &&
                   event->getObject("data")->getValue<std::int64_t>("interaction_id") == first;
        },
        1, 10s);
    ASSERT_EQ(offers.size(), 1u);
    // Capacity 1 on web chat: holding the offer fills it.
    EXPECT_TRUE(waitForOperator(op, "busy"));

    const auto [token2, second] = visit(word);
    std::this_thread::sleep_for(700ms);
    EXPECT_EQ(interaction(second)->getValue<std::string>("status"), "queued") << "offered beyond capacity";

    HttpResult r = act(first, "accept", R"({"operator_id":")" + op + R"("})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "assigned");
    EXPECT_FALSE(r.json()->isNull("accepted_at"));
    r = act(first, "close", R"({"resolution":"answered"})", "operator:" + op);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "closed");
    // Its place freed, the waiting one goes to the same operator.
    waitFor(second, "offered", op);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interaction_status_history WHERE interaction_id = " +
                         std::to_string(first) + " AND to_status = 'offered'"),
              1);
}

TEST_F(Routing, TheHigherEffectivePriorityIsOfferedFirst) {
    const std::string queue = makeQueue();
    const std::string low = "w" + unique(), high = "w" + unique();
    addRule(low, queue, 5);
    addRule(high, queue, 90);
    const auto [t1, older] = visit(low);
    const auto [t2, newer] = visit(high);
    waitFor(older, "queued");
    waitFor(newer, "queued");
    const std::string op = makeOperator(queue, 1);
    waitFor(newer, "offered", op);
    EXPECT_EQ(interaction(older)->getValue<std::string>("status"), "queued");
}

TEST_F(Routing, AnOfferNotAcceptedInTimeGoesBackAndTheOperatorIsMarkedNotResponding) {
    const std::string queue = makeQueue(R"("offer_timeout_seconds":1)");
    const std::string word = "w" + unique();
    addRule(word, queue);
    const std::string op = makeOperator(queue, 2);
    MqttProbe supervisors("omnigate/v1/supervisors/events");

    const auto [token, id] = visit(word);
    waitFor(id, "offered", op);
    const auto back = waitFor(id, "queued", "", 5s);
    EXPECT_TRUE(back->isNull("operator"));
    EXPECT_EQ(operatorStatus(op), "not_responding");
    const auto told = supervisors.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            return event->getValue<std::string>("type") == "operator.not_responding" &&
                   event->getObject("data")->getValue<std::string>("operator_id") == op;
        },
        1, 10s);
    EXPECT_EQ(told.size(), 1u);
    // Too late: the offer is gone.
    const HttpResult late = act(id, "accept", R"({"operator_id":")" + op + R"("})");
    EXPECT_EQ(late.status, 409) << late.body;
    EXPECT_EQ(errorCode(late), "offer_not_yours");
    // Ready again, they get it again (nobody else serves the queue).
    ASSERT_EQ(setOperatorStatus(op, "ready").status, 200);
    waitFor(id, "offered", op);
}

TEST_F(Routing, OnlyTheOperatorOfferedCanAcceptOrDecline) {
    const std::string queue = makeQueue();
    const std::string word = "w" + unique();
    addRule(word, queue);
    const std::string op = makeOperator(queue, 1);
    const std::string other = makeOperator(queue, 0);
    const auto [token, id] = visit(word);
    waitFor(id, "offered", op);
    HttpResult r = act(id, "accept", R"({"operator_id":")" + other + R"("})");
    EXPECT_EQ(r.status, 409) << r.body;
    r = act(id, "accept", "{}", "operator:" + other);
    EXPECT_EQ(r.status, 409) << r.body;
    r = act(id, "accept", R"({"operator_id":")" + op + R"("})", "operator:" + other);
    EXPECT_EQ(r.status, 400) << r.body;
    // Declined, it goes back to the queue; with nobody else, the decliner is offered it again.
    r = act(id, "decline", R"({"reason":"not my topic"})", "operator:" + op);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "queued");
    EXPECT_EQ(db_.text("SELECT declined_by FROM interactions WHERE id = " + std::to_string(id)), op);
    waitFor(id, "offered", op);
}

TEST_F(Routing, WaitingForTheClientFreesThePlaceAndTheReplyComesBackToTheOperatorOrTheQueue) {
    const std::string queue = makeQueue(R"("auto_accept":true)");
    const std::string word = "w" + unique();
    addRule(word, queue);
    const std::string op = makeOperator(queue, 1);
    ASSERT_EQ(admin("POST", "/api/v1/break-reasons", R"({"id":"lunch-)" + op + R"(","name":"Lunch"})").status, 201);
    cleanup_.push_back("/api/v1/break-reasons/lunch-" + op);

    const auto [token, id] = visit(word);
    waitFor(id, "assigned", op);  // auto-accept: no offer
    HttpResult r = act(id, "wait", "{}", "operator:" + op);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "waiting");
    EXPECT_TRUE(waitForOperator(op, "ready"));
    write(token, "here are the details");
    waitFor(id, "assigned", op);

    ASSERT_EQ(act(id, "wait", "{}", "operator:" + op).status, 200);
    ASSERT_EQ(setOperatorStatus(op, "break", "lunch-" + op).status, 200);
    write(token, "anyone there?");
    const auto queued = waitFor(id, "queued");
    EXPECT_TRUE(queued->isNull("operator"));
    EXPECT_EQ(queued->getValue<std::string>("queue"), queue);
}

TEST_F(Routing, TransferPostponeTakeAndSupervisorAssignment) {
    const std::string queue = makeQueue(R"("auto_accept":true,"operators_may_take":true)");
    const std::string unserved = makeQueue(R"("operators_may_take":true)");
    const std::string word = "w" + unique();
    addRule(word, queue);
    const std::string a = makeOperator(queue, 2);
    const std::string b = makeOperator(queue, 2);
    const auto [token, id] = visit(word);
    const std::string first = waitFor(id, "assigned")->getValue<std::string>("operator");
    const std::string second = first == a ? b : a;
    MqttProbe inboxFirst("omnigate/v1/operators/" + first + "/inbox");

    // To an unknown queue: 404; to a queue: queued there, holder released.
    EXPECT_EQ(act(id, "transfer", R"({"queue_id":"no-such-queue"})").status, 404);
    HttpResult r = act(id, "transfer", R"({"queue_id":")" + unserved + R"(","comment":"billing"})", "operator:" + first);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("queue"), unserved);
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "queued");
    // Nobody serves that queue, so only taking or assigning moves it; `first` does not serve it: 409.
    r = act(id, "take", "{}", "operator:" + first);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(errorCode(r), "queue_not_served");
    r = act(id, "assign", R"({"operator_id":")" + second + R"(","comment":"VIP"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("operator"), second);

    // To a colleague: an offer in status transferred, with the comment on their inbox.
    r = act(id, "transfer", R"({"operator_id":")" + first + R"(","comment":"you know this client"})",
            "operator:" + second);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "transferred");
    EXPECT_EQ(r.json()->getValue<std::string>("operator"), first);
    const auto transferOffers = inboxFirst.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            return event->getValue<std::string>("type") == "offer.created" &&
                   event->getObject("data")->getValue<std::string>("comment") == "you know this client";
        },
        1, 10s);
    EXPECT_EQ(transferOffers.size(), 1u);
    r = act(id, "accept", "{}", "operator:" + first);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "assigned");

    // Postponed for a second, it comes back to the same operator.
    const std::string until = db_.text("SELECT DATE_FORMAT(UTC_TIMESTAMP(3) + INTERVAL 1 SECOND, '%Y-%m-%dT%H:%i:%sZ')");
    r = act(id, "postpone", R"({"until":")" + until + R"("})", "operator:" + first);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "postponed");
    waitFor(id, "assigned", first, 10s);
    EXPECT_EQ(act(id, "postpone", R"({"until":"2020-01-01T00:00:00Z"})", "operator:" + first).status, 400);
    // An operator cannot act on what someone else holds.
    r = act(id, "wait", "{}", "operator:" + second);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(errorCode(r), "not_your_interaction");
}

TEST_F(Routing, MassOperationsAnswerPerId) {
    const std::string queue = makeQueue();
    const std::string word = "w" + unique();
    addRule(word, queue);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) ids.push_back(visit(word).second);
    for (std::int64_t id : ids) waitFor(id, "queued");
    const std::string op = makeOperator(queue, 5, false);
    const std::string list =
        std::to_string(ids[0]) + "," + std::to_string(ids[1]) + "," + std::to_string(ids[2]) + ",999999999";
    HttpResult r = admin("POST", "/api/v1/interactions/bulk", R"({"action":"set_priority","priority":77,"ids":[)" + list + "]}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("succeeded"), 3);
    EXPECT_EQ(r.json()->getValue<int>("failed"), 1);
    const auto last = r.json()->getArray("results")->getObject(3);
    EXPECT_FALSE(last->getValue<bool>("ok"));
    EXPECT_EQ(last->getObject("error")->getValue<int>("status"), 404);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE priority = 77 AND id IN (" + list + ")"), 3);

    r = admin("POST", "/api/v1/interactions/bulk", R"({"action":"assign","operator_id":")" + op + R"(","ids":[)" + list + "]}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("failed"), 4) << "an offline operator is refused for each id";
    ASSERT_EQ(setOperatorStatus(op, "break", "").status, 400) << "a break needs a reason";
    ASSERT_EQ(setOperatorStatus(op, "busy").status, 400) << "busy is omnigate's to set";
    r = admin("POST", "/api/v1/interactions/bulk", R"({"action":"close","resolution":"duplicate","ids":[)" + list + "]}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("succeeded"), 3);
    EXPECT_EQ(admin("POST", "/api/v1/interactions/bulk", R"({"action":"explode","ids":[1]})").status, 400);
    EXPECT_EQ(admin("POST", "/api/v1/interactions/bulk", R"({"action":"close","ids":[]})").status, 400);
}

TEST_F(Routing, WrapUpAfterClosingThenReadyAgainAndTheStatusHistoryKeepsEveryChange) {
    const std::string queue = makeQueue(R"("auto_accept":true,"wrap_up":{"mode":"fixed","seconds":1},"resolution_required":true)");
    const std::string word = "w" + unique();
    addRule(word, queue);
    const std::string op = makeOperator(queue, 3);
    const auto [token, id] = visit(word);
    waitFor(id, "assigned", op);
    HttpResult r = act(id, "close", "{}", "operator:" + op);
    EXPECT_EQ(r.status, 400) << r.body;
    r = act(id, "close", R"({"resolution":"solved"})", "operator:" + op);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(operatorStatus(op), "wrap_up");
    EXPECT_TRUE(waitForOperator(op, "ready", 5s));

    r = admin("GET", "/api/v1/operators/" + op + "/status-history");
    ASSERT_EQ(r.status, 200) << r.body;
    std::vector<std::string> path;
    const auto changes = r.json()->getArray("changes");
    for (std::size_t i = changes->size(); i-- > 0;) {
        path.push_back(changes->getObject(static_cast<unsigned>(i))->getValue<std::string>("to"));
    }
    EXPECT_EQ(path, (std::vector<std::string>{"offline", "ready", "wrap_up", "ready"}));
    EXPECT_EQ(admin("GET", "/api/v1/operators/nobody-" + unique() + "/status-history").status, 404);
}

TEST_F(Routing, AnInteractionWaitingPastTheMaximumOverflowsToAnotherQueue) {
    const std::string overflow = makeQueue();
    const std::string queue = makeQueue(R"("max_wait_seconds":1,"overflow_queue":")" + overflow + "\"");
    const std::string word = "w" + unique();
    addRule(word, queue);
    MqttProbe supervisors("omnigate/v1/supervisors/events");
    const auto [token, id] = visit(word);
    waitFor(id, "queued");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (interaction(id)->getValue<std::string>("queue") != overflow && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(interaction(id)->getValue<std::string>("queue"), overflow);
    const auto told = supervisors.waitFor(
        [&](const ReceivedMessage& m) {
            const auto event = parse(m.payload);
            return event->getValue<std::string>("type") == "interaction.overflowed" &&
                   event->getObject("data")->getValue<std::int64_t>("interaction_id") == id;
        },
        1, 10s);
    EXPECT_EQ(told.size(), 1u);
}

TEST_F(Routing, ABotFirstQueueGivesItToTheBotAndToPeopleWhenTheBotLeavesTheClientWaiting) {
    const std::string queue = makeQueue(R"("bot_first":true,"bot_timeout_seconds":1)");
    const std::string word = "w" + unique();
    addRule(word, queue);
    const auto [token, id] = visit(word);
    const auto withBot = waitFor(id, "bot");
    EXPECT_EQ(withBot->getValue<std::string>("queue"), queue);
    EXPECT_FALSE(withBot->isNull("offer_expires_at")) << "the bot's deadline";
    // Nobody answers for the bot (no chatbot integration here): people take over after the timeout.
    const auto queued = waitFor(id, "queued", "", 5s);
    EXPECT_TRUE(queued->isNull("operator"));
    EXPECT_EQ(db_.text("SELECT reason FROM interaction_status_history WHERE interaction_id = " + std::to_string(id) +
                       " ORDER BY id DESC LIMIT 1"),
              "the bot did not answer in time");
}

// Without a rule, the first queue whose sources accept the channel account takes the interaction. The daemon of
// this test has a web chat account of its own, so its queue pulls in nobody else's interactions.
TEST(RoutingBySources, AQueueTakesItsSourcesInteractionsWhenNoRuleMatches) {
    const std::string account = "acct-" + unique();
    DaemonOptions options;
    options.instance = "routing-sources-" + unique();
    options.channelsYaml += "  - type: webchat\n    id: " + account +
                            "\n    settings:\n      token_secret: test-webchat-secret-0123456789\n";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const auto admin = [&](const std::string& method, const std::string& path, const std::string& body) {
        return daemon.http().request(method, path, body,
                                     {{"Authorization", "Bearer " + daemon.adminToken()},
                                      {"Content-Type", "application/json"}});
    };
    const std::string queue = "q-" + unique();
    HttpResult r = admin("POST", "/api/v1/queues",
                         R"({"id":")" + queue + R"(","name":"By source","sources":[{"channel":"webchat","account":")" +
                             account + R"("}]})");
    ASSERT_EQ(r.status, 201) << r.body;
    const HttpResult session = daemon.http().postJson("/api/v1/webchat/" + account + "/sessions", R"({"name":"V"})");
    ASSERT_EQ(session.status, 201) << session.body;
    const HttpResult message = daemon.http().postJson("/api/v1/webchat/" + account + "/messages",
                                                      R"({"text":"no rule mentions this"})",
                                                      session.json()->getValue<std::string>("token"));
    ASSERT_EQ(message.status, 201) << message.body;
    const std::string id = std::to_string(message.json()->getValue<std::int64_t>("interaction_id"));
    std::string status, inQueue;
    for (int i = 0; i < 100 && status != "queued"; ++i) {
        const auto interaction = admin("GET", "/api/v1/interactions/" + id, "").json()->getObject("interaction");
        status = interaction->getValue<std::string>("status");
        inQueue = interaction->isNull("queue") ? "" : interaction->getValue<std::string>("queue");
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(status, "queued");
    EXPECT_EQ(inQueue, queue);
    // Leave no queue behind that takes an account other tests might one day configure.
    r = admin("PATCH", "/api/v1/queues/" + queue, R"({"sources":[]})");
    EXPECT_EQ(r.status, 200) << r.body;
}

// Every visit to a queue is one row of queue_visits, written when it ends (docs/metrics.md): moved by a supervisor
// to another queue it is left, accepted there it is answered by that operator, closed while waiting it is abandoned;
// offers made and missed in between are the same visit.
TEST_F(Routing, EveryVisitToAQueueIsRecordedOnceWithHowItEnded) {
    const std::string first = makeQueue();
    const std::string second = makeQueue(R"("offer_timeout_seconds":1)");
    const std::string word = "w" + unique();
    addRule(word, first);
    const auto [token, moved] = visit(word);
    waitFor(moved, "queued");
    const auto visits = [&](std::int64_t id) {
        return db_.rows("SELECT queue, ending, COALESCE(operator, ''), wait_ms >= 0 FROM queue_visits "
                        "WHERE interaction_id = " + std::to_string(id) + " ORDER BY id");
    };
    EXPECT_TRUE(visits(moved).empty()) << "a visit is a row once it ends";

    HttpResult r = admin("POST", "/api/v1/interactions/bulk",
                         R"({"action":"transfer","ids":[)" + std::to_string(moved) + R"(],"queue_id":")" + second + R"("})");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string slow = makeOperator(second);
    waitFor(moved, "offered", slow);
    // The offer lapses (one second): back to the queue, the same visit; the operator is not responding.
    ASSERT_TRUE(waitForOperator(slow, "not_responding", 10s));
    waitFor(moved, "queued");
    const std::string taker = makeOperator(second);
    waitFor(moved, "offered", taker);
    ASSERT_EQ(act(moved, "accept", R"({"operator_id":")" + taker + R"("})").status, 200);

    const auto [other, abandoned] = visit(word);
    waitFor(abandoned, "queued");
    ASSERT_EQ(act(abandoned, "close", R"({"resolution":"client left"})").status, 200);

    using Rows = std::vector<std::vector<std::string>>;
    EXPECT_EQ(visits(moved), (Rows{{first, "left", "", "1"}, {second, "answered", taker, "1"}}));
    EXPECT_EQ(visits(abandoned), (Rows{{first, "abandoned", "", "1"}}));
}

}  // namespace
}  // namespace omnigate::test
