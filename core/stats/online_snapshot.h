// One snapshot of the online statistics (docs/statistics.md): every queue with its channels, every operator and
// the totals, each figure with its level and target, as of one moment. The REST API answers parts of it; the
// publisher sends it on MQTT. It is kept as the JSON text it is sent as, each entry written once and shared by the
// board, the queue's or operator's own answer and topic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "db/db_session.h"
#include "model/figure_threshold.h"
#include "model/online_figures.h"
#include "stats/today_aggregates.h"

namespace omnigate {

class OnlineSnapshot {
public:
    // A queue's figures as the board shows them, for what judges them again (the threshold mailings).
    struct QueueFigures {
        std::string name;
        Figures figures;
        FigureThresholds thresholds;
    };

    // Reads what it needs in `session` and computes the figures as of `nowMicros` (UTC), in the centre's day; the
    // day's sums so far come from `today`, which keeps what it can between snapshots.
    static OnlineSnapshot read(DbSession& session, TodayAggregates& today, int utcOffsetMinutes,
                               std::int64_t nowMicros);

    // The whole board: {as_of, utc_offset, totals, queues: [...], operators: [...]}.
    const std::string& board() const { return board_; }
    // {as_of, utc_offset, queue: {...}}; nothing when there is no such queue.
    std::optional<std::string> queue(const std::string& id) const;
    // {as_of, utc_offset, operator: {...}}; nothing when there is no such operator.
    std::optional<std::string> operatorEntry(const std::string& id) const;
    // Each operator's entry alone (without as_of): what changes only when their figures do.
    const std::map<std::string, std::string>& operators() const { return operators_; }

    const std::string& asOf() const { return asOf_; }  // ISO 8601
    const std::map<std::string, QueueFigures>& figuresOfQueues() const { return queueFigures_; }

private:
    std::string wrapped(const char* name, const std::string& entry) const;

    std::string asOf_;
    std::string utcOffset_;
    std::string board_;
    std::map<std::string, std::string> queues_;
    std::map<std::string, std::string> operators_;
    std::map<std::string, QueueFigures> queueFigures_;
};

}  // namespace omnigate
