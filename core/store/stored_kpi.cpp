#include "store/stored_kpi.h"

#include <Poco/JSON/Parser.h>

#include <sstream>

#include "model/online_figures.h"

namespace omnigate {

std::string storedKpi(const FigureThresholds& targets) {
    std::ostringstream out;
    figureThresholdsJson(targets)->stringify(out);
    return out.str();
}

FigureThresholds parseStoredKpi(const std::string& text) {
    try {
        const auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        const std::vector<std::string>& names = operatorFigureNames();
        return parseFigureThresholds(object, "kpi_targets", {names.begin(), names.end()});
    } catch (const std::exception&) {
        return {};
    }
}

}  // namespace omnigate
