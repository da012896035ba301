// The online statistics against the real daemon (docs/statistics.md): a queue with thresholds gets three web chat
// visitors while its operator is away; the board shows them waiting, coloured by the queue's threshold. One is
// closed while waiting (abandoned), the operator comes back and answers the other two, replies to one, closes it,
// and it is rated. The board over REST and the retained MQTT snapshots then show the figures metrics.md defines,
// each checked against what the test itself saw happen; the day's reports agree with the board and with the raw
// status history, as JSON, CSV and XLSX; and the bad input the issue names is refused.
// The shared database is never wiped: the queue, group, operator and rule carry a unique suffix.
#include <gtest/gtest.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <map>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"
#include "support/xlsx_reader.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

class OnlineStats : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "stats-" + unique();
        // Two rows make an export of the interaction details stop, to see it say so.
        options.extraYaml = "stats:\n  interval_seconds: 1\n  utc_offset: '+03:00'\n  max_export_rows: 2\n";
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

    HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    std::int64_t visit(const std::string& word) {
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + unique() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const HttpResult r = daemon_->http().postJson(
            "/api/v1/webchat/demo/messages", R"({"text":"About )" + word + R"(, please"})",
            session.json()->getValue<std::string>("token"));
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("interaction_id") : 0;
    }

    std::string status(std::int64_t id) {
        return db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(id));
    }

    void waitStatus(std::int64_t id, const std::string& wanted) {
        for (int i = 0; i < 200 && status(id) != wanted; ++i) std::this_thread::sleep_for(50ms);
        ASSERT_EQ(status(id), wanted) << "interaction " << id;
    }

    HttpResult act(std::int64_t id, const std::string& action, const std::string& body = "{}") {
        return admin("POST", "/api/v1/interactions/" + std::to_string(id) + "/" + action, body);
    }

    // The queue's entry of the board, as the REST API answers it now.
    Poco::JSON::Object::Ptr queueNow(const std::string& queue) {
        const HttpResult r = admin("GET", "/api/v1/stats/online/queues/" + queue);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()->getObject("queue");
    }

    // The web chat demo account's traffic today, as the channels report gives it once every interaction's event
    // is published: the relay counts a message when it deletes its published event.
    std::vector<double> reportedTraffic(const std::string& period) {
        const std::string pending = "SELECT COUNT(*) FROM outbox WHERE topic LIKE 'omnigate/v1/interactions/%'";
        for (int i = 0; i < 200 && db_.scalar(pending) != 0; ++i) std::this_thread::sleep_for(50ms);
        EXPECT_EQ(db_.scalar(pending), 0) << "interactions' events still waiting to be published";
        const HttpResult r = admin("GET", "/api/v1/reports/interaction_channels" + period + "&channel=webchat");
        EXPECT_EQ(r.status, 200) << r.body;
        const auto rows = r.json()->getArray("rows");
        for (std::size_t i = 0; i < rows->size(); ++i) {
            const auto row = rows->getObject(static_cast<unsigned>(i));
            if (row->getValue<std::string>("account") != "demo") continue;
            return {row->getValue<double>("created"), row->getValue<double>("inbound_messages"),
                    row->getValue<double>("outbound_messages")};
        }
        return {0, 0, 0};
    }

    // The same, counted from the tables of interactions and messages; `from` and `to` bound the day in UTC.
    std::vector<double> storedTraffic(const std::string& from, const std::string& to) {
        const std::string where = " WHERE channel = 'webchat' AND account = 'demo' AND created_at >= '" + from +
                                  "' AND created_at < '" + to + "'";
        return {static_cast<double>(db_.scalar("SELECT COUNT(*) FROM interactions" + where)),
                static_cast<double>(db_.scalar("SELECT COUNT(*) FROM messages" + where + " AND direction = 'in'")),
                static_cast<double>(db_.scalar("SELECT COUNT(*) FROM messages" + where + " AND direction = 'out'"))};
    }

    static DaemonProcess* daemon_;
    std::vector<std::string> cleanup_;
    DbProbe db_;
};

DaemonProcess* OnlineStats::daemon_ = nullptr;

