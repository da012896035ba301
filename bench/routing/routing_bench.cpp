// bench/routing: how long the distributor takes to hand 10,000 queued interactions to 500 operators, and what one
// decision costs. It runs the daemon's own Distributor in this process against a real MariaDB (bench/routing/run.sh
// starts a private one), so the figure is the distribution itself: claims, offers, history rows and events, with
// none of HTTP or MQTT in the way.
#include <Poco/Timestamp.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/migrator.h"
#include "db/transaction_runner.h"
#include "routing/distributor.h"
#include "routing/routing_catalog.h"

namespace {

using namespace omnigate;

struct Options {
    int interactions = 10000;
    int operators = 500;
    int capacity = 20;
    std::string mode = "longest_idle";
};

std::string env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        std::cerr << "routing_bench: " << name << " is not set (bench/routing/run.sh sets it)\n";
        std::exit(2);
    }
    return value;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "routing_bench: " << arg << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--interactions") {
            o.interactions = std::stoi(next());
        } else if (arg == "--operators") {
            o.operators = std::stoi(next());
        } else if (arg == "--capacity") {
            o.capacity = std::stoi(next());
        } else if (arg == "--mode") {
            o.mode = next();
        } else {
            std::cout << "usage: routing_bench [--interactions N] [--operators N] [--capacity N] "
                         "[--mode longest_idle|least_busy|round_robin]\n";
            std::exit(arg == "--help" ? 0 : 2);
        }
    }
    return o;
}

void seed(DbSession& session, const Options& o) {
    session.execute("INSERT INTO queues (id, name, settings, created_at, updated_at) VALUES ('bench', 'Bench', "
                    "'{\"distribution_mode\":\"" + o.mode + "\",\"offer_timeout_seconds\":3600}', NOW(3), NOW(3))");
    session.execute("INSERT INTO operator_groups (id, name, created_at, updated_at) VALUES ('bench', 'Bench', NOW(3), "
                    "NOW(3))");
    session.execute("INSERT INTO operator_group_queues (group_id, queue_id) VALUES ('bench', 'bench')");
    for (int start = 0; start < o.operators; start += 500) {
        std::ostringstream ops, members;
        ops << "INSERT INTO operators (id, name, capacities, status, status_since, created_at, updated_at) VALUES ";
        members << "INSERT INTO operator_group_members (group_id, operator_id) VALUES ";
        for (int i = start; i < std::min(o.operators, start + 500); ++i) {
            ops << (i == start ? "" : ", ") << "('op" << i << "', 'Operator " << i << "', '{\"webchat\":" << o.capacity
                << "}', 'ready', NOW(3), NOW(3), NOW(3))";
            members << (i == start ? "" : ", ") << "('bench', 'op" << i << "')";
        }
        session.execute(ops.str());
        session.execute(members.str());
    }
    session.execute("INSERT INTO clients (name, created_at, updated_at) VALUES ('bench', NOW(3), NOW(3))");
    std::mt19937 random(42);
    for (int start = 0; start < o.interactions; start += 1000) {
        std::ostringstream sql;
        sql << "INSERT INTO interactions (channel, account, client_id, address_kind, address_value, status, queue, "
               "priority, priority_step, created_at, updated_at, queued_at, queue_entered_at) VALUES ";
        for (int i = start; i < std::min(o.interactions, start + 1000); ++i) {
            // Priorities 0-100 and a per-minute step on a third of them, waiting up to an hour: the ORDER BY has
            // real work to do.
            sql << (i == start ? "" : ", ") << "('webchat', 'demo', 1, 'webchat', 'visitor-" << i << "', 'queued', "
                << "'bench', " << random() % 101 << ", " << (i % 3 == 0 ? 0.5 : 0.0) << ", NOW(3), NOW(3), NOW(3) - "
                << "INTERVAL " << random() % 3600000 << " * 1000 MICROSECOND, NOW(3))";
        }
        session.execute(sql.str());
    }
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    DatabaseConfig db;
    db.host = "127.0.0.1";
    db.port = std::stoi(env("OMNIGATE_DB_PORT"));
    db.name = env("OMNIGATE_DB_NAME");
    db.user = env("OMNIGATE_DB_USER");
    db.password = env("OMNIGATE_DB_PASSWORD");
    db.poolSize = 4;
    try {
        ConnectionPool pool(db);
        {
            auto session = pool.connect();
            Migrator migrator(*session, [](const std::string& step) { std::cout << "routing_bench: " << step << "\n"; });
            migrator.apply(builtInMigrations());
            std::cout << "routing_bench: seeding " << o.interactions << " queued interactions and " << o.operators
                      << " ready operators (web chat capacity " << o.capacity << ", mode " << o.mode << ")\n";
            seed(*session, o);
        }
        RoutingCatalog catalog(pool, std::chrono::minutes(10));
        TransactionRunner runner(pool, nullptr);
        Distributor distributor(pool, catalog, runner);
        std::cout << "routing_bench: distributing\n" << std::flush;
        const Poco::Timestamp started;
        std::size_t passes = 0;
        while (distributor.runPass() > 0) ++passes;
        const double seconds = static_cast<double>(started.elapsed()) / 1e6;
        const double decisions = static_cast<double>(distributor.decisions());

        auto session = pool.connect();
        std::unique_ptr<sql::ResultSet> left(
            session->prepare("SELECT COUNT(*) FROM interactions WHERE status = 'queued'").executeQuery());
        left->next();
        std::unique_ptr<sql::ResultSet> over(
            session
                ->prepare("SELECT COUNT(*) FROM (SELECT operator FROM interactions WHERE operator IS NOT NULL GROUP BY "
                          "operator HAVING COUNT(*) > " + std::to_string(o.capacity) + ") o")
                .executeQuery());
        over->next();
        std::printf("routing_bench: %.0f decisions in %.3f s over %zu passes: %.3f ms per decision, %.0f decisions/s; "
                    "%lld left queued, %lld operators over capacity\n",
                    decisions, seconds, passes + 1, seconds * 1000 / std::max(1.0, decisions),
                    decisions / std::max(seconds, 1e-9), static_cast<long long>(left->getInt64(1)),
                    static_cast<long long>(over->getInt64(1)));
        return left->getInt64(1) == std::max(0, o.interactions - o.operators * o.capacity) && over->getInt64(1) == 0
                   ? 0
                   : 1;
    } catch (const std::exception& e) {
        std::cerr << "routing_bench: " << e.what() << "\n";
        return 1;
    }
}
