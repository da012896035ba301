// Which operator gets an interaction: the queue's distribution mode applied to the operators who could take it.
// Pure, so each mode is tested on its own and the distributor stays a loop of database work.
#pragma once

#include <string>
#include <vector>

#include "model/queue.h"
#include "store/routing_store.h"

namespace omnigate {

class OperatorPicker {
public:
    // Of `operators`, those ready (or busy yet with room), serving `queue` and with room on `channel`; the one who
    // declined or missed this interaction only when nobody else can take it. Then by mode:
    //   longest idle: those holding nothing first, idle longest; then the one offered to longest ago;
    //   least busy:   the lowest share of their capacity on the channel in use, then the fewest held overall;
    //   round robin:  the one offered to longest ago.
    // Remaining ties go to the operator id, so a decision can be reproduced. Null when nobody can take it.
    static OperatorLoad* pick(std::vector<OperatorLoad>& operators, DistributionMode mode, const std::string& queue,
                              const std::string& channel, const std::string& declinedBy);

    // True when `op` could take an interaction of `queue` on `channel` now.
    static bool eligible(const OperatorLoad& op, const std::string& queue, const std::string& channel);
};

}  // namespace omnigate
