// The bench's own view of MariaDB: the rows a run wrote (its id is in every message body) and the server's
// statement and fsync counters, whose growth per durable message shows how many round trips and how many
// flushes each message costs - the first thing to look at when throughput is low while the CPUs are not busy.
#pragma once

#include <cppconn/connection.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "bench_options.h"

namespace omnigate::bench {

class DatabaseProbe {
public:
    explicit DatabaseProbe(const BenchOptions& options);
    ~DatabaseProbe();

    // messages rows whose body starts with "bench <run-id> ".
    std::int64_t rowsWritten(const std::string& runId);

    // Questions, Com_select, Com_insert, Com_update, Com_delete, Com_commit, Innodb_data_fsyncs, … now.
    std::map<std::string, double> counters();

private:
    std::unique_ptr<sql::Connection> connection_;
};

}  // namespace omnigate::bench
