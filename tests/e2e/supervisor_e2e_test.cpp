// The supervisor's unified queue end to end: real web chat interactions, put into known states with SQL, then
// listed, filtered, paged, grouped and exported (CSV and XLSX) through the real daemon; and an operator's desk and
// day counters. Everything sits in a queue and with an operator made for this run, which no operator group
// serves, so routing never touches the rows.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include "support/daemon_process.h"
#include "support/db_probe.h"

namespace omnigate::test {
namespace {

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

// RFC 4180 back into rows: quoted fields may hold commas, doubled quotes and line breaks.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(field);
            field.clear();
            rows.push_back(row);
            row.clear();
            ++i;
        } else {
            field += c;
        }
    }
    if (!field.empty() || !row.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

std::string run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    ::pclose(pipe);
    return out;
}

std::vector<std::int64_t> ids(const Poco::JSON::Array::Ptr& items) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < items->size(); ++i) {
        out.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
    }
    return out;
}

class SupervisorEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        daemon_ = new DaemonProcess();
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
        DbProbe db;
        tag_ = uniqueId().substr(0, 8);
        queue_ = "sv-q-" + tag_;
        operator_ = "sv-op-" + tag_;
        db.execute("INSERT INTO queues (id, name, settings, created_at, updated_at) VALUES ('" + queue_ +
                   "', 'Supervisor test', '{}', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))");
        db.execute("INSERT INTO operators (id, name, capacities, status, status_since, created_at, updated_at) VALUES ('" +
                   operator_ + "', 'Supervisor test operator', '{}', 'ready', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), "
                               "UTC_TIMESTAMP(3))");

        // In the queue: the order by effective priority is E (100), B (0 + 2/min * 30 min = 60), C (50),
        // F (10, waiting longer than A), A (10), D (5, assigned).
        const auto queued = [&](const std::string& name, int priority, double step, int waitedSeconds,
                                const std::string& status = "queued", const std::string& op = "") {
            const std::int64_t id = makeInteraction(name);
            db.execute("UPDATE interactions SET status = '" + status + "', queue = '" + queue_ + "', operator = " +
                       (op.empty() ? std::string("NULL") : "'" + op + "'") +
                       ", priority = " + std::to_string(priority) + ", priority_step = " + std::to_string(step) +
                       ", queued_at = UTC_TIMESTAMP(3) - INTERVAL " + std::to_string(waitedSeconds) +
                       " SECOND WHERE id = " + std::to_string(id));
            return id;
        };
        a_ = queued("Anton " + tag_, 10, 0, 60);
        b_ = queued("Анна Иванова " + tag_, 0, 2.0, 1800);
        c_ = queued("Chris " + tag_, 50, 0, 300);
        d_ = queued("Dora " + tag_, 5, 0, 120, "assigned", operator_);
        e_ = queued("Emil " + tag_, 100, 0, 0);
        f_ = queued("Fiona " + tag_, 10, 0, 600);
        // A name and a subject that need CSV quoting, and a subject a spreadsheet would run as a formula.
        db.execute("UPDATE clients SET name = 'Smith, \"Bob\"\\nJr " + tag_ + "' WHERE id = (SELECT client_id FROM "
                   "interactions WHERE id = " + std::to_string(c_) + ")");
        db.execute("UPDATE interactions SET subject = '=1+2' WHERE id = " + std::to_string(c_));

        // The operator's desk, outside the queue: offered, waiting and postponed (one on e-mail), and closed ones.
        const auto onDesk = [&](const std::string& status, const std::string& extra) {
            const std::int64_t id = makeInteraction("Desk " + status + " " + tag_);
            db.execute("UPDATE interactions SET status = '" + status + "', queue = NULL, operator = '" + operator_ +
                       "'" + extra + " WHERE id = " + std::to_string(id));
            return id;
        };
        offered_ = onDesk("offered", ", offer_expires_at = UTC_TIMESTAMP(3) + INTERVAL 1 HOUR");
        waiting_ = onDesk("waiting", "");
        postponed_ = onDesk("postponed", ", channel = 'email', postponed_until = UTC_TIMESTAMP(3) + INTERVAL 1 DAY");
        // Handled today: 120 s from the accept, and 300 s from the creation (no accept recorded): 210 s on average.
        onDesk("closed", ", closed_at = UTC_TIMESTAMP(3), accepted_at = UTC_TIMESTAMP(3) - INTERVAL 120 SECOND");
        onDesk("closed", ", closed_at = UTC_TIMESTAMP(3), accepted_at = NULL, "
                         "created_at = UTC_TIMESTAMP(3) - INTERVAL 300 SECOND");
        // Two days ago: in no day's count.
        onDesk("closed", ", closed_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY, accepted_at = UTC_TIMESTAMP(3) - "
                         "INTERVAL 2 DAY - INTERVAL 60 SECOND");
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    // A web chat visitor's first message: a new client with a new interaction.
    static std::int64_t makeInteraction(const std::string& name) {
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":")" + name + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const std::string token = session.json()->getValue<std::string>("token");
        const HttpResult message =
            daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"help )" + tag_ + R"("})", token);
        EXPECT_EQ(message.status, 201) << message.body;
        return message.json()->getValue<std::int64_t>("interaction_id");
    }

    static HttpResult get(const std::string& path) { return daemon_->http().get(path, daemon_->adminToken()); }

    static Poco::JSON::Object::Ptr getJson(const std::string& path) {
        const HttpResult r = get(path);
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return r.json();
    }

    static std::vector<std::int64_t> listed(const std::string& query) {
        return ids(getJson("/api/v1/supervisor/interactions?" + query)->getArray("interactions"));
    }

    static DaemonProcess* daemon_;
    static std::string tag_, queue_, operator_;
    static std::int64_t a_, b_, c_, d_, e_, f_, offered_, waiting_, postponed_;
};