// Today at the centre's +03:00.
std::string localToday() {
    Poco::DateTime now;
    now += Poco::Timespan(3 * Poco::Timespan::HOURS);
    return Poco::DateTimeFormatter::format(now, "%Y-%m-%d");
}

// Where today at +03:00 begins and ends, in UTC as the database keeps times.
std::pair<std::string, std::string> todayInUtc() {
    Poco::DateTime local;
    local += Poco::Timespan(3 * Poco::Timespan::HOURS);
    const Poco::DateTime start =
        Poco::DateTime(local.year(), local.month(), local.day()) - Poco::Timespan(3 * Poco::Timespan::HOURS);
    const Poco::DateTime end = start + Poco::Timespan(1, 0, 0, 0, 0);
    return {Poco::DateTimeFormatter::format(start, "%Y-%m-%d %H:%M:%S"),
            Poco::DateTimeFormatter::format(end, "%Y-%m-%d %H:%M:%S")};
}

double value(const Poco::JSON::Object::Ptr& figures, const std::string& name) {
    return figures->getObject(name)->getValue<double>("value");
}

std::string level(const Poco::JSON::Object::Ptr& figures, const std::string& name) {
    const auto figure = figures->getObject(name);
    return figure->isNull("level") ? "null" : figure->getValue<std::string>("level");
}

