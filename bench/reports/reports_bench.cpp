// bench/reports: how long each report takes over a month of a large centre, and what an online snapshot costs, at
// 50 queues, 500 operators and 10,000 waiting (bench/reports/run.sh starts the servers and the daemon around it).
//   seed     applies the migrations and writes the month (MonthSeeder), with progress
//   measure  checks the rebuilt aggregates, then times the snapshot in this process (its CPU, MariaDB's CPU) and
//            every report and the snapshot over REST against the running daemon, and prints the figures
// Not a test: a missed target is a finding, printed as MISS; a report that comes back empty fails the run.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "../process_stats.h"
#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/migrator.h"
#include "month_seeder.h"
#include "stats/online_snapshot.h"

namespace {

using namespace omnigate;
using namespace omnigate::bench;

constexpr double kReportTargetMs = 1000;
constexpr double kSnapshotTargetCpuMs = 20;

struct Options {
    std::string command;
    MonthShape shape;
    int httpPort = 0;
    std::string token;
    int repetitions = 5;
    int snapshots = 50;
    int daemonPid = 0;
    int dbPid = 0;
    double seedSeconds = 0;
    double rebuildSeconds = 0;
    std::string json;
};

[[noreturn]] void usage(int code) {
    std::cout << "usage: omnigate_reports_bench seed [--interactions N] [--waiting N] [--days N] "
                 "[--utc-offset-minutes M]\n"
                 "       omnigate_reports_bench measure --http-port P --token T [--repetitions N] [--snapshots N]\n"
                 "           [--daemon-pid PID] [--db-pid PID] [--seed-seconds S] [--rebuild-seconds S]\n"
                 "           [--utc-offset-minutes M] [--json FILE]\n"
                 "The database comes from OMNIGATE_DB_PORT, _NAME, _USER and _PASSWORD (bench/reports/run.sh sets "
                 "them).\nThe centre has 50 queues and 500 operators; --interactions counts all of them (1,000,000), "
                 "--waiting those queued now (10,000).\n";
    std::exit(code);
}

Options parse(int argc, char** argv) {
    Options o;
    if (argc < 2) usage(2);
    o.command = argv[1];
    if (o.command == "--help" || o.command == "-h") usage(0);
    if (o.command != "seed" && o.command != "measure") usage(2);
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "reports_bench: " << arg << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--interactions") {
            o.shape.interactions = std::stoll(next());
        } else if (arg == "--waiting") {
            o.shape.waiting = std::stoi(next());
        } else if (arg == "--days") {
            o.shape.days = std::stoi(next());
        } else if (arg == "--utc-offset-minutes") {
            o.shape.utcOffsetMinutes = std::stoi(next());
        } else if (arg == "--http-port") {
            o.httpPort = std::stoi(next());
        } else if (arg == "--token") {
            o.token = next();
        } else if (arg == "--repetitions") {
            o.repetitions = std::max(1, std::stoi(next()));
        } else if (arg == "--snapshots") {
            o.snapshots = std::max(1, std::stoi(next()));
        } else if (arg == "--daemon-pid") {
            o.daemonPid = std::stoi(next());
        } else if (arg == "--db-pid") {
            o.dbPid = std::stoi(next());
        } else if (arg == "--seed-seconds") {
            o.seedSeconds = std::stod(next());
        } else if (arg == "--rebuild-seconds") {
            o.rebuildSeconds = std::stod(next());
        } else if (arg == "--json") {
            o.json = next();
        } else {
            usage(arg == "--help" ? 0 : 2);
        }
    }
    return o;
}

std::string env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        std::cerr << "reports_bench: " << name << " is not set (bench/reports/run.sh sets it)\n";
        std::exit(2);
    }
    return value;
}

DatabaseConfig database() {
    DatabaseConfig db;
    db.host = "127.0.0.1";
    db.port = std::stoi(env("OMNIGATE_DB_PORT"));
    db.name = env("OMNIGATE_DB_NAME");
    db.user = env("OMNIGATE_DB_USER");
    db.password = env("OMNIGATE_DB_PASSWORD");
    db.poolSize = 2;
    return db;
}

std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

double cpuOf(int pid) {
    const auto sample = sampleProcess(pid);
    return sample ? sample->cpuSeconds : 0;
}

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double maximum(const std::vector<double>& values) {
    return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}

std::int64_t scalar(DbSession& session, const std::string& sql) {
    std::unique_ptr<sql::ResultSet> rs(session.prepare(sql).executeQuery());
    rs->next();
    return rs->getInt64(1);
}

