// The table of visits of interactions to queues (model/queue_visit.h says when one ends, and how). Each write path
// that moves interactions hands its before and after here, inside its own transaction, so a visit is recorded
// exactly when the change that ended it commits.
#pragma once

#include <string>

#include "db/db_session.h"
#include "model/interaction.h"

namespace omnigate {

class QueueVisits {
public:
    explicit QueueVisits(DbSession& session) : session_(session) {}

    // Records the visit `before` was on if the change ended it; `now` is the change's time (database format).
    void record(const Interaction& before, const Interaction& after, const std::string& now);

    // Ends, as left, the visits of every interaction waiting in `queue` (a deleted queue's, moved elsewhere).
    void leaveQueue(const std::string& queue, const std::string& now);

private:
    DbSession& session_;
};

}  // namespace omnigate
