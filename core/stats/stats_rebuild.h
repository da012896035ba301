// Rebuilds every statistics aggregate from the facts (`omnigate --rebuild-stats`, docs/reports.md): after a
// restore, a change of how a figure is counted, or to check the live ones. It empties the aggregates and refills
// them in chunks, saying how far it got. Run it with the daemons stopped: what they count meanwhile is lost.
#pragma once

#include <functional>
#include <string>

#include "db/db_session.h"

namespace omnigate {

class StatsRebuild {
public:
    using Progress = std::function<void(const std::string& line)>;

    // The operators' days are rolled up again as cut at `utcOffsetMinutes` (stats.utc_offset).
    StatsRebuild(DbSession& session, int utcOffsetMinutes, Progress progress)
        : session_(session), utcOffsetMinutes_(utcOffsetMinutes), progress_(std::move(progress)) {}

    void run();

private:
    void queueVisits();
    void interactions();
    void operatorStatuses();
    void interactionStatuses();
    void channelTraffic();
    // Runs `sql` (with ? for the first and last id) over [min, max] of `table` in chunks, reporting each.
    void chunked(const std::string& what, const std::string& table, const std::vector<std::string>& statements);

    DbSession& session_;
    int utcOffsetMinutes_;
    Progress progress_;
};

}  // namespace omnigate