DaemonProcess* SupervisorEndToEnd::daemon_ = nullptr;
std::string SupervisorEndToEnd::tag_, SupervisorEndToEnd::queue_, SupervisorEndToEnd::operator_;
std::int64_t SupervisorEndToEnd::a_, SupervisorEndToEnd::b_, SupervisorEndToEnd::c_, SupervisorEndToEnd::d_,
    SupervisorEndToEnd::e_, SupervisorEndToEnd::f_, SupervisorEndToEnd::offered_, SupervisorEndToEnd::waiting_,
    SupervisorEndToEnd::postponed_;

TEST_F(SupervisorEndToEnd, QueueIsOrderedByEffectivePriorityThenWaitingTime) {
    const auto body = getJson("/api/v1/supervisor/interactions?queue=" + queue_);
    const auto items = body->getArray("interactions");
    // B's priority grew past C's and A's while it waited; F waited longer than A at the same priority.
    EXPECT_EQ(ids(items), (std::vector<std::int64_t>{e_, b_, c_, f_, a_, d_}));
    EXPECT_TRUE(body->isNull("next_cursor"));
    EXPECT_FALSE(body->getValue<std::string>("as_of").empty());

    const auto b = items->getObject(1);
    EXPECT_EQ(b->getValue<int>("priority"), 0);
    EXPECT_EQ(b->getValue<std::int64_t>("effective_priority"), 60);
    EXPECT_GE(b->getValue<std::int64_t>("waited_seconds"), 1800);
    EXPECT_LT(b->getValue<std::int64_t>("waited_seconds"), 1900);
    EXPECT_EQ(b->getValue<std::string>("client_name"), "Анна Иванова " + tag_);
    EXPECT_EQ(b->getValue<std::string>("status"), "queued");
    EXPECT_EQ(b->getValue<std::string>("queue"), queue_);
    EXPECT_TRUE(b->isNull("operator"));
    EXPECT_EQ(b->getValue<std::string>("channel"), "webchat");
    EXPECT_EQ(b->getValue<std::string>("account"), "demo");
    EXPECT_FALSE(b->getValue<std::string>("queued_at").empty());
    // Capped at 100 however long it waits.
    EXPECT_EQ(items->getObject(0)->getValue<std::int64_t>("effective_priority"), 100);
    EXPECT_EQ(items->getObject(5)->getValue<std::string>("operator"), operator_);
}

TEST_F(SupervisorEndToEnd, FiltersNarrowTheQueue) {
    const std::string q = "queue=" + queue_;
    EXPECT_EQ(listed(q + "&unassigned=true"), (std::vector<std::int64_t>{e_, b_, c_, f_, a_}));
    EXPECT_EQ(listed(q + "&unassigned=false"), (std::vector<std::int64_t>{d_}));
    EXPECT_EQ(listed(q + "&status=assigned"), (std::vector<std::int64_t>{d_}));
    EXPECT_EQ(listed(q + "&status=assigned,queued").size(), 6u);
    EXPECT_EQ(listed(q + "&min_wait_seconds=600"), (std::vector<std::int64_t>{b_, f_}));
    EXPECT_EQ(listed(q + "&channel=webchat&account=demo").size(), 6u);
    EXPECT_TRUE(listed(q + "&channel=email").empty());
    EXPECT_TRUE(listed(q + "&account=acct-" + tag_).empty());
    // Everything the operator holds, whatever the queue; closed ones are not in the unified queue.
    const auto mine = listed("operator=" + operator_);
    EXPECT_EQ(mine.size(), 4u);
    for (std::int64_t id : {offered_, waiting_, postponed_, d_}) {
        EXPECT_NE(std::find(mine.begin(), mine.end(), id), mine.end()) << id;
    }
}

