// Thresholds and targets of a figure (docs/metrics.md, "Levels and targets"): a direction says which way is
// worse, warning and critical say how far, and the target is apart from both. Configured per queue today, for
// operators and groups with the KPI targets; pure, so the online statistics and the mailings judge alike.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "model/json_text.h"

namespace omnigate {

enum class Level { Normal, Warning, Critical };

const char* toString(Level level);

struct FigureThreshold {
    bool higherIsWorse = true;  // direction: above (a wait) or below (a service level)
    std::optional<double> warning;
    std::optional<double> critical;
    std::optional<double> target;

    Level levelOf(double value) const;
    bool meets(double value) const;  // only with a target
};

using FigureThresholds = std::map<std::string, FigureThreshold>;  // by figure name

// {figure: {direction, warning?, critical?, target?}} from JSON at `path` ("thresholds"); ApiError 400 naming the
// key: an unknown figure, a missing or unknown direction, a warning past the critical level in that direction.
FigureThresholds parseFigureThresholds(const Poco::JSON::Object::Ptr& object, const std::string& path,
                                       const std::set<std::string>& figures);
Poco::JSON::Object::Ptr figureThresholdsJson(const FigureThresholds& thresholds);

// A figure as the statistics answer it: {value, level, target?, meets_target?}; a missing value has no level.
void writeFigure(JsonText& out, const std::optional<double>& value, const FigureThreshold* threshold);

}  // namespace omnigate
