// KPI targets as the operators and operator_groups rows keep them: the JSON the REST API takes, as text.
#pragma once

#include <string>

#include "model/figure_threshold.h"

namespace omnigate {

std::string storedKpi(const FigureThresholds& targets);
// The stored text read back; what no longer parses (a figure renamed since) is dropped, not fatal.
FigureThresholds parseStoredKpi(const std::string& text);

}  // namespace omnigate