TEST_F(OnlineStats, TheBoardCountsTheDayOfAQueueAndItsOperatorAsMetricsDefinesIt) {
    const std::string u = unique();
    const std::string queue = "q-stats-" + u, group = "g-stats-" + u, op = "op-stats-" + u, word = "statsword" + u;
    // Waiting: 1 is a warning, 3 critical, and the target is nobody waiting. Every answer within 10 minutes meets
    // the service level; an abandon counts against it.
    HttpResult r = admin("POST", "/api/v1/queues",
                         R"({"id":")" + queue + R"(","name":"Stats )" + u + R"(","service_levels":{"*":)"
                         R"({"threshold_seconds":600,"short_abandon_seconds":0}},"thresholds":{"waiting":)"
                         R"({"direction":"above","warning":1,"critical":3,"target":0}}})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.push_back("/api/v1/queues/" + queue);
    r = admin("POST", "/api/v1/operator-groups",
              R"({"id":")" + group + R"(","name":"Stats group )" + u + R"(","queues":[")" + queue + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.insert(cleanup_.begin(), "/api/v1/operator-groups/" + group);
    r = admin("POST", "/api/v1/operators", R"({"id":")" + op + R"(","name":"Stats operator )" + u +
                                               R"(","capacities":{"webchat":2},"groups":[")" + group + R"("]})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.insert(cleanup_.begin(), "/api/v1/operators/" + op);
    r = admin("POST", "/api/v1/routing-rules", R"({"name":"stats )" + u + R"(","conditions":{"words":[")" + word +
                                                   R"("]},"actions":{"queue":")" + queue + R"("}})");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::int64_t rule = r.json()->getValue<std::int64_t>("id");
    cleanup_.insert(cleanup_.begin(), "/api/v1/routing-rules/" + std::to_string(rule));

    MqttProbe board("omnigate/v1/stats/online");
    MqttProbe own("omnigate/v1/operators/" + op + "/stats");
    // The channel's traffic before: other tests wrote to the same account today.
    const std::string today = localToday();
    const std::string period = "?from=" + today + "&to=" + today;
    const auto [dayFrom, dayTo] = todayInUtc();
    const std::vector<double> reportedBefore = reportedTraffic(period), storedBefore = storedTraffic(dayFrom, dayTo);

    // The operator is offline: all three wait.
    const std::int64_t first = visit(word), second = visit(word), left = visit(word);
    for (std::int64_t id : {first, second, left}) waitStatus(id, "queued");
    auto entry = queueNow(queue);
    auto figures = entry->getObject("figures");
    EXPECT_EQ(value(figures, "waiting"), 3);
    EXPECT_EQ(level(figures, "waiting"), "critical");
    EXPECT_EQ(figures->getObject("waiting")->getValue<double>("target"), 0);
    EXPECT_FALSE(figures->getObject("waiting")->getValue<bool>("meets_target"));
    EXPECT_GE(value(figures, "longest_wait_seconds"), 0);
    EXPECT_EQ(value(figures, "offered"), 0) << "a visit counts once it ends";
    EXPECT_EQ(level(figures, "service_level_percent"), "null") << "nothing to count yet";
    EXPECT_TRUE(figures->getObject("service_level_percent")->isNull("value"));
    EXPECT_EQ(entry->getObject("operators")->getValue<int>("offline"), 1);
    // A day of +03:00 begins at 21:00 UTC.
    EXPECT_EQ(entry->getValue<std::string>("day_from").substr(11), "21:00:00.000Z");

    // The client leaves while waiting: abandoned. The operator comes and answers the other two.
    ASSERT_EQ(act(left, "close", R"({"resolution":"left"})").status, 200);
    ASSERT_EQ(admin("PUT", "/api/v1/operators/" + op + "/status", R"({"status":"ready"})").status, 200);
    for (std::int64_t id : {first, second}) {
        waitStatus(id, "offered");
        ASSERT_EQ(act(id, "accept", R"({"operator_id":")" + op + R"("})").status, 200);
    }
    // Filed under a topic of a tree, before it is closed.
    r = admin("POST", "/api/v1/topics", R"({"name":"Stats )" + u + R"("})");
    ASSERT_EQ(r.status, 201) << r.body;
    r = admin("POST", "/api/v1/topics",
              R"({"name":"Refunds","parent_id":)" + std::to_string(r.json()->getValue<std::int64_t>("id")) + "}");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::int64_t topic = r.json()->getValue<std::int64_t>("id");
    ASSERT_EQ(admin("PUT", "/api/v1/interactions/" + std::to_string(first) + "/topics",
                    R"({"topic_ids":[)" + std::to_string(topic) + "]}").status,
              200);
    r = admin("POST", "/api/v1/interactions/" + std::to_string(first) + "/messages", R"({"text":"Here to help"})");
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_EQ(act(first, "close", R"({"resolution":"done"})").status, 200);
    ASSERT_EQ(act(first, "rating", R"({"rating":4})").status, 200);

    // What the test saw, against the board.
    entry = queueNow(queue);
    figures = entry->getObject("figures");
    EXPECT_EQ(value(figures, "waiting"), 0);
    EXPECT_EQ(level(figures, "waiting"), "normal");
    EXPECT_TRUE(figures->getObject("waiting")->getValue<bool>("meets_target"));
    EXPECT_EQ(value(figures, "offered"), 3);
    EXPECT_EQ(value(figures, "answered"), 2);
    EXPECT_EQ(value(figures, "abandoned"), 1);
    EXPECT_EQ(value(figures, "short_abandoned"), 0);
    EXPECT_EQ(value(figures, "abandonment_rate_percent"), 33.3);
    EXPECT_EQ(value(figures, "service_level_percent"), 66.7) << "2 answered in time of 2 answered + 1 abandoned";
    EXPECT_EQ(value(figures, "handled"), 1);
    EXPECT_EQ(value(figures, "average_rating"), 4);
    // The average speed of answer is the visits' waits as the database recorded them.
    const double waits = std::stod(db_.text("SELECT SUM(wait_ms) / 1000 FROM queue_visits WHERE queue = '" + queue +
                                            "' AND ending = 'answered'"));
    EXPECT_NEAR(value(figures, "average_speed_of_answer_seconds"), waits / 2, 0.051);
    const auto channels = entry->getArray("channels");
    ASSERT_EQ(channels->size(), 1u);
    EXPECT_EQ(channels->getObject(0)->getValue<std::string>("channel"), "webchat");
    EXPECT_EQ(value(channels->getObject(0)->getObject("figures"), "offered"), 3);

    r = admin("GET", "/api/v1/stats/online/operators/" + op);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto mine = r.json()->getObject("operator");
    EXPECT_EQ(mine->getValue<std::string>("status"), "ready");
    const auto work = mine->getArray("in_work");
    ASSERT_EQ(work->size(), 1u);
    EXPECT_EQ(work->getObject(0)->getValue<int>("count"), 1) << "the second one is still theirs";
    EXPECT_EQ(work->getObject(0)->getValue<int>("capacity"), 2);
    const auto personal = mine->getObject("figures");
    EXPECT_EQ(value(personal, "handled"), 1);
    EXPECT_EQ(value(personal, "average_rating"), 4);
    EXPECT_GE(value(personal, "first_response_seconds"), 0);
    EXPECT_EQ(value(personal, "not_responding"), 0);

    // The same on MQTT, retained: the supervisors' board and the operator's own topic.
    const auto boards = board.waitFor(
        [&](const ReceivedMessage& m) {
            const Poco::JSON::Array::Ptr queues = parse(m.payload)->getArray("queues");
            for (std::size_t i = 0; i < queues->size(); ++i) {
                const auto o = queues->getObject(static_cast<unsigned>(i));
                if (o->getValue<std::string>("id") == queue && value(o->getObject("figures"), "handled") == 1) {
                    return true;
                }
            }
            return false;
        },
        1, 10s);
    EXPECT_EQ(boards.size(), 1u) << "no snapshot on omnigate/v1/stats/online showed the closed interaction";
    const auto ownFigures = own.waitFor(
        [&](const ReceivedMessage& m) {
            return value(parse(m.payload)->getObject("operator")->getObject("figures"), "handled") == 1;
        },
        1, 10s);
    EXPECT_EQ(ownFigures.size(), 1u);
    // KPI targets: the group's for every member, the operator's own winning figure by figure.
    r = admin("PATCH", "/api/v1/operator-groups/" + group,
              R"({"kpi_targets":{"handled":{"direction":"below","warning":5,"critical":1},)"
              R"("average_rating":{"direction":"below","warning":3}}})");
    ASSERT_EQ(r.status, 200) << r.body;
    r = admin("PATCH", "/api/v1/operators/" + op,
              R"({"kpi_targets":{"average_rating":{"direction":"below","warning":4.5,"target":4.5}}})");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto judged = admin("GET", "/api/v1/stats/online/operators/" + op).json()->getObject("operator");
    const auto kpi = judged->getObject("figures");
    EXPECT_EQ(level(kpi, "handled"), "critical") << "1 handled is at the group's critical level";
    EXPECT_EQ(level(kpi, "average_rating"), "warning") << "the operator's own 4.5, not the group's 3";
    EXPECT_FALSE(kpi->getObject("average_rating")->getValue<bool>("meets_target"));
    // They have been ready since they came back, holding one or two: their time is counted.
    EXPECT_GT(value(kpi, "ready_share_percent") + value(kpi, "occupancy_percent"), 0);
    EXPECT_LE(value(kpi, "ready_share_percent"), 100);

    // Retained: whoever subscribes later gets the last one at once, without waiting for the next.
    MqttProbe late("omnigate/v1/operators/" + op + "/stats");
    const auto kept = late.waitFor([](const ReceivedMessage& m) { return m.retained; }, 1, 3s);
    EXPECT_EQ(kept.size(), 1u);

    // The day's reports agree with the board, and with what the raw status history of these three says.
    r = admin("GET", "/api/v1/reports/queue_kpis" + period + "&queue=" + queue);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto rows = r.json()->getArray("rows");
    ASSERT_EQ(rows->size(), 1u) << r.body;
    const auto row = rows->getObject(0);
    for (const char* figure : {"offered", "answered", "abandoned", "service_level_percent", "handled",
                                      "average_rating", "average_speed_of_answer_seconds"}) {
        EXPECT_EQ(row->getValue<double>(figure), value(figures, figure)) << figure;
    }
    const std::string ours = std::to_string(first) + ", " + std::to_string(second) + ", " + std::to_string(left);
    const auto fromHistory = [&](const std::string& from, const std::string& to) {
        return db_.scalar("SELECT COUNT(*) FROM interaction_status_history WHERE interaction_id IN (" + ours +
                          ") AND from_status = '" + from + "' AND to_status = '" + to + "'");
    };
    EXPECT_EQ(row->getValue<std::int64_t>("answered"), fromHistory("offered", "assigned"));
    EXPECT_EQ(row->getValue<std::int64_t>("abandoned"), fromHistory("queued", "closed"));
    EXPECT_EQ(row->getValue<std::int64_t>("handled"), fromHistory("assigned", "closed"));

    r = admin("GET", "/api/v1/reports/operator_kpis" + period + "&operator=" + op);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()->getArray("rows")->size(), 1u) << r.body;
    const auto kpiRow = r.json()->getArray("rows")->getObject(0);
    EXPECT_EQ(kpiRow->getValue<double>("handled"), 1);
    EXPECT_EQ(kpiRow->getValue<double>("csat_percent"), 100) << "a 4 is a top-two rating";
    EXPECT_EQ(kpiRow->getValue<std::string>("targets_met"), "0 of 1") << "the rating target of 4.5 is missed";

    // Topics, ratings and statuses of the day.
    r = admin("GET", "/api/v1/reports/interaction_topics" + period + "&topic=" + std::to_string(topic));
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()->getArray("rows")->size(), 1u) << r.body;
    const auto topicRow = r.json()->getArray("rows")->getObject(0);
    EXPECT_EQ(topicRow->getValue<std::string>("topic_path"), "Stats " + u + " / Refunds");
    EXPECT_EQ(topicRow->getValue<double>("closed"), 1);
    EXPECT_EQ(topicRow->getValue<double>("handled"), 1);
    r = admin("GET", "/api/v1/reports/interaction_ratings" + period + "&queue=" + queue);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto ratingRows = r.json()->getArray("rows");
    ASSERT_EQ(ratingRows->size(), 5u) << "every value, 5 to 1";
    EXPECT_EQ(ratingRows->getObject(1)->getValue<double>("rating"), 4);
    EXPECT_EQ(ratingRows->getObject(1)->getValue<double>("ratings"), 1);
    EXPECT_EQ(ratingRows->getObject(0)->getValue<double>("ratings"), 0);
    EXPECT_EQ(r.json()->getObject("totals")->getValue<double>("average_rating"), 4);
    r = admin("GET", "/api/v1/reports/interaction_statuses" + period + "&queue=" + queue);
    ASSERT_EQ(r.status, 200) << r.body;
    std::map<std::string, double> timesLeft;
    const auto statusRows = r.json()->getArray("rows");
    for (std::size_t i = 0; i < statusRows->size(); ++i) {
        const auto o = statusRows->getObject(static_cast<unsigned>(i));
        timesLeft[o->getValue<std::string>("status")] = o->getValue<double>("ended");
    }
    for (const char* status : {"queued", "offered", "assigned"}) {
        const std::string history = "SELECT COUNT(*) FROM interaction_status_history WHERE interaction_id IN (" + ours +
                                    ") AND from_status = '" + status + "'";
        EXPECT_EQ(timesLeft[status], db_.scalar(history)) << status;
    }

    // The same report as a spreadsheet: its rows, its totals, and for the detailed one a chart.
    r = admin("GET", "/api/v1/reports/queue_kpis" + period + "&queue=" + queue + "&format=xlsx");
    ASSERT_EQ(r.status, 200);
    const XlsxContent sheet = readXlsx(r.body);
    ASSERT_EQ(sheet.rows.size(), 3u) << "header, our queue, totals";
    EXPECT_EQ(sheet.rows[1][0], queue);
    EXPECT_EQ(sheet.rows[1][3], "3") << "offered";
    EXPECT_EQ(sheet.rows[2][0], "Total");
    r = admin("GET", "/api/v1/reports/queue_kpis" + period + "&queue=" + queue + "&format=csv");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\r\nTotal,,,3,2,1,"), std::string::npos) << r.body;
    r = admin("GET", "/api/v1/reports/contact_centre_detailed" + period + "&interval=60&queue=" + queue +
                         "&format=xlsx");
    ASSERT_EQ(r.status, 200);
    const XlsxContent detailed = readXlsx(r.body);
    EXPECT_EQ(detailed.rows.size(), 1u + 24 + 1) << "every hour of the day, and the totals";
    EXPECT_TRUE(detailed.hasChart);
    // As JSON, the same chart by its columns' keys, and each column's number format (what the console draws with).
    r = admin("GET", "/api/v1/reports/contact_centre_detailed" + period + "&queue=" + queue);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto chart = r.json()->getArray("chart");
    ASSERT_EQ(chart->size(), 3u) << r.body;
    EXPECT_EQ(chart->getElement<std::string>(0), "offered");
    EXPECT_EQ(chart->getElement<std::string>(2), "abandoned");
    const auto columns = r.json()->getArray("columns");
    EXPECT_EQ(columns->getObject(0)->getValue<std::string>("format"), "") << "the interval, a text";
    EXPECT_EQ(columns->getObject(1)->getValue<std::string>("key"), "offered");
    EXPECT_EQ(columns->getObject(6)->getValue<std::string>("key"), "abandonment_rate_percent");
    EXPECT_EQ(columns->getObject(6)->getValue<std::string>("format"), "0.0");
    r = admin("GET", "/api/v1/reports/queue_kpis" + period + "&queue=" + queue);
    EXPECT_EQ(r.json()->getArray("chart")->size(), 0u) << "no trend, no chart";

    // The channels report counted what the scenario sent and received as the tables of messages hold it: three
    // visitors' messages in, and out the operator's reply with whatever the system said.
    const std::vector<double> reportedAfter = reportedTraffic(period), storedAfter = storedTraffic(dayFrom, dayTo);
    EXPECT_EQ(reportedAfter[0] - reportedBefore[0], 3) << "interactions opened";
    EXPECT_EQ(reportedAfter[1] - reportedBefore[1], 3) << "messages in";
    EXPECT_GE(reportedAfter[2] - reportedBefore[2], 1) << "messages out";
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(reportedAfter[i] - reportedBefore[i], storedAfter[i] - storedBefore[i]) << "figure " << i;
    }

    // The interaction details: the queue's three in the order they were opened, read a page at a time.
    r = admin("GET", "/api/v1/reports/interaction_details" + period + "&queue=" + queue + "&limit=2");
    ASSERT_EQ(r.status, 200) << r.body;
    auto details = r.json()->getArray("rows");
    ASSERT_EQ(details->size(), 2u) << r.body;
    ASSERT_FALSE(r.json()->isNull("next")) << r.body;
    EXPECT_EQ(details->getObject(0)->getValue<std::int64_t>("id"), first);
    EXPECT_EQ(details->getObject(1)->getValue<std::int64_t>("id"), second);
    const auto handled = details->getObject(0);
    EXPECT_EQ(handled->getValue<std::string>("status"), "closed");
    EXPECT_EQ(handled->getValue<std::string>("operator"), op);
    EXPECT_EQ(handled->getValue<std::string>("topics"), "Refunds");
    EXPECT_EQ(handled->getValue<std::string>("resolution"), "done");
    EXPECT_EQ(handled->getValue<double>("rating"), 4);
    const std::string firstId = std::to_string(first);
    EXPECT_EQ(handled->getValue<std::string>("created_at"),
              db_.text("SELECT DATE_FORMAT(created_at + INTERVAL 3 HOUR, '%Y-%m-%d %H:%i:%s') FROM interactions "
                       "WHERE id = " + firstId));
    EXPECT_NEAR(handled->getValue<double>("handle_seconds"),
                std::stod(db_.text("SELECT TIMESTAMPDIFF(MICROSECOND, accepted_at, closed_at) / 1000000 FROM "
                                   "interactions WHERE id = " + firstId)),
                0.051);
    EXPECT_NEAR(handled->getValue<double>("wait_seconds"),
                std::stod(db_.text("SELECT SUM(wait_ms) / 1000 FROM queue_visits WHERE interaction_id = " + firstId)),
                0.051);
    EXPECT_NEAR(handled->getValue<double>("first_response_seconds"),
                std::stod(db_.text("SELECT TIMESTAMPDIFF(MICROSECOND, created_at, first_response_at) / 1000000 FROM "
                                   "interactions WHERE id = " + firstId)),
                0.051);
    EXPECT_TRUE(details->getObject(1)->isNull("closed_at")) << "the second is still being handled";
    r = admin("GET", "/api/v1/reports/interaction_details" + period + "&queue=" + queue + "&limit=2&after=" +
                         r.json()->getValue<std::string>("next"));
    ASSERT_EQ(r.status, 200) << r.body;
    details = r.json()->getArray("rows");
    ASSERT_EQ(details->size(), 1u) << r.body;
    EXPECT_TRUE(r.json()->isNull("next")) << "the last page";
    const auto abandoned = details->getObject(0);
    EXPECT_EQ(abandoned->getValue<std::int64_t>("id"), left);
    EXPECT_EQ(abandoned->getValue<std::string>("resolution"), "left");
    EXPECT_TRUE(abandoned->isNull("operator"));
    EXPECT_TRUE(abandoned->isNull("handle_seconds")) << "nobody handled it";
    // Exported, the list streams and stops at the configured two rows with a note that says so.
    r = admin("GET", "/api/v1/reports/interaction_details" + period + "&queue=" + queue + "&format=csv");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers["Transfer-Encoding"], "chunked");
    EXPECT_EQ(r.body.rfind("\xEF\xBB\xBFInteraction,Opened,Channel,", 0), 0u) << r.body;
    EXPECT_NE(r.body.find("\r\n" + std::to_string(second) + ","), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("\r\n" + std::to_string(left) + ","), std::string::npos) << "past the limit: " << r.body;
    EXPECT_NE(r.body.find("The export stops at 2 rows; narrow the period or the filters"), std::string::npos);
    r = admin("GET", "/api/v1/reports/interaction_details" + period + "&queue=" + queue + "&format=xlsx");
    ASSERT_EQ(r.status, 200);
    const XlsxContent list = readXlsx(r.body);
    ASSERT_EQ(list.rows.size(), 4u) << "header, two rows, the note";
    EXPECT_EQ(list.rows[1][0], std::to_string(first));
    EXPECT_EQ(list.rows[1][9], "closed");
    EXPECT_EQ(list.rows[3][0].rfind("The export stops at 2 rows", 0), 0u) << list.rows[3][0];

    // Rebuilt from the stored facts, the aggregates of this scenario are what the write path kept live.
    const std::vector<std::string> aggregates{
        "SELECT * FROM stats_queue_intervals WHERE queue = '" + queue + "' ORDER BY 1, 2, 3",
        "SELECT * FROM stats_operator_intervals WHERE operator = '" + op + "' ORDER BY 1, 2, 3",
        "SELECT * FROM stats_operator_status_intervals WHERE operator = '" + op + "' ORDER BY 1, 2, 3, 4",
        "SELECT * FROM stats_topic_intervals WHERE topic_id = " + std::to_string(topic) + " ORDER BY 1, 2, 3, 4",
        "SELECT * FROM stats_rating_intervals WHERE queue = '" + queue + "' ORDER BY 1, 2, 3, 4, 5",
        "SELECT * FROM stats_status_intervals WHERE queue = '" + queue + "' ORDER BY 1, 2, 3, 4"};
    std::vector<std::vector<std::vector<std::string>>> live;
    for (const std::string& sql : aggregates) live.push_back(db_.rows(sql));
    std::string output;
    ASSERT_EQ(DaemonProcess::run({"--config", daemon_->configPath(), "--rebuild-stats"}, output), 0) << output;
    EXPECT_NE(output.find("queue visits: "), std::string::npos) << "progress is shown: " << output;
    EXPECT_NE(output.find("done"), std::string::npos) << output;
    for (std::size_t i = 0; i < aggregates.size(); ++i) {
        EXPECT_EQ(db_.rows(aggregates[i]), live[i]) << aggregates[i];
    }
    EXPECT_FALSE(live[0].empty());
    // The channel's traffic, rebuilt, is what the tables hold (other tests wrote some of it without the daemon).
    EXPECT_EQ(reportedTraffic(period), storedTraffic(dayFrom, dayTo));
}

