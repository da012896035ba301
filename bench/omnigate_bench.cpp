// omnigate's load generator (issue 8): raw baselines of the broker and the database first, then web chat messages
// from many visitors through the real HTTP endpoint while a real MQTT subscriber times each message.created event.
// It starts nothing: bench/run.sh starts the servers and the daemon and passes their ports and pids.
#include <Poco/Exception.h>
#include <Poco/UUIDGenerator.h>
#include <cppconn/exception.h>
#include <mqtt/exception.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

#include "bench_options.h"
#include "bench_report.h"
#include "database_probe.h"
#include "event_collector.h"
#include "load_generator.h"
#include "process_stats.h"
#include "queue_watcher.h"
#include "raw_baselines.h"

using namespace omnigate::bench;

namespace {

using Clock = std::chrono::steady_clock;

// About the size of a web chat message.created event with a bench text (the run prints the real mean), so the
// broker baseline moves the same bytes per message as the daemon's events.
constexpr std::size_t kRawPayloadBytes = 450;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct CpuSnapshot {
    double daemon = 0;
    double db = -1;
    double broker = -1;
};

CpuSnapshot sampleCpu(const BenchOptions& options) {
    CpuSnapshot s;
    const auto daemon = sampleProcess(options.daemonPid);
    if (!daemon) throw std::runtime_error("the daemon (pid " + std::to_string(options.daemonPid) + ") is not running");
    s.daemon = daemon->cpuSeconds;
    if (const auto db = sampleProcess(options.dbPid)) s.db = db->cpuSeconds;
    if (const auto broker = sampleProcess(options.brokerPid)) s.broker = broker->cpuSeconds;
    return s;
}

int run(const BenchOptions& options) {
    const std::string runId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
    BenchResult result;
    result.runId = runId;
    result.offeredRate = options.rate;
    result.durationSeconds = options.durationSeconds;
    result.clients = options.clients;
    result.threads = options.threads;
    if (!sampleProcess(options.daemonPid)) {
        throw std::runtime_error("no process with the daemon's pid " + std::to_string(options.daemonPid));
    }

    std::printf("bench %s: raw baselines, %.0f s each (the daemon idles meanwhile)\n", runId.c_str(),
                options.baselineSeconds);
    std::fflush(stdout);
    RawBaselines baselines(options, runId);
    const BaselineResult qos1 = baselines.mqttQos1(kRawPayloadBytes);
    result.rawQos1PerSecond = qos1.perSecond();
    result.rawQos1PayloadBytes = kRawPayloadBytes;
    std::printf("  Paho QoS 1 publisher, window 1000: %lld PUBACKed in %.1f s = %.0f msgs/s\n",
                static_cast<long long>(qos1.count), qos1.seconds, qos1.perSecond());
    std::fflush(stdout);
    const BaselineResult db = baselines.dbMultiRowInsert();
    result.rawDbRowsPerSecond = db.perSecond();
    std::printf("  MariaDB 500-row INSERTs, autocommit: %lld rows in %.1f s = %.0f rows/s\n",
                static_cast<long long>(db.count), db.seconds, db.perSecond());

    EventCollector collector(options, runId);
    collector.start();
    LoadGenerator load(options, runId);
    std::printf("bench %s: opening %d web chat visitors\n", runId.c_str(), options.clients);
    std::fflush(stdout);
    load.openVisitors();

    QueueWatcher queues(options);
    queues.start();

    std::printf("bench %s: %s for %.0f s from %d threads (one line per second)\n", runId.c_str(),
                options.rate > 0 ? (std::to_string(static_cast<long long>(options.rate)) + " msgs/s offered").c_str()
                                 : "as fast as the daemon answers",
                options.durationSeconds, options.threads);
    std::fflush(stdout);
    DatabaseProbe database(options);
    const std::map<std::string, double> dbBefore = database.counters();
    const CpuSnapshot cpuBefore = sampleCpu(options);
    const double benchCpuBefore = ownCpuSeconds();
    const double machineCpuBefore = machineBusyCpuSeconds();
    const auto started = Clock::now();
    load.start();
    auto nextTick = started + std::chrono::seconds(1);
    std::int64_t lastSent = 0;
    while (load.running()) {
        std::this_thread::sleep_until(nextTick);
        if (!load.running() && Clock::now() < nextTick) break;
        // Read in a fixed order (a call's arguments are evaluated in any order): answers before events.
        const std::int64_t sent = load.sent();
        const std::int64_t durable = load.durable();
        const std::int64_t shed = load.shed();
        const std::int64_t failed = load.failed();
        const std::int64_t events = collector.received();
        std::printf("  %5.0fs  sent %8lld (%6lld/s)  2xx %8lld  503 %6lld  err %4lld  events %8lld  %s\n",
                    secondsSince(started), static_cast<long long>(sent), static_cast<long long>(sent - lastSent),
                    static_cast<long long>(durable), static_cast<long long>(shed), static_cast<long long>(failed),
                    static_cast<long long>(events), queues.describe().c_str());
        std::fflush(stdout);
        lastSent = sent;
        nextTick += std::chrono::seconds(1);
    }
    load.join();
    result.elapsedSeconds = load.elapsedSeconds();

    // Every 2xx message's event must arrive: the daemon answered only after it was durable.
    const auto drainStarted = Clock::now();
    std::int64_t missing = collector.countMissing(load.durableSequences());
    auto nextReport = drainStarted + std::chrono::seconds(1);
    while ((missing > 0 || collector.pending() > 0) && secondsSince(drainStarted) < options.drainSeconds) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        missing = collector.countMissing(load.durableSequences());
        if (Clock::now() >= nextReport) {
            std::printf("  drain: waiting for %lld events  %s\n", static_cast<long long>(missing), queues.describe().c_str());
            std::fflush(stdout);
            nextReport += std::chrono::seconds(1);
        }
    }
    result.drainSeconds = secondsSince(drainStarted);
    const CpuSnapshot cpuAfter = sampleCpu(options);
    const std::map<std::string, double> dbAfter = database.counters();
    result.benchCpuSeconds = ownCpuSeconds() - benchCpuBefore;
    result.machineCpuSeconds = machineBusyCpuSeconds() - machineCpuBefore;
    result.cpus = cpuCount();
    queues.stop();
    result.maxWriteQueue = queues.maxWriteQueue();
    result.maxOutboxBacklog = queues.maxOutboxBacklog();
    collector.stop();

