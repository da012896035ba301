#include "bench_report.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace omnigate::bench {

namespace {

// The targets for this 2-core machine.
constexpr double kTargetDurablePerSecond = 5000;
constexpr double kTargetRatioToQos1 = 0.70;
constexpr double kTargetP99Ms = 25;
constexpr double kLatencyTargetRate = 1000;
constexpr double kTargetPeakRssMb = 200;
constexpr std::int64_t kRssTargetMessages = 1000000;

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

std::string verdict(bool met) { return met ? "met" : "NOT met"; }

}  // namespace

double BenchResult::percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    // Nearest rank: the smallest value with at least p of all values at or below it.
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[rank == 0 ? 0 : rank - 1];
}

double BenchResult::otherCpuSeconds() const {
    const double known = daemonCpuSeconds + std::max(0.0, dbCpuSeconds) + std::max(0.0, brokerCpuSeconds) + benchCpuSeconds;
    return std::max(0.0, machineCpuSeconds - known);
}

double BenchResult::dbPerMessage(const std::string& counter) const {
    const auto it = dbCounterDeltas.find(counter);
    return it == dbCounterDeltas.end() || durable == 0 ? -1 : it->second / static_cast<double>(durable);
}

void printTable(const BenchResult& r) {
    const double durablePerSecond = r.durablePerSecond();
    const double ratioQos1 = ratio(durablePerSecond, r.rawQos1PerSecond);
    std::printf("\nomnigate bench %s: %s for %.0f s, %d visitors, %d threads\n", r.runId.c_str(),
                r.offeredRate > 0 ? (std::to_string(static_cast<long long>(r.offeredRate)) + " msgs/s offered").c_str()
                                  : "highest rate",
                r.durationSeconds, r.clients, r.threads);
    std::printf("  %-34s %12s\n", "figure", "value");
    const auto row = [](const char* name, const std::string& value) { std::printf("  %-34s %12s\n", name, value.c_str()); };
    const auto num = [](double v, int decimals = 0) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
        return std::string(buffer);
    };
    row("durable msgs/s (2xx)", num(durablePerSecond));
    row("raw QoS 1 publishes/s", num(r.rawQos1PerSecond) + " (" + std::to_string(r.rawQos1PayloadBytes) + " B)");
    row("ratio to raw QoS 1", num(ratioQos1, 3));
    row("raw DB rows/s (500-row INSERTs)", num(r.rawDbRowsPerSecond));
    row("ratio to raw DB rows", num(ratio(durablePerSecond, r.rawDbRowsPerSecond), 3));
    row("latency p50 ms", num(r.percentileMs(0.50), 2));
    row("latency p99 ms", num(r.percentileMs(0.99), 2));
    row("latency max ms", num(r.latenciesMs.empty() ? 0 : r.latenciesMs.back(), 2));
    row("  2xx answer p50 / p99 ms", num(r.answerPercentileMs(0.50), 2) + " / " + num(r.answerPercentileMs(0.99), 2));
    row("messages sent", std::to_string(r.sent));
    row("  answered 2xx (durable)", std::to_string(r.durable));
    row("  answered 503 (shed)", std::to_string(r.shed));
    row("  other errors", std::to_string(r.failed));
    if (r.offeredRate > 0) {
        row("send rate achieved msgs/s", num(r.sendRate()) + (r.offeredRateMet() ? "" : " (offered rate NOT met)"));
        row("requests started >5 ms late", std::to_string(r.late));
    }
    row("events received", std::to_string(r.eventsReceived));
    row("events missing", std::to_string(r.eventsMissing));
    row("events duplicated", std::to_string(r.eventsDuplicate));
    row("rows written (messages)", r.rowsWritten < 0 ? "?" : std::to_string(r.rowsWritten));
    row("drain after the run s", num(r.drainSeconds, 2));
    row("DB statements per message", num(r.dbPerMessage("Questions"), 2));
    row("  SELECT/INSERT/UPDATE/DELETE", num(r.dbPerMessage("Com_select"), 2) + "/" + num(r.dbPerMessage("Com_insert"), 2) +
                                             "/" + num(r.dbPerMessage("Com_update"), 2) + "/" +
                                             num(r.dbPerMessage("Com_delete"), 2));
    row("  COMMITs per message", num(r.dbPerMessage("Com_commit"), 3));
    row("InnoDB fsyncs per message", num(r.dbPerMessage("Innodb_data_fsyncs"), 3));
    row("daemon CPU s", num(r.daemonCpuSeconds, 1) + " (" + num(100 * ratio(r.daemonCpuSeconds, r.elapsedSeconds + r.drainSeconds)) + "% of a core)");
    if (r.dbCpuSeconds >= 0) row("MariaDB CPU s", num(r.dbCpuSeconds, 1));
    if (r.brokerCpuSeconds >= 0) row("Mosquitto CPU s", num(r.brokerCpuSeconds, 1));
    row("bench CPU s", num(r.benchCpuSeconds, 1));
    row("other programs' CPU s", num(r.otherCpuSeconds(), 1) + " (of " + num(r.machineCpuSeconds, 1) + " busy, " +
                                     std::to_string(r.cpus) + " cores)");
    row("daemon peak RSS MB", num(r.daemonPeakRssMb, 1));
    row("max write queue (/metrics)", r.maxWriteQueue < 0 ? "?" : num(r.maxWriteQueue));
    row("max outbox backlog (/metrics)", r.maxOutboxBacklog < 0 ? "?" : num(r.maxOutboxBacklog));
    for (const std::string& sample : r.failureSamples) std::printf("  error sample: %s\n", sample.c_str());

    std::printf("targets:\n");
    std::printf("  >= %.0f durable msgs/s: %s\n", kTargetDurablePerSecond,
                r.offeredRate > 0 ? "not judged (paced run; use --rate 0)"
                                  : verdict(durablePerSecond >= kTargetDurablePerSecond).c_str());
    std::printf("  >= %.0f %% of raw QoS 1: %s\n", kTargetRatioToQos1 * 100,
                r.offeredRate > 0 ? "not judged (paced run; use --rate 0)" : verdict(ratioQos1 >= kTargetRatioToQos1).c_str());
    if (r.offeredRate == kLatencyTargetRate) {
        std::printf("  p99 < %.0f ms at %.0f msgs/s: %s\n", kTargetP99Ms, kLatencyTargetRate,
                    verdict(r.offeredRateMet() && r.percentileMs(0.99) < kTargetP99Ms).c_str());
    } else {
        std::printf("  p99 < %.0f ms at %.0f msgs/s: not judged (run with --rate 1000)\n", kTargetP99Ms, kLatencyTargetRate);
    }
    std::printf("  peak RSS < %.0f MB after %lld messages: %s\n", kTargetPeakRssMb,
                static_cast<long long>(kRssTargetMessages),
                r.durable >= kRssTargetMessages
                    ? verdict(r.daemonPeakRssMb < kTargetPeakRssMb).c_str()
                    : ("so far " + num(r.daemonPeakRssMb, 1) + " MB after " + std::to_string(r.durable) +
                       " messages in this run (" + verdict(r.daemonPeakRssMb < kTargetPeakRssMb) + " so far)").c_str());
    std::printf("  no silent drop: %s\n", verdict(r.eventsMissing == 0 && r.failed == 0 &&
                                                   (r.rowsWritten < 0 || r.rowsWritten >= r.durable)).c_str());
}

