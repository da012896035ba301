// What the online statistics read (docs/statistics.md): the day's 15-minute aggregates, what waits now, and what
// each operator holds now. Each is one grouped query over an index range; none reads the raw histories.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "db/db_session.h"
#include "model/online_figures.h"

namespace omnigate {

using QueueChannel = std::pair<std::string, std::string>;     // queue, channel
using OperatorChannel = std::pair<std::string, std::string>;  // operator, channel ('' for the operator's own)

class OnlineStatsReader {
public:
    explicit OnlineStatsReader(DbSession& session) : session_(session) {}

    // The aggregates of `queues` from `from` (database time, on a quarter hour) on.
    std::map<QueueChannel, QueueCounts> queueCounts(const std::vector<std::string>& queues, const std::string& from);
    // Every queue's and channel's waiting interactions (queued or offered) and the longest wait at `now`.
    std::map<QueueChannel, WaitingNow> waitingNow(const std::string& now);
    std::map<OperatorChannel, OperatorCounts> operatorCounts(const std::string& from);
    // Each operator's time per status (break reasons together) from `from` on, as the aggregates keep it.
    std::map<OperatorChannel, std::int64_t> statusTimes(const std::string& from);
    // The interactions each operator holds against their capacity (offered, transferred to them or assigned).
    std::map<OperatorChannel, std::int64_t> inWork();

private:
    DbSession& session_;
};

}  // namespace omnigate
