// The day so far of every queue and operator, as the online snapshot needs it every few seconds, without summing
// the whole day's aggregate rows each time: by the afternoon of a large centre those are some 40,000 rows of
// operators' status time alone, the most of a snapshot's cost.
//
// The quarter hours of the day that lie a little in the past (before the "boundary") are summed once and kept;
// each read adds only the rows from the boundary on. That is exact because every fact lands in the quarter hour of
// the moment it is written, which is later than the boundary, with one exception: an operator's status is written
// when it ends, into every quarter hour it spanned. So the kept sum also holds, for each status in progress when it
// was taken, its time up to the boundary (what its end will write there), and the status still running is added
// from the boundary on. The kept sum is taken again at the next quarter hour, at a new day, or when the queues'
// days start differently. docs/statistics.md says the same for users.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "db/db_session.h"
#include "model/online_figures.h"
#include "store/online_stats_reader.h"

namespace omnigate {

class TodayAggregates {
public:
    struct Day {
        std::map<QueueChannel, QueueCounts> queues;
        std::map<std::string, OperatorCounts> operators;  // without the time of the status each is in now
        // The current status's time counts from here on (UTC microseconds), or from when it began if later.
        std::int64_t currentStatusFrom = 0;
    };

    // Queues' counts from their own day starts (database times, the queues sharing each start), operators' from
    // `midnight`, up to now.
    Day read(DbSession& session, const std::map<std::string, std::set<std::string>>& queuesByDayStart,
             std::int64_t midnightMicros, std::int64_t nowMicros);

private:
    struct Kept {
        std::int64_t boundary = 0;  // UTC microseconds; the kept sums are of the rows before it
        std::int64_t midnight = 0;
        std::set<std::string> dayStarts;
        std::map<std::string, std::map<QueueChannel, QueueCounts>> queues;  // per day start
        std::map<std::string, OperatorCounts> operators;
    };

    void keep(DbSession& session, const std::set<std::string>& dayStarts, std::int64_t midnight,
              std::int64_t boundary);

    std::mutex mutex_;
    Kept kept_;
};

}  // namespace omnigate