    result.sent = load.sent();
    result.durable = load.durable();
    result.shed = load.shed();
    result.failed = load.failed();
    result.late = load.late();
    result.failureSamples = load.failureSamples();
    result.eventsReceived = collector.received();
    result.eventsMissing = missing;
    result.eventsDuplicate = collector.duplicates();
    result.meanEventBytes = collector.meanEventBytes();
    result.latenciesMs = collector.latenciesMs();
    result.answerLatenciesMs = load.answerLatenciesMs();
    result.daemonCpuSeconds = cpuAfter.daemon - cpuBefore.daemon;
    if (cpuBefore.db >= 0 && cpuAfter.db >= 0) result.dbCpuSeconds = cpuAfter.db - cpuBefore.db;
    if (cpuBefore.broker >= 0 && cpuAfter.broker >= 0) result.brokerCpuSeconds = cpuAfter.broker - cpuBefore.broker;
    if (const auto daemon = sampleProcess(options.daemonPid)) {
        result.daemonPeakRssMb = daemon->peakRssMb;
        result.daemonRssMb = daemon->rssMb;
    }
    for (const auto& [name, value] : dbAfter) {
        const auto before = dbBefore.find(name);
        if (before != dbBefore.end()) result.dbCounterDeltas[name] = value - before->second;
    }
    result.rowsWritten = database.rowsWritten(runId);

    printTable(result);
    std::printf("  (mean message.created event: %.0f bytes; raw baseline payload: %zu bytes)\n", result.meanEventBytes,
                result.rawQos1PayloadBytes);
    if (!options.jsonPath.empty()) {
        writeJson(result, options.jsonPath);
        std::printf("bench %s: figures written to %s\n", runId.c_str(), options.jsonPath.c_str());
    }
    if (!result.offeredRateMet()) {
        std::printf("bench %s: the offered %.0f msgs/s were not met (%.0f msgs/s sent): the daemon answered too "
                    "slowly for %d threads; try more --threads, or this is the daemon's limit\n",
                    runId.c_str(), result.offeredRate, result.sendRate(), options.threads);
    }
    // A speed target missed is a finding, not a failure; a durable message without its event is a failure.
    if (result.eventsMissing > 0) {
        std::fprintf(stderr, "bench: %lld messages were answered 2xx but their events never arrived\n",
                     static_cast<long long>(result.eventsMissing));
        return 1;
    }
    if (result.durable == 0) {
        std::fprintf(stderr, "bench: no message was answered 2xx\n");
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parseOptions(argc, argv));
    } catch (const std::invalid_argument& e) {
        std::cerr << "omnigate_bench: " << e.what() << "\n";
        return 2;
    } catch (const mqtt::exception& e) {
        std::cerr << "omnigate_bench: MQTT: " << e.what() << "\n";
    } catch (const sql::SQLException& e) {
        std::cerr << "omnigate_bench: MariaDB: " << e.what() << "\n";
    } catch (const Poco::Exception& e) {
        std::cerr << "omnigate_bench: " << e.displayText() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "omnigate_bench: " << e.what() << "\n";
    }
    return 1;
}
