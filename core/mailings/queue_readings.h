// The queues' online figures with their levels, as the threshold mailings read them: taken from the snapshot the
// statistics publisher computes every stats.interval_seconds and judged by the same thresholds (FigureThreshold)
// the board's levels come from, so a mail and the board cannot disagree.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "model/figure_threshold.h"
#include "stats/online_snapshot.h"

namespace omnigate {

struct FigureReading {
    std::optional<double> value;  // nothing to compute it from: no level either
    Level level = Level::Normal;
};

struct QueueReadings {
    std::string asOf;  // the snapshot's time, ISO 8601
    std::map<std::string, std::string> names;  // queue id -> name
    std::map<std::string, std::map<std::string, FigureReading>> figures;  // queue id -> figure -> reading

    // The reading of a queue's figure; nothing when the queue or its figure is not in the snapshot.
    std::optional<FigureReading> find(const std::string& queue, const std::string& figure) const;
};

QueueReadings queueReadings(const OnlineSnapshot& snapshot);

}  // namespace omnigate