std::string text(DbSession& session, const std::string& sql) {
    std::unique_ptr<sql::ResultSet> rs(session.prepare(sql).executeQuery());
    rs->next();
    return rs->getString(1);
}

int seed(const Options& o) {
    ConnectionPool pool(database());
    auto session = pool.connect();
    Migrator migrator(*session, [](const std::string& step) { std::cout << "reports_bench: " << step << "\n"; });
    migrator.apply(builtInMigrations());
    MonthShape shape = o.shape;
    shape.now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
    std::cout << "reports_bench: seeding " << shape.interactions << " interactions over " << shape.days
              << " local days (UTC offset " << shape.utcOffsetMinutes << " min), " << shape.waiting
              << " of them waiting now; load " << loadAverage() << "\n" << std::flush;
    const auto started = std::chrono::steady_clock::now();
    const SeededCounts c = MonthSeeder(*session, shape, [&](const std::string& line) {
        std::cout << "reports_bench: " << line << "\n" << std::flush;
    }).run();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("reports_bench: seeded in %.0f s: %lld interactions (%lld closed, %lld in work, %lld waiting), %lld "
                "status changes, %lld queue visits, %lld topic filings, %lld ratings, %lld operator status changes, "
                "%lld clients\n",
                seconds, static_cast<long long>(c.interactions), static_cast<long long>(c.closed),
                static_cast<long long>(c.inWork), static_cast<long long>(c.waiting),
                static_cast<long long>(c.statusChanges), static_cast<long long>(c.queueVisits),
                static_cast<long long>(c.topicFilings), static_cast<long long>(c.ratings),
                static_cast<long long>(c.operatorChanges), static_cast<long long>(c.clients));
    return 0;
}

// One line of the figures table.
struct Figure {
    std::string what;
    double medianMs = 0, maxMs = 0;
    double daemonCpuMs = -1, dbCpuMs = -1;  // per call; -1: not measured
    std::string rows;
    double targetMs = 0;  // 0: no target
    double judgedMs = 0;  // what the target is judged on
    std::string judgedOn;
};

class Http {
public:
    Http(int port, std::string token) : session_("127.0.0.1", static_cast<Poco::UInt16>(port)), token_(std::move(token)) {
        session_.setKeepAlive(true);
        session_.setTimeout(Poco::Timespan(300, 0));
    }

    // The body of a GET, and its time in milliseconds; a status other than 200 fails the run.
    std::string get(const std::string& path, double& ms) {
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", "Bearer " + token_);
        request.setKeepAlive(true);
        const auto started = std::chrono::steady_clock::now();
        session_.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session_.receiveResponse(response);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
            throw std::runtime_error("GET " + path + " answered " + std::to_string(response.getStatus()) + ": " +
                                     body.substr(0, 300));
        }
        return body;
    }

private:
    Poco::Net::HTTPClientSession session_;
    std::string token_;
};

// A report that comes back empty at this volume means the aggregates or the bench are broken: say so and stop.
std::string checkReport(const std::string& what, const std::string& format, const std::string& body) {
    if (format == "json") {
        const auto object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        const auto rows = object->getArray("rows");
        const auto totals = object->getObject("totals");
        bool anyCount = false;
        if (totals) {
            for (const auto& [key, value] : *totals) {
                if (value.isNumeric() && value.convert<double>() > 0) anyCount = true;
            }
        }
        // The interaction details are a list without totals: rows are enough.
        const bool list = !object->has("totals");
        if (!rows || rows->size() == 0 || (!list && !anyCount)) {
            throw std::runtime_error(what + " came back empty (no rows or all totals zero): " + body.substr(0, 300));
        }
        return std::to_string(rows->size());
    }
    if (format == "csv") {
        const auto lines = std::count(body.begin(), body.end(), '\n');
        if (lines < 3) throw std::runtime_error(what + " came back empty: " + body.substr(0, 300));
        return std::to_string(lines - 2);  // less the header and the totals
    }
    if (body.size() < 2000 || body.compare(0, 2, "PK") != 0) {
        throw std::runtime_error(what + " is not a workbook with data (" + std::to_string(body.size()) + " bytes)");
    }
    return std::to_string(body.size() / 1024) + " KB";
}

