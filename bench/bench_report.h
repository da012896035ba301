// What one bench run found, printed as a table for people and written as JSON for scripts; the targets
// are judged here so every run says plainly which are met.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace omnigate::bench {

struct BenchResult {
    std::string runId;
    double offeredRate = 0;  // 0 = highest
    double durationSeconds = 0;
    double elapsedSeconds = 0;
    int clients = 0;
    int threads = 0;

    std::int64_t sent = 0;
    std::int64_t durable = 0;  // 2xx
    std::int64_t shed = 0;     // 503
    std::int64_t failed = 0;
    std::int64_t late = 0;
    std::vector<std::string> failureSamples;

    std::int64_t eventsReceived = 0;
    std::int64_t eventsMissing = 0;
    std::int64_t eventsDuplicate = 0;
    double drainSeconds = 0;
    double meanEventBytes = 0;
    std::vector<double> latenciesMs;        // request start to event arrival, sorted
    std::vector<double> answerLatenciesMs;  // request start to 2xx answer, sorted

    double daemonCpuSeconds = 0;
    double daemonPeakRssMb = 0;
    double daemonRssMb = 0;
    double dbCpuSeconds = -1;      // -1: not measured
    double brokerCpuSeconds = -1;  // -1: not measured
    double benchCpuSeconds = 0;
    double machineCpuSeconds = 0;  // all busy CPU time on the machine during the run
    int cpus = 0;
    double maxWriteQueue = -1;  // from /metrics; -1: never read
    double maxOutboxBacklog = -1;
    std::int64_t rowsWritten = -1;
    std::map<std::string, double> dbCounterDeltas;  // SHOW GLOBAL STATUS growth during the load and the drain

    double rawQos1PerSecond = 0;
    std::size_t rawQos1PayloadBytes = 0;
    double rawDbRowsPerSecond = 0;

    double durablePerSecond() const { return elapsedSeconds > 0 ? durable / elapsedSeconds : 0; }
    double sendRate() const { return elapsedSeconds > 0 ? sent / elapsedSeconds : 0; }
    bool offeredRateMet() const { return offeredRate <= 0 || sendRate() >= 0.98 * offeredRate; }
    double percentileMs(double p) const { return percentile(latenciesMs, p); }
    double answerPercentileMs(double p) const { return percentile(answerLatenciesMs, p); }
    // CPU time of programs other than the daemon, MariaDB, Mosquitto and the bench: noise from elsewhere.
    double otherCpuSeconds() const;
    // A MariaDB counter's growth per durable message; -1 when unknown.
    double dbPerMessage(const std::string& counter) const;

    static double percentile(const std::vector<double>& sorted, double p);
};

void printTable(const BenchResult& result);
void writeJson(const BenchResult& result, const std::string& path);

}  // namespace omnigate::bench
