#include "model/online_figures.h"

#include <algorithm>
#include <cmath>

namespace omnigate {

namespace {

double rounded(double value, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

// Nothing to divide by is no figure at all (a service level of an empty day is not 100 %).
std::optional<double> ratio(std::int64_t part, std::int64_t whole, double scale, int decimals) {
    if (whole <= 0) return std::nullopt;
    return rounded(static_cast<double>(part) * scale / static_cast<double>(whole), decimals);
}

double count(std::int64_t n) { return static_cast<double>(n); }

}  // namespace

void QueueCounts::add(const QueueCounts& o) {
    offered += o.offered;
    answered += o.answered;
    abandoned += o.abandoned;
    shortAbandoned += o.shortAbandoned;
    transferredOut += o.transferredOut;
    serviceLevelMet += o.serviceLevelMet;
    serviceLevelCounted += o.serviceLevelCounted;
    answerWaitMs += o.answerWaitMs;
    longestWaitMs = std::max(longestWaitMs, o.longestWaitMs);
    handled += o.handled;
    handleMs += o.handleMs;
    ratings += o.ratings;
    ratingSum += o.ratingSum;
    ratingsTopTwo += o.ratingsTopTwo;
}

void WaitingNow::add(const WaitingNow& o) {
    waiting += o.waiting;
    longestWaitMs = std::max(longestWaitMs, o.longestWaitMs);
}

void OperatorCounts::add(const OperatorCounts& o) {
    handled += o.handled;
    handleMs += o.handleMs;
    firstResponses += o.firstResponses;
    firstResponseMs += o.firstResponseMs;
    ratings += o.ratings;
    ratingSum += o.ratingSum;
    ratingsTopTwo += o.ratingsTopTwo;
    notResponding += o.notResponding;
    readyMs += o.readyMs;
    busyMs += o.busyMs;
    wrapUpMs += o.wrapUpMs;
    breakMs += o.breakMs;
    notRespondingMs += o.notRespondingMs;
}

void OperatorCounts::addStatusTime(const std::string& status, std::int64_t ms) {
    if (status == "ready") readyMs += ms;
    if (status == "busy") busyMs += ms;
    if (status == "wrap_up") wrapUpMs += ms;
    if (status == "break") breakMs += ms;
    if (status == "not_responding") notRespondingMs += ms;
}

const std::vector<std::string>& queueFigureNames() {
    static const std::vector<std::string> names{
        "waiting",  "longest_wait_seconds", "offered",  "answered", "abandoned", "short_abandoned", "transferred_out",
        "abandonment_rate_percent", "service_level_percent", "average_speed_of_answer_seconds", "handled",
        "average_handle_seconds", "average_rating"};
    return names;
}

const std::vector<std::string>& operatorFigureNames() {
    static const std::vector<std::string> names{"handled",        "average_handle_seconds", "first_response_seconds",
                                                "average_rating", "not_responding",         "ready_share_percent",
                                                "occupancy_percent"};
    return names;
}

Figures queueFigures(const QueueCounts& day, const WaitingNow& now) {
    return {
        {"waiting", count(now.waiting)},
        {"longest_wait_seconds", count(now.longestWaitMs / 1000)},
        {"offered", count(day.offered)},
        {"answered", count(day.answered)},
        {"abandoned", count(day.abandoned)},
        {"short_abandoned", count(day.shortAbandoned)},
        {"transferred_out", count(day.transferredOut)},
        {"abandonment_rate_percent", ratio(day.abandoned, day.offered, 100.0, 1)},
        {"service_level_percent", ratio(day.serviceLevelMet, day.serviceLevelCounted, 100.0, 1)},
        {"average_speed_of_answer_seconds", ratio(day.answerWaitMs, day.answered, 0.001, 1)},
        {"handled", count(day.handled)},
        {"average_handle_seconds", ratio(day.handleMs, day.handled, 0.001, 1)},
        {"average_rating", ratio(day.ratingSum, day.ratings, 1.0, 2)},
    };
}

Figures operatorFigures(const OperatorCounts& day) {
    return {
        {"handled", count(day.handled)},
        {"average_handle_seconds", ratio(day.handleMs, day.handled, 0.001, 1)},
        {"first_response_seconds", ratio(day.firstResponseMs, day.firstResponses, 0.001, 1)},
        {"average_rating", ratio(day.ratingSum, day.ratings, 1.0, 2)},
        {"not_responding", count(day.notResponding)},
        {"ready_share_percent",
         ratio(day.readyMs, day.readyMs + day.busyMs + day.wrapUpMs + day.breakMs + day.notRespondingMs, 100.0, 1)},
        {"occupancy_percent", ratio(day.busyMs + day.wrapUpMs, day.busyMs + day.wrapUpMs + day.readyMs, 100.0, 1)},
    };
}

}  // namespace omnigate