int measure(const Options& o) {
    if (o.httpPort == 0 || o.token.empty()) usage(2);
    std::vector<Figure> figures;
    std::cout << "reports_bench: load before measuring " << loadAverage() << "\n";
    ConnectionPool pool(database());
    auto session = pool.connect();

    // What the rebuild produced: every aggregate must have rows, or the reports below measure nothing.
    std::cout << "reports_bench: the facts and the aggregates rebuilt from them (rows):\n";
    bool empty = false;
    for (const char* table : {"interactions", "interaction_status_history", "queue_visits", "interaction_topics",
                              "operator_status_history", "stats_queue_intervals", "stats_operator_intervals",
                              "stats_operator_status_intervals", "stats_operator_days",
                              "stats_operator_status_days", "stats_topic_intervals", "stats_rating_intervals",
                              "stats_status_intervals"}) {
        const std::int64_t n = scalar(*session, std::string("SELECT COUNT(*) FROM ") + table);
        std::printf("  %-34s %12lld\n", table, static_cast<long long>(n));
        if (n == 0) empty = true;
    }
    if (empty) {
        std::cerr << "reports_bench: an aggregate is empty after the rebuild: nothing to measure\n";
        return 1;
    }
    const std::int64_t waiting =
        scalar(*session, "SELECT COUNT(*) FROM interactions WHERE status IN ('queued', 'offered')");
    const int offset = o.shape.utcOffsetMinutes;
    const std::string offsetSql = " + INTERVAL " + std::to_string(offset) + " MINUTE";
    const std::string from = text(*session, "SELECT DATE(MIN(created_at)" + offsetSql + ") FROM interactions");
    const std::string to = text(*session, "SELECT DATE(UTC_TIMESTAMP()" + offsetSql + ")");
    std::cout << "reports_bench: the month is " << from << " to " << to << " (local days); " << waiting
              << " waiting now\n";

    // The daemon idles meanwhile (its distributor looks for work four times a second): its rate and MariaDB's,
    // for reading the CPU per call below.
    const double idleDaemon0 = cpuOf(o.daemonPid), idleDb0 = cpuOf(o.dbPid);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const double idleDaemonMsPerS = (cpuOf(o.daemonPid) - idleDaemon0) * 1000 / 3;
    const double idleDbMsPerS = (cpuOf(o.dbPid) - idleDb0) * 1000 / 3;
    std::printf("reports_bench: idle: the daemon %.1f ms and MariaDB %.1f ms of CPU a second\n", idleDaemonMsPerS,
                idleDbMsPerS);

    // The snapshot in this process: the daemon's own builder on a connection of its own, its CPU measured by the
    // thread's clock, MariaDB's answering it from /proc.
    {
        const auto now = [] {
            return std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
        };
        // The first snapshot of a quarter hour also sums the day so far up to it (TodayAggregates); the others
        // read only what came since. That first one is timed on its own: it is paid once in 15 minutes.
        TodayAggregates today;
        {
            TodayAggregates cold;
            OnlineSnapshot::read(*session, cold, offset, now());  // the first reads prepare the statements
        }
        const double keepDb0 = cpuOf(o.dbPid);
        const double keepCpu0 = threadCpuMs();
        const auto keepWall0 = std::chrono::steady_clock::now();
        OnlineSnapshot::read(*session, today, offset, now());
        const double keepCpu = threadCpuMs() - keepCpu0;
        const double keepWall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - keepWall0).count();
        const double keepDb = (cpuOf(o.dbPid) - keepDb0) * 1000 - idleDbMsPerS * keepWall / 1000;
        figures.push_back({"snapshot in process: the first of a quarter hour, the day's sums taken (wall)", keepWall,
                           keepWall, keepCpu, std::max(0.0, keepDb), "", 0, 0, ""});
        std::vector<double> buildCpu, wall;
        const double db0 = cpuOf(o.dbPid);
        const auto started = std::chrono::steady_clock::now();
        std::size_t queues = 0, operators = 0, bytes = 0;
        std::int64_t shownWaiting = 0;
        for (int i = 0; i < o.snapshots; ++i) {
            const auto wall0 = std::chrono::steady_clock::now();
            const double c0 = threadCpuMs();
            // Built with its JSON text: the snapshot is kept as what it is sent as.
            const OnlineSnapshot snapshot = OnlineSnapshot::read(*session, today, offset, now());
            const double c1 = threadCpuMs();
            wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall0).count());
            buildCpu.push_back(c1 - c0);
            // Read back as a client would, outside the timed part.
            const auto board = Poco::JSON::Parser().parse(snapshot.board()).extract<Poco::JSON::Object::Ptr>();
            queues = board->getArray("queues")->size();
            operators = board->getArray("operators")->size();
            bytes = snapshot.board().size();
            shownWaiting = board->getObject("totals")->getObject("figures")->getObject("waiting")
                               ->getValue<std::int64_t>("value");
        }
        const double elapsedS = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double dbMs = ((cpuOf(o.dbPid) - db0) * 1000 - idleDbMsPerS * elapsedS) / o.snapshots;
        if (queues == 0 || operators == 0 || shownWaiting != waiting) {
            std::cerr << "reports_bench: the snapshot shows " << queues << " queues, " << operators
                      << " operators and " << shownWaiting << " waiting, not the " << waiting << " waiting seeded\n";
            return 1;
        }
        const std::vector<double>& total = buildCpu;
        const std::string rows = std::to_string(queues) + " queues, " + std::to_string(operators) + " operators, " +
                                 std::to_string(bytes / 1024) + " KB";
        figures.push_back({"snapshot in process: built with its JSON (thread CPU)", median(buildCpu),
                           maximum(buildCpu), -1, -1, rows, 0, 0, ""});
        Figure cpu{"snapshot in process: CPU, this process + MariaDB", median(total) + std::max(0.0, dbMs),
                   maximum(total) + std::max(0.0, dbMs), median(total), std::max(0.0, dbMs), "", kSnapshotTargetCpuMs,
                   0, "median CPU"};
        cpu.judgedMs = cpu.medianMs;
        figures.push_back(cpu);
        figures.push_back({"snapshot in process: wall", median(wall), maximum(wall), -1, -1, "", 0, 0, ""});
    }

    Http http(o.httpPort, o.token);
    double ms = 0;
    const auto list = Poco::JSON::Parser().parse(http.get("/api/v1/reports", ms)).extract<Poco::JSON::Object::Ptr>();
    const auto timed = [&](const std::string& what, const std::string& path, const std::string& format) {
        std::vector<double> times;
        std::string rows;
        const double daemon0 = cpuOf(o.daemonPid), db0 = cpuOf(o.dbPid);
        const auto started = std::chrono::steady_clock::now();
        for (int r = 0; r < o.repetitions; ++r) {
            const std::string body = http.get(path, ms);
            times.push_back(ms);
            rows = checkReport(what, format, body);
        }
        const double elapsedS = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        Figure f{what, median(times), maximum(times),
                 std::max(0.0, ((cpuOf(o.daemonPid) - daemon0) * 1000 - idleDaemonMsPerS * elapsedS) / o.repetitions),
                 std::max(0.0, ((cpuOf(o.dbPid) - db0) * 1000 - idleDbMsPerS * elapsedS) / o.repetitions), rows,
                 kReportTargetMs, 0, "max"};
        f.judgedMs = f.maxMs;
        figures.push_back(f);
        std::printf("reports_bench: %-40s median %8.1f ms, max %8.1f ms\n", what.c_str(), f.medianMs, f.maxMs);
        std::fflush(stdout);
    };
    for (const auto& item : *list->getArray("reports")) {
        const auto report = item.extract<Poco::JSON::Object::Ptr>();
        const std::string name = report->getValue<std::string>("name");
        const bool intervals = report->getValue<bool>("intervals");
        const std::string base = "/api/v1/reports/" + name + "?from=" + from + "&to=" + to;
        if (name == "interaction_details") {
            // A list, not a table: a page of it answers within the second wherever it starts; its export of the
            // month streams a million rows and is timed as a day's (docs/reports.md), not judged by the second.
            timed(name + " json, a page of 1000", base + "&limit=1000", "json");
            const std::string day = "/api/v1/reports/" + name + "?from=" + to + "&to=" + to + "&format=csv";
            timed(name + " csv, the last day", day, "csv");
            figures.back().targetMs = 0;
            continue;
        }
        for (const char* format : {"json", "csv", "xlsx"}) {
            timed(name + " " + format + (intervals ? ", 60 min" : ""), base + "&format=" + format, format);
        }
        if (intervals) timed(name + " json, 15 min", base + "&interval=15", "json");
    }

    // The operators' rows per day are rolled up when a report first needs a day (docs/reports.md, "Rows per day"),
    // and the rebuild rolled up the month already. Emptied, the next report over the month rolls up every day first,
    // as the first one after an upgrade to them would: timed once, not judged by the second, since it is done once.
    {
        for (const char* table : {"stats_operator_rolled_days", "stats_operator_days", "stats_operator_status_days"}) {
            session->execute(std::string("DELETE FROM ") + table);
        }
        const double daemon0 = cpuOf(o.daemonPid), db0 = cpuOf(o.dbPid);
        const std::string body = http.get("/api/v1/reports/operator_kpis?from=" + from + "&to=" + to, ms);
        const std::string rows = checkReport("operator_kpis", "json", body);
        const std::int64_t days = scalar(*session, "SELECT COUNT(*) FROM stats_operator_rolled_days");
        figures.push_back({"operator_kpis json, rolling up its " + std::to_string(days) + " days first", ms, ms,
                           std::max(0.0, (cpuOf(o.daemonPid) - daemon0) * 1000 - idleDaemonMsPerS * ms / 1000),
                           std::max(0.0, (cpuOf(o.dbPid) - db0) * 1000 - idleDbMsPerS * ms / 1000), rows, 0, 0, ""});
        std::printf("reports_bench: %-40s %8.1f ms\n", figures.back().what.c_str(), ms);
        std::fflush(stdout);
    }

    {
        std::vector<double> times;
        const double daemon0 = cpuOf(o.daemonPid), db0 = cpuOf(o.dbPid);
        const auto started = std::chrono::steady_clock::now();
        std::size_t bytes = 0;
        for (int i = 0; i < o.snapshots; ++i) {
            bytes = http.get("/api/v1/stats/online", ms).size();
            times.push_back(ms);
        }
        const double elapsedS = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        figures.push_back({"snapshot over REST: GET /api/v1/stats/online", median(times), maximum(times),
                           std::max(0.0, ((cpuOf(o.daemonPid) - daemon0) * 1000 - idleDaemonMsPerS * elapsedS) /
                                             o.snapshots),
                           std::max(0.0, ((cpuOf(o.dbPid) - db0) * 1000 - idleDbMsPerS * elapsedS) / o.snapshots),
                           std::to_string(bytes / 1024) + " KB", 0, 0, ""});
    }

    // The table.
    std::cout << "\nreports_bench: figures over " << from << " to " << to << " (" << o.repetitions
              << " requests per report, " << o.snapshots << " snapshots); load " << loadAverage() << "\n";
    std::printf("%-52s %10s %10s %11s %11s %14s %8s %s\n", "what", "median ms", "max ms", "daemon CPU", "MariaDB CPU",
                "rows", "target", "");
    bool allMet = true;
    for (const Figure& f : figures) {
        const auto cell = [](double v) {
            char buf[32];
            if (v < 0) return std::string("-");
            std::snprintf(buf, sizeof buf, "%.1f", v);
            return std::string(buf);
        };
        std::string verdict, target = "-";
        if (f.targetMs > 0) {
            const bool met = f.judgedMs <= f.targetMs;
            allMet = allMet && met;
            target = f.judgedOn == "max" ? "<= 1 s" : "<= 20 ms";
            verdict = std::string(met ? "PASS" : "MISS") + " (" + f.judgedOn + " " + cell(f.judgedMs) + " ms)";
        }
        std::printf("%-52s %10s %10s %11s %11s %14s %8s %s\n", f.what.c_str(), cell(f.medianMs).c_str(),
                    cell(f.maxMs).c_str(), cell(f.daemonCpuMs).c_str(), cell(f.dbCpuMs).c_str(), f.rows.c_str(),
                    target.c_str(), verdict.c_str());
    }
    if (o.seedSeconds > 0) std::printf("seeding the month: %.0f s\n", o.seedSeconds);
    if (o.rebuildSeconds > 0) std::printf("omnigate --rebuild-stats: %.0f s\n", o.rebuildSeconds);
    std::printf("targets: %s\n", allMet ? "all met" : "some MISSED (see above)");

    if (!o.json.empty()) {
        Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
        out.set("from", from);
        out.set("to", to);
        out.set("waiting", waiting);
        out.set("seed_seconds", o.seedSeconds);
        out.set("rebuild_seconds", o.rebuildSeconds);
        out.set("idle_daemon_cpu_ms_per_s", idleDaemonMsPerS);
        out.set("idle_db_cpu_ms_per_s", idleDbMsPerS);
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const Figure& f : figures) {
            Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            item->set("what", f.what);
            item->set("median_ms", f.medianMs);
            item->set("max_ms", f.maxMs);
            if (f.daemonCpuMs >= 0) item->set("daemon_cpu_ms", f.daemonCpuMs);
            if (f.dbCpuMs >= 0) item->set("db_cpu_ms", f.dbCpuMs);
            item->set("rows", f.rows);
            if (f.targetMs > 0) {
                item->set("target_ms", f.targetMs);
                item->set("met", f.judgedMs <= f.targetMs);
            }
            list->add(item);
        }
        out.set("figures", list);
        out.set("all_targets_met", allMet);
        std::ofstream file(o.json);
        out.stringify(file, 2);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    try {
        return o.command == "seed" ? seed(o) : measure(o);
    } catch (const std::exception& e) {
        std::cerr << "reports_bench: " << e.what() << "\n";
        return 1;
    }
}
