// Two daemons on one database distribute 2,000 queued interactions to 50 operators, in contention: both run before
// the interactions are queued, and operators come free two at a time, one through each daemon at the same moment,
// so both distributors claim from the same queue and the same free operators at once. No interaction goes to two
// operators, no operator gets more than their capacity, none is left behind, and each daemon makes at least a fifth
// of the decisions (so the locks were contended, not just one daemon working alone). This is what the
// SELECT … FOR UPDATE SKIP LOCKED claims in the distributor are for; a plain SELECT makes this test fail.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>

#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

constexpr int kInteractions = 2000;
constexpr int kOperators = 50;
constexpr int kCapacity = kInteractions / kOperators;

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

HttpResult admin(DaemonProcess& daemon, const std::string& method, const std::string& path, const std::string& body) {
    return daemon.http().request(method, path, body,
                                 {{"Authorization", "Bearer " + daemon.adminToken()},
                                  {"Content-Type", "application/json"}});
}

double decisions(DaemonProcess& daemon) {
    const std::string text = daemon.http().get("/metrics").body;
    std::smatch m;
    static const std::regex line(R"(\nomnigate_routing_decisions ([0-9.e+]+))");
    return std::regex_search(text, m, line) ? std::stod(m[1].str()) : -1;
}

TEST(RoutingTwoDaemons, ShareTheWorkWithoutDoubleAssignmentOrLeftovers) {
    DaemonOptions options;
    options.instance = "routing-a-" + unique();
    // One after the other: on an empty database both would apply the migrations at once, and one would fail.
    DaemonProcess a(options);
    ASSERT_TRUE(a.waitReady()) << a.log();
    options.instance = "routing-b-" + unique();
    DaemonProcess b(options);
    ASSERT_TRUE(b.waitReady()) << b.log();

    const std::string tag = unique();
    const std::string queue = "two-" + tag;
    ASSERT_EQ(admin(a, "POST", "/api/v1/queues",
                    R"({"id":")" + queue + R"(","name":"Two daemons","offer_timeout_seconds":3600})")
                  .status,
              201);
    ASSERT_EQ(admin(a, "POST", "/api/v1/operator-groups",
                    R"({"id":"g-)" + queue + R"(","name":"Two daemons","queues":[")" + queue + R"("]})")
                  .status,
              201);
    std::vector<std::string> operators;
    for (int i = 0; i < kOperators; ++i) {
        operators.push_back("two-" + tag + "-" + std::to_string(i));
        const HttpResult r = admin(i % 2 ? a : b, "POST", "/api/v1/operators",
                                   R"({"id":")" + operators.back() + R"(","name":"Operator )" + std::to_string(i) +
                                       R"(","capacities":{"webchat":)" + std::to_string(kCapacity) +
                                       R"(},"groups":["g-)" + queue + R"("]})");
        ASSERT_EQ(r.status, 201) << r.body;
    }

    // 2,000 interactions already waiting in the queue (written directly: the point is distribution, not intake).
    DbProbe db;
    db.execute("INSERT INTO clients (name, created_at, updated_at) VALUES ('two daemons " + tag + "', NOW(3), NOW(3))");
    const std::string client = std::to_string(db.scalar("SELECT MAX(id) FROM clients WHERE name = 'two daemons " + tag + "'"));
    for (int start = 0; start < kInteractions; start += 500) {
        std::ostringstream sql;
        sql << "INSERT INTO interactions (channel, account, client_id, address_kind, address_value, thread_key, status, "
               "queue, created_at, updated_at, queued_at, queue_entered_at) VALUES ";
        for (int i = start; i < start + 500; ++i) {
            sql << (i == start ? "" : ", ") << "('webchat', 'demo', " << client << ", 'webchat', 'two-" << tag << "-"
                << i << "', '', 'queued', '" << queue << "', NOW(3), NOW(3), NOW(3) - INTERVAL " << (kInteractions - i)
                << " MICROSECOND, NOW(3))";
        }
        db.execute(sql.str());
    }

    // Operators come free two at a time, one through each daemon, both requests at once: each daemon is woken by
    // its own operator and both passes reach for the same best interactions. Which request leaves first alternates,
    // so neither daemon has the head start every time. A round ends when its two operators are full.
    const std::string ours = "queue = '" + queue + "'";
    const auto started = std::chrono::steady_clock::now();
    for (int round = 0; round < kOperators / 2; ++round) {
        auto ready = [&](DaemonProcess& daemon, const std::string& id) {
            const HttpResult r = admin(daemon, "PUT", "/api/v1/operators/" + id + "/status", R"({"status":"ready"})");
            return r.status == 200 ? std::string() : r.body;
        };
        const bool aFirst = round % 2 == 0;
        auto first = std::async(std::launch::async, ready, std::ref(aFirst ? a : b), operators[2 * round]);
        auto second = std::async(std::launch::async, ready, std::ref(aFirst ? b : a), operators[2 * round + 1]);
        ASSERT_EQ(first.get(), "");
        ASSERT_EQ(second.get(), "");
        const std::int64_t wanted = static_cast<std::int64_t>(round + 1) * 2 * kCapacity;
        const auto roundDeadline = std::chrono::steady_clock::now() + 60s;
        std::int64_t offered = 0;
        while ((offered = db.scalar("SELECT COUNT(*) FROM interactions WHERE " + ours + " AND status = 'offered'")) <
                   wanted &&
               std::chrono::steady_clock::now() < roundDeadline) {
            std::this_thread::sleep_for(20ms);
        }
        ASSERT_GE(offered, wanted) << "round " << round << ": the two operators made ready were not filled";
    }

    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (db.scalar("SELECT COUNT(*) FROM interactions WHERE " + ours + " AND status = 'queued'") > 0 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(100ms);
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM interactions WHERE " + ours + " AND status = 'queued'"), 0)
        << "left behind";
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM interactions WHERE " + ours +
                        " AND status = 'offered' AND operator IS NOT NULL"),
              kInteractions);
    // Offered exactly once each: a second claim would have left a second history row.
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM interaction_status_history h JOIN interactions i ON i.id = "
                        "h.interaction_id WHERE i." + ours + " AND h.to_status = 'offered'"),
              kInteractions);
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM (SELECT operator FROM interactions WHERE " + ours +
                        " GROUP BY operator HAVING COUNT(*) > " + std::to_string(kCapacity) + ") overloaded"),
              0)
        << "an operator got more than their capacity";
    EXPECT_EQ(db.scalar("SELECT COUNT(DISTINCT operator) FROM interactions WHERE " + ours), kOperators);
    // A distributor counts its decisions just after their commit, which the loop above may see first.
    double byA = decisions(a), byB = decisions(b);
    for (int i = 0; i < 50 && byA + byB < kInteractions; ++i) {
        std::this_thread::sleep_for(100ms);
        byA = decisions(a);
        byB = decisions(b);
    }
    std::cout << "[ figures  ] " << kInteractions << " interactions to " << kOperators << " operators in " << took.count()
              << " ms; decisions by daemon A " << byA << ", by daemon B " << byB << "\n";
    EXPECT_EQ(byA + byB, kInteractions);
    EXPECT_GE(byA, kInteractions / 5) << "daemon A hardly distributed: the daemons did not contend";
    EXPECT_GE(byB, kInteractions / 5) << "daemon B hardly distributed: the daemons did not contend";

    // Leave nothing open for other tests.
    db.execute("UPDATE interactions SET status = 'closed', closed_at = NOW(3) WHERE " + ours);
    db.execute("UPDATE operators SET status = 'offline' WHERE id LIKE 'two-" + tag + "-%'");
}

}  // namespace
}  // namespace omnigate::test