TEST_F(OnlineStats, BadThresholdsQueriesAndReportRequestsAreRefusedNamingTheKey) {
    const std::string queue = "q-stats-bad-" + unique();
    HttpResult r = admin("POST", "/api/v1/queues", R"({"id":")" + queue + R"(","name":"Bad )" + queue + R"("})");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.push_back("/api/v1/queues/" + queue);
    const auto refused = [&](const std::string& body, const std::string& key) {
        const HttpResult p = admin("PATCH", "/api/v1/queues/" + queue, body);
        EXPECT_EQ(p.status, 400) << body << " -> " << p.body;
        EXPECT_NE(p.body.find(key), std::string::npos) << p.body;
    };
    refused(R"({"thresholds":{"waiting":{"warning":1}}})", "thresholds.waiting.direction");
    refused(R"({"thresholds":{"waiting":{"direction":"up","warning":1}}})", "thresholds.waiting.direction");
    refused(R"({"thresholds":{"queue_mood":{"direction":"above","warning":1}}})", "thresholds.queue_mood");
    refused(R"({"thresholds":{"service_level_percent":{"direction":"below","warning":60,"critical":80}}})",
            "thresholds.service_level_percent.warning");
    refused(R"({"reset_at":"08:10"})", "reset_at");

    r = admin("PATCH", "/api/v1/queues/" + queue,
              R"({"thresholds":{"service_level_percent":{"direction":"below","warning":80,"critical":60}},)"
              R"("reset_at":"08:00"})");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto saved = admin("GET", "/api/v1/queues/" + queue).json();
    EXPECT_EQ(saved->getValue<std::string>("reset_at"), "08:00");
    EXPECT_EQ(saved->getObject("thresholds")->getObject("service_level_percent")->getValue<std::string>("direction"),
              "below");
    // 08:00 at +03:00 is 05:00 UTC.
    EXPECT_EQ(admin("GET", "/api/v1/stats/online/queues/" + queue).json()->getObject("queue")
                  ->getValue<std::string>("day_from").substr(11),
              "05:00:00.000Z");

    // Reports: what the issue names as bad input is a 400 that says what is wrong.
    const auto badReport = [&](const std::string& path, const std::string& named) {
        const HttpResult b = admin("GET", "/api/v1/reports/" + path);
        EXPECT_EQ(b.status, 400) << path << " -> " << b.body;
        EXPECT_NE(b.body.find(named), std::string::npos) << b.body;
    };
    badReport("queue_kpis?from=2026-12-07&to=2026-12-01", "'to' (2026-12-01) is before 'from'");
    badReport("queue_kpis?from=2025-01-01&to=2026-12-01", "at most 400");
    badReport("queue_kpis?from=2026-12-01&to=2026-12-07&topic=5", "'topic' is not a parameter of report queue_kpis");
    badReport("queue_kpis?from=2026-12-01&to=2026-13-07", "'to' must be a date");
    badReport("queue_kpis?to=2026-12-07", "'from' must be a date YYYY-MM-DD and is required");
    badReport("no_such_report?from=2026-12-01&to=2026-12-07", "no report 'no_such_report'");
    badReport("contact_centre_detailed?from=2026-12-01&to=2026-12-01&interval=20", "'interval' must be 15, 30 or 60");
    badReport("queue_kpis?from=2026-12-01&to=2026-12-01&interval=15", "report queue_kpis has no intervals");
    badReport("queue_kpis?from=2026-12-01&to=2026-12-01&format=pdf", "'format' must be json, csv or xlsx");
    badReport("interaction_details?from=2026-12-01&to=2026-12-01&after=yesterday", "'after' must be the `next`");
    badReport("interaction_details?from=2026-12-01&to=2026-12-01&limit=0", "'limit' must be a number of rows from 1");
    badReport("interaction_details?from=2026-12-01&to=2026-12-01&limit=1001", "from 1 to 1000");
    badReport("interaction_details?from=2026-12-01&to=2026-12-01&limit=5&format=csv", "'after' and 'limit' page the JSON");
    badReport("interaction_channels?from=2026-12-01&to=2026-12-01&queue=x", "'queue' is not a parameter");
    const HttpResult list = admin("GET", "/api/v1/reports");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.json()->getArray("reports")->size(), 11u);

    EXPECT_EQ(admin("GET", "/api/v1/stats/online?queue=x").status, 400);
    EXPECT_EQ(admin("GET", "/api/v1/stats/online/queues/no-such-queue-" + unique()).status, 404);
    EXPECT_EQ(admin("GET", "/api/v1/stats/online/operators/no-such-operator-" + unique()).status, 404);
}

}  // namespace
}  // namespace omnigate::test