TEST_F(SupervisorEndToEnd, RefusesWhatItCannotAnswer) {
    EXPECT_EQ(daemon_->http().get("/api/v1/supervisor/interactions").status, 401);
    EXPECT_EQ(daemon_->http().get("/api/v1/supervisor/interactions/export?format=csv").status, 401);
    EXPECT_EQ(daemon_->http().get("/api/v1/operators/" + operator_ + "/stats").status, 401);
    const auto badRequest = [&](const std::string& query, const std::string& names) {
        const HttpResult r = get("/api/v1/supervisor/interactions?" + query);
        EXPECT_EQ(r.status, 400) << query << ": " << r.body;
        EXPECT_NE(r.body.find(names), std::string::npos) << r.body;
    };
    badRequest("status=closed", "'status'");
    badRequest("group_by=client", "'group_by'");
    badRequest("queu=x", "'queu'");
    badRequest("limit=1001", "'limit'");
    badRequest("cursor=garbage", "'cursor'");
    badRequest("min_wait_seconds=-1", "'min_wait_seconds'");
    badRequest("unassigned=yes", "'unassigned'");
    badRequest("unassigned=true&operator=" + operator_, "'operator'");
    badRequest("group_by=queue&limit=5", "'limit'");
    const HttpResult pdf = get("/api/v1/supervisor/interactions/export?format=pdf&queue=" + queue_);
    EXPECT_EQ(pdf.status, 400) << pdf.body;
    EXPECT_NE(pdf.body.find("'format'"), std::string::npos) << pdf.body;
    EXPECT_EQ(get("/api/v1/operators/nobody-" + tag_ + "/interactions").status, 404);
    EXPECT_EQ(get("/api/v1/operators/nobody-" + tag_ + "/stats").status, 404);
    EXPECT_EQ(get("/api/v1/operators/" + operator_ + "/stats?utc_offset=%2B15:00").status, 400);
}

TEST_F(SupervisorEndToEnd, PagesFollowTheCursorWithoutGapsOrRepeats) {
    std::vector<std::int64_t> seen;
    std::string cursor;
    int pages = 0;
    do {
        const auto body = getJson("/api/v1/supervisor/interactions?queue=" + queue_ + "&limit=4" +
                                  (cursor.empty() ? "" : "&cursor=" + cursor));
        const auto page = ids(body->getArray("interactions"));
        EXPECT_LE(page.size(), 4u);
        seen.insert(seen.end(), page.begin(), page.end());
        cursor = body->isNull("next_cursor") ? "" : body->getValue<std::string>("next_cursor");
    } while (!cursor.empty() && ++pages < 10);
    EXPECT_EQ(pages, 1);
    EXPECT_EQ(seen, (std::vector<std::int64_t>{e_, b_, c_, f_, a_, d_}));
    // A page that ends exactly at the last line says so with a cursor that yields nothing more.
    const auto two = getJson("/api/v1/supervisor/interactions?queue=" + queue_ + "&limit=3");
    const auto rest = getJson("/api/v1/supervisor/interactions?queue=" + queue_ + "&limit=3&cursor=" +
                              two->getValue<std::string>("next_cursor"));
    EXPECT_EQ(ids(rest->getArray("interactions")), (std::vector<std::int64_t>{f_, a_, d_}));
    EXPECT_TRUE(rest->isNull("next_cursor"));
}

