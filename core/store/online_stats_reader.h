// What the online statistics read besides the day's aggregates (those through ReportReader, as a report of the day
// so far): what waits now and what each operator holds now. Each is one grouped query over an index range.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "db/db_session.h"
#include "model/online_figures.h"

namespace omnigate {

using QueueChannel = std::pair<std::string, std::string>;     // queue, channel
using OperatorChannel = std::pair<std::string, std::string>;  // operator, channel

class OnlineStatsReader {
public:
    explicit OnlineStatsReader(DbSession& session) : session_(session) {}

    // Every queue's and channel's waiting interactions (queued or offered) and the longest wait at `now`.
    std::map<QueueChannel, WaitingNow> waitingNow(const std::string& now);
    // The interactions each operator holds against their capacity (offered, transferred to them or assigned).
    std::map<OperatorChannel, std::int64_t> inWork();

private:
    DbSession& session_;
};

}  // namespace omnigate
