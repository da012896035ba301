// The two limits omnigate's figures are divided by, measured on the same machine in the same run: what a plain
// Paho producer gets PUBACKed by the same broker, and how many rows plain multi-row INSERTs commit in the same
// MariaDB. A noisy or slow machine lowers both sides, so the ratios stay comparable between machines.
#pragma once

#include <cstdint>
#include <string>

#include "bench_options.h"

namespace omnigate::bench {

struct BaselineResult {
    std::int64_t count = 0;  // messages acknowledged / rows committed
    double seconds = 0;
    double perSecond() const { return seconds > 0 ? static_cast<double>(count) / seconds : 0; }
};

class RawBaselines {
public:
    RawBaselines(const BenchOptions& options, std::string runId);

    // QoS 1 publishes of payloadBytes each with at most `window` unacknowledged, as a fair producer keeps them.
    BaselineResult mqttQos1(std::size_t payloadBytes, std::size_t window = 1000);

    // INSERTs of 500 rows each into a scratch table shaped like `messages`, autocommit per statement (one fsync
    // each with innodb_flush_log_at_trx_commit=1). The table is dropped afterwards.
    BaselineResult dbMultiRowInsert(int rowsPerStatement = 500);

private:
    const BenchOptions& options_;
    const std::string runId_;
};

}  // namespace omnigate::bench