TEST_F(SupervisorEndToEnd, GroupsCountTheFilteredQueue) {
    const auto byStatus = getJson("/api/v1/supervisor/interactions?queue=" + queue_ + "&group_by=status");
    EXPECT_EQ(byStatus->getValue<std::string>("group_by"), "status");
    EXPECT_EQ(byStatus->getValue<std::int64_t>("total"), 6);
    const auto groups = byStatus->getArray("groups");
    ASSERT_EQ(groups->size(), 2u);
    const auto assigned = groups->getObject(0);
    EXPECT_EQ(assigned->getValue<std::string>("key"), "assigned");
    EXPECT_EQ(assigned->getValue<std::int64_t>("count"), 1);
    EXPECT_EQ(assigned->getValue<std::int64_t>("oldest_interaction_id"), d_);
    const auto queued = groups->getObject(1);
    EXPECT_EQ(queued->getValue<std::string>("key"), "queued");
    EXPECT_EQ(queued->getValue<std::int64_t>("count"), 5);
    EXPECT_EQ(queued->getValue<std::int64_t>("oldest_interaction_id"), b_);
    EXPECT_GE(queued->getValue<std::int64_t>("max_waited_seconds"), 1800);
    EXPECT_LT(queued->getValue<std::int64_t>("max_waited_seconds"), 1900);

    // No operator is a group of its own, listed first.
    const auto byOperator = getJson("/api/v1/supervisor/interactions?queue=" + queue_ + "&group_by=operator");
    const auto operators = byOperator->getArray("groups");
    ASSERT_EQ(operators->size(), 2u);
    EXPECT_TRUE(operators->getObject(0)->isNull("key"));
    EXPECT_EQ(operators->getObject(0)->getValue<std::int64_t>("count"), 5);
    EXPECT_EQ(operators->getObject(1)->getValue<std::string>("key"), operator_);
    EXPECT_EQ(operators->getObject(1)->getValue<std::int64_t>("count"), 1);

    // The same filters apply: only those waiting ten minutes or more.
    const auto byQueue =
        getJson("/api/v1/supervisor/interactions?queue=" + queue_ + "&min_wait_seconds=600&group_by=queue");
    const auto queues = byQueue->getArray("groups");
    ASSERT_EQ(queues->size(), 1u);
    EXPECT_EQ(queues->getObject(0)->getValue<std::string>("key"), queue_);
    EXPECT_EQ(queues->getObject(0)->getValue<std::int64_t>("count"), 2);
    EXPECT_EQ(queues->getObject(0)->getValue<std::int64_t>("oldest_interaction_id"), b_);
}

TEST_F(SupervisorEndToEnd, ExportsTheQueueAsCsv) {
    const HttpResult r = get("/api/v1/supervisor/interactions/export?format=csv&queue=" + queue_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.at("Content-Type"), "text/csv; charset=utf-8");
    const std::string disposition = r.headers.at("Content-Disposition");
    EXPECT_EQ(disposition.rfind("attachment; filename=\"unified-queue-", 0), 0u) << disposition;
    EXPECT_NE(disposition.find(".csv\""), std::string::npos) << disposition;
    EXPECT_EQ(r.headers.at("X-Omnigate-Export-Truncated"), "false");
    ASSERT_EQ(r.body.rfind("\xEF\xBB\xBF", 0), 0u) << "no UTF-8 byte-order mark";

    const auto rows = parseCsv(r.body.substr(3));
    ASSERT_EQ(rows.size(), 7u) << r.body;
    const auto& header = rows[0];
    ASSERT_EQ(header.size(), 17u);
    EXPECT_EQ(header[0], "ID");
    EXPECT_EQ(header[5], "Client name");
    EXPECT_EQ(header[12], "Effective priority");
    std::vector<std::int64_t> order;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        ASSERT_EQ(rows[i].size(), 17u) << i;
        order.push_back(std::stoll(rows[i][0]));
    }
    EXPECT_EQ(order, (std::vector<std::int64_t>{e_, b_, c_, f_, a_, d_}));
    EXPECT_EQ(rows[2][5], "Анна Иванова " + tag_);
    EXPECT_EQ(rows[2][12], "60");
    // Comma, quotes and a line break survive the round trip; a formula is defused.
    EXPECT_EQ(rows[3][5], "Smith, \"Bob\"\nJr " + tag_);
    EXPECT_EQ(rows[3][6], "'=1+2");
    EXPECT_EQ(rows[6][9], operator_);
}