void writeJson(const BenchResult& r, const std::string& path) {
    Poco::JSON::Object json;
    const double durablePerSecond = r.durablePerSecond();
    json.set("run_id", r.runId);
    json.set("offered_rate", r.offeredRate);
    json.set("offered_rate_met", r.offeredRateMet());
    json.set("duration_s", r.durationSeconds);
    json.set("elapsed_s", r.elapsedSeconds);
    json.set("clients", r.clients);
    json.set("threads", r.threads);
    json.set("durable_msgs_per_s", durablePerSecond);
    json.set("send_rate_per_s", r.sendRate());
    json.set("raw_qos1_msgs_per_s", r.rawQos1PerSecond);
    json.set("raw_qos1_payload_bytes", static_cast<std::int64_t>(r.rawQos1PayloadBytes));
    json.set("ratio_to_raw_qos1", ratio(durablePerSecond, r.rawQos1PerSecond));
    json.set("raw_db_rows_per_s", r.rawDbRowsPerSecond);
    json.set("ratio_to_raw_db", ratio(durablePerSecond, r.rawDbRowsPerSecond));
    json.set("p50_ms", r.percentileMs(0.50));
    json.set("p90_ms", r.percentileMs(0.90));
    json.set("p99_ms", r.percentileMs(0.99));
    json.set("p999_ms", r.percentileMs(0.999));
    json.set("max_ms", r.latenciesMs.empty() ? 0.0 : r.latenciesMs.back());
    json.set("answer_p50_ms", r.answerPercentileMs(0.50));
    json.set("answer_p99_ms", r.answerPercentileMs(0.99));
    json.set("answer_max_ms", r.answerLatenciesMs.empty() ? 0.0 : r.answerLatenciesMs.back());
    json.set("messages_sent", r.sent);
    json.set("messages_2xx", r.durable);
    json.set("messages_503", r.shed);
    json.set("messages_failed", r.failed);
    json.set("requests_late", r.late);
    json.set("events_received", r.eventsReceived);
    json.set("events_missing", r.eventsMissing);
    json.set("events_duplicated", r.eventsDuplicate);
    json.set("event_bytes_mean", r.meanEventBytes);
    json.set("drain_s", r.drainSeconds);
    json.set("rows_written", r.rowsWritten);
    Poco::JSON::Object::Ptr perMessage = new Poco::JSON::Object;
    for (const auto& counter : r.dbCounterDeltas) perMessage->set(counter.first, r.dbPerMessage(counter.first));
    json.set("db_per_message", perMessage);
    json.set("db_statements_per_msg", r.dbPerMessage("Questions"));
    json.set("db_fsyncs_per_msg", r.dbPerMessage("Innodb_data_fsyncs"));
    json.set("daemon_cpu_s", r.daemonCpuSeconds);
    json.set("peak_rss_mb", r.daemonPeakRssMb);
    json.set("rss_mb", r.daemonRssMb);
    if (r.dbCpuSeconds >= 0) json.set("mariadb_cpu_s", r.dbCpuSeconds);
    if (r.brokerCpuSeconds >= 0) json.set("mosquitto_cpu_s", r.brokerCpuSeconds);
    json.set("bench_cpu_s", r.benchCpuSeconds);
    json.set("other_cpu_s", r.otherCpuSeconds());
    json.set("machine_busy_cpu_s", r.machineCpuSeconds);
    json.set("cpus", r.cpus);
    json.set("max_write_queue", r.maxWriteQueue);
    json.set("max_outbox_backlog", r.maxOutboxBacklog);
    Poco::JSON::Array::Ptr samples = new Poco::JSON::Array;
    for (const std::string& sample : r.failureSamples) samples->add(sample);
    json.set("error_samples", samples);

    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write " + path);
    json.stringify(out, 2);
    out << "\n";
}

}  // namespace omnigate::bench
