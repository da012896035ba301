#include "model/figure_threshold.h"

#include <Poco/Dynamic/Var.h>

#include <cmath>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

std::optional<double> number(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& at) {
    if (!object->has(key) || object->isNull(key)) return std::nullopt;
    const Poco::Dynamic::Var value = object->get(key);
    if (!value.isNumeric() || value.type() == typeid(bool)) {
        throw ApiError::badRequest("'" + at + "." + key + "' must be a number");
    }
    const double d = value.convert<double>();
    if (!std::isfinite(d)) throw ApiError::badRequest("'" + at + "." + key + "' must be a finite number");
    return d;
}

}  // namespace

const char* toString(Level level) {
    switch (level) {
        case Level::Normal: return "normal";
        case Level::Warning: return "warning";
        case Level::Critical: return "critical";
    }
    return "normal";
}

Level FigureThreshold::levelOf(double value) const {
    const auto past = [&](double limit) { return higherIsWorse ? value >= limit : value <= limit; };
    if (critical && past(*critical)) return Level::Critical;
    if (warning && past(*warning)) return Level::Warning;
    return Level::Normal;
}

bool FigureThreshold::meets(double value) const {
    if (!target) return true;
    return higherIsWorse ? value <= *target : value >= *target;
}

FigureThresholds parseFigureThresholds(const Poco::JSON::Object::Ptr& object, const std::string& path,
                                       const std::set<std::string>& figures) {
    FigureThresholds thresholds;
    if (object.isNull()) return thresholds;
    for (const std::string& figure : object->getNames()) {
        const std::string at = path + "." + figure;
        if (figures.count(figure) == 0) {
            std::string known;
            for (const std::string& f : figures) known += (known.empty() ? "" : ", ") + f;
            throw ApiError::badRequest("'" + at + "': no such figure; one of " + known);
        }
        if (object->get(figure).type() != typeid(Poco::JSON::Object::Ptr)) {
            throw ApiError::badRequest("'" + at + "' must be an object {direction, warning?, critical?, target?}");
        }
        const Poco::JSON::Object::Ptr item = object->getObject(figure);
        for (const std::string& key : item->getNames()) {
            if (key != "direction" && key != "warning" && key != "critical" && key != "target") {
                throw ApiError::badRequest("'" + at + "." + key + "' is not a threshold setting");
            }
        }
        if (!item->has("direction") || item->isNull("direction") || !item->get("direction").isString()) {
            throw ApiError::badRequest("'" + at + ".direction' is required: above (higher is worse) or below");
        }
        const std::string direction = item->getValue<std::string>("direction");
        if (direction != "above" && direction != "below") {
            throw ApiError::badRequest("'" + at + ".direction' must be above or below, not '" + direction + "'");
        }
        FigureThreshold t;
        t.higherIsWorse = direction == "above";
        t.warning = number(item, "warning", at);
        t.critical = number(item, "critical", at);
        t.target = number(item, "target", at);
        if (!t.warning && !t.critical && !t.target) {
            throw ApiError::badRequest("'" + at + "' sets none of warning, critical and target");
        }
        if (t.warning && t.critical && (t.higherIsWorse ? *t.warning > *t.critical : *t.warning < *t.critical)) {
            throw ApiError::badRequest("'" + at + ".warning' is past '" + at + ".critical' for direction " + direction +
                                       ": the warning comes first");
        }
        thresholds[figure] = t;
    }
    return thresholds;
}

Poco::JSON::Object::Ptr figureThresholdsJson(const FigureThresholds& thresholds) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [figure, t] : thresholds) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("direction", t.higherIsWorse ? "above" : "below");
        if (t.warning) item->set("warning", *t.warning);
        if (t.critical) item->set("critical", *t.critical);
        if (t.target) item->set("target", *t.target);
        out->set(figure, item);
    }
    return out;
}

void writeFigure(JsonText& out, const std::optional<double>& value, const FigureThreshold* threshold) {
    out.beginObject();
    out.key("value").value(value);
    if (value) {
        out.key("level").value(toString(threshold ? threshold->levelOf(*value) : Level::Normal));
    } else {
        out.key("level").null();
    }
    if (threshold && threshold->target) {
        out.key("target").value(*threshold->target);
        out.key("meets_target");
        if (value) {
            out.value(threshold->meets(*value));
        } else {
            out.null();
        }
    }
    out.endObject();
}

}  // namespace omnigate