TEST_F(SupervisorEndToEnd, ExportsTheQueueAsXlsx) {
    const HttpResult r = get("/api/v1/supervisor/interactions/export?format=xlsx&queue=" + queue_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.at("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_NE(r.headers.at("Content-Disposition").find(".xlsx\""), std::string::npos);
    ASSERT_EQ(r.body.rfind("PK\x03\x04", 0), 0u) << "not a zip archive";

    const std::string path = "/tmp/omnigate-supervisor-test-" + tag_ + ".xlsx";
    std::ofstream(path, std::ios::binary) << r.body;
    // Strings live in the sheet (inline) or in the shared strings table, depending on how it was written.
    const std::string xml = run("python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                                "print(\"\".join(z.read(n).decode(\"utf-8\") for n in z.namelist() "
                                "if n.startswith(\"xl/worksheets/\") or n == \"xl/sharedStrings.xml\"))' " + path);
    std::remove(path.c_str());
    ASSERT_FALSE(xml.empty()) << "python3 could not read the workbook";
    EXPECT_NE(xml.find("Анна Иванова " + tag_), std::string::npos);
    EXPECT_NE(xml.find("Effective priority"), std::string::npos);
    EXPECT_NE(xml.find(queue_), std::string::npos);
    // Seven rows: the header and six lines.
    EXPECT_NE(xml.find("<row r=\"7\""), std::string::npos);
    EXPECT_EQ(xml.find("<row r=\"8\""), std::string::npos);
}

TEST_F(SupervisorEndToEnd, OperatorSeesTheirOpenInteractions) {
    const auto body = getJson("/api/v1/operators/" + operator_ + "/interactions");
    EXPECT_EQ(body->getValue<std::string>("operator_id"), operator_);
    const auto mine = ids(body->getArray("interactions"));
    ASSERT_EQ(mine.size(), 4u);
    for (std::int64_t id : {offered_, waiting_, postponed_, d_}) {
        EXPECT_NE(std::find(mine.begin(), mine.end(), id), mine.end()) << id;
    }
}

TEST_F(SupervisorEndToEnd, OperatorCountersCoverTheirDay) {
    const auto utc = getJson("/api/v1/operators/" + operator_ + "/stats");
    EXPECT_EQ(utc->getValue<std::int64_t>("handled_today"), 2);
    EXPECT_NEAR(utc->getValue<double>("average_handling_seconds_today"), 210.0, 0.5);
    const auto open = utc->getObject("open_by_channel");
    EXPECT_EQ(open->getValue<std::int64_t>("webchat"), 3);
    EXPECT_EQ(open->getValue<std::int64_t>("email"), 1);
    EXPECT_EQ(open->size(), 2u);
    EXPECT_EQ(utc->getValue<std::int64_t>("open_total"), 4);
    const auto day = utc->getObject("day");
    EXPECT_EQ(day->getValue<std::string>("utc_offset"), "+00:00");
    EXPECT_EQ(day->getValue<std::string>("from").substr(10), "T00:00:00.000Z");

    // At +03:00 the day starts at 21:00 UTC; the operator's closings of this moment fall into it.
    const auto moscow = getJson("/api/v1/operators/" + operator_ + "/stats?utc_offset=%2B03:00");
    const auto local = moscow->getObject("day");
    EXPECT_EQ(local->getValue<std::string>("utc_offset"), "+03:00");
    EXPECT_EQ(local->getValue<std::string>("from").substr(10), "T21:00:00.000Z");
    EXPECT_EQ(local->getValue<std::string>("to").substr(10), "T21:00:00.000Z");
    EXPECT_EQ(moscow->getValue<std::int64_t>("handled_today"), 2);

    // One closed a second after the local midnight counts at +03:00, and in the UTC day only when that
    // moment is in it too.
    DbProbe db;
    const std::string from = local->getValue<std::string>("from");
    const std::string closedAt = from.substr(0, 10) + " " + from.substr(11, 12);
    const std::int64_t late = makeInteraction("Late " + tag_);
    db.execute("UPDATE interactions SET status = 'closed', operator = '" + operator_ + "', closed_at = '" + closedAt +
               "' + INTERVAL 1 SECOND, accepted_at = '" + closedAt + "' WHERE id = " + std::to_string(late));
    EXPECT_EQ(getJson("/api/v1/operators/" + operator_ + "/stats?utc_offset=%2B03:00")->getValue<std::int64_t>(
                  "handled_today"),
              3);
    const std::string utcFrom = day->getValue<std::string>("from");
    const bool inUtcDay = closedAt.substr(0, 10) + "T" + closedAt.substr(11) + "Z" >= utcFrom;
    EXPECT_EQ(getJson("/api/v1/operators/" + operator_ + "/stats")->getValue<std::int64_t>("handled_today"),
              inUtcDay ? 3 : 2);
    // A '+' sent unescaped arrives as a space; it still means +03:00.
    EXPECT_EQ(getJson("/api/v1/operators/" + operator_ + "/stats?utc_offset=+03:00")
                  ->getObject("day")
                  ->getValue<std::string>("utc_offset"),
              "+03:00");
}

}  // namespace
}  // namespace omnigate::test
