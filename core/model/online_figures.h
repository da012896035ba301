// The figures of the online statistics (docs/statistics.md) from the sums they are made of: the counts of the
// day's 15-minute aggregates and what waits now. Pure, one formula per figure as docs/metrics.md defines it, so
// the REST answer, the MQTT snapshot and the reports cannot disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace omnigate {

using Figures = std::vector<std::pair<std::string, std::optional<double>>>;  // in the order shown

// Sums over intervals of one queue (and channel), as stats_queue_intervals keeps them.
struct QueueCounts {
    std::int64_t offered = 0, answered = 0, abandoned = 0, shortAbandoned = 0, transferredOut = 0;
    std::int64_t serviceLevelMet = 0, serviceLevelCounted = 0, answerWaitMs = 0, longestWaitMs = 0;
    std::int64_t handled = 0, handleMs = 0, ratings = 0, ratingSum = 0, ratingsTopTwo = 0;

    void add(const QueueCounts& other);
};

struct WaitingNow {
    std::int64_t waiting = 0;
    std::int64_t longestWaitMs = 0;

    void add(const WaitingNow& other);
};

// Sums over intervals of one operator, as stats_operator_intervals keeps them.
struct OperatorCounts {
    std::int64_t handled = 0, handleMs = 0, firstResponses = 0, firstResponseMs = 0;
    std::int64_t ratings = 0, ratingSum = 0, ratingsTopTwo = 0, notResponding = 0;
    // Time in each status that counts (stats_operator_status_intervals, and the current status up to now).
    std::int64_t readyMs = 0, busyMs = 0, wrapUpMs = 0, breakMs = 0, notRespondingMs = 0;

    void add(const OperatorCounts& other);
    void addStatusTime(const std::string& status, std::int64_t ms);
};

const std::vector<std::string>& queueFigureNames();
const std::vector<std::string>& operatorFigureNames();

Figures queueFigures(const QueueCounts& day, const WaitingNow& now);
Figures operatorFigures(const OperatorCounts& day);

}  // namespace omnigate
