// The facts the statistics count, written in the transaction of the change that makes them (docs/metrics.md):
// each write path that moves, closes, answers or rates an interaction, or marks an operator not responding, says
// so here, and the day's 15-minute aggregates (stats_queue_intervals, stats_operator_intervals) grow with it. So
// the online figures and the reports read a few rows per quarter hour, never a day of raw history.
#pragma once

#include <cstdint>
#include <string>

#include "db/db_session.h"
#include "model/interaction.h"
#include "model/queue_visit.h"

namespace omnigate {

// The handle time (ms) of an interaction row `i` that closed, in SQL, as StatsFacts counts it when it closes: for
// the reports that read one interaction at a time and for a rebuild.
extern const char* const kInteractionHandleMsSql;

class StatsFacts {
public:
    explicit StatsFacts(DbSession& session) : session_(session) {}

    // A change of an interaction from `before` to `after` at `now` (database time): the visit it ended, and its
    // handling when it closed what an operator had accepted.
    void changed(const Interaction& before, const Interaction& after, const std::string& now);

    // A visit ended: one more offered to its queue and channel, counted by how it ended.
    struct EndedVisit {
        std::string queue, channel;
        VisitEnding ending = VisitEnding::Left;
        std::int64_t waitMs = 0;
        bool shortAbandon = false, serviceLevelMet = false, serviceLevelCounted = false;
    };
    void visitEnded(const EndedVisit& visit, const std::string& now);

    // The first reply written by a person in the interaction, just marked at `now`.
    void firstResponse(std::int64_t interactionId, const std::string& now);
    // The client's rating (1 to 5) of a closed interaction, for its operator and the queue of its last visit.
    void rated(const Interaction& interaction, int rating, const std::string& now);
    // The operator let an offer lapse.
    void notResponding(const std::string& operatorId, const std::string& now);
    // The operator's status `status` (with its break reason) that began at `since` ends at `now`: its time, cut at
    // the quarter hours it spans, and added to the days it reached that are rolled up already
    // (store/operator_day_rollup.h). Offline time is not kept.
    void statusEnded(const std::string& operatorId, const std::string& status, const std::string& reason,
                     const std::string& since, const std::string& now);

private:
    // Handled: for its queue and operator; returns the handle time (ms).
    std::int64_t closed(const Interaction& before, const std::string& now);
    // The interaction's status `before.status` ended now: its time, in the quarter hour it ended.
    void statusEnded(const Interaction& before, const std::string& now);

    DbSession& session_;
};

}  // namespace omnigate
