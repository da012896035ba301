#include "plugins/plugin_health.h"

namespace omnigate {

void PluginHealth::setReadiness(const std::string& component, bool ready, const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ready) {
        problems_.erase(component);
    } else {
        problems_[component] = reason;
    }
}

void PluginHealth::setGauge(const std::string& name, const std::string& help, double value) {
    bool fresh = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fresh = gauges_.find(name) == gauges_.end();
        gauges_[name] = value;
    }
    if (fresh) {
        metrics_.addGauge(name, help, [this, name] {
            std::lock_guard<std::mutex> lock(mutex_);
            return gauges_.at(name);
        });
    }
}

std::vector<std::pair<std::string, std::string>> PluginHealth::problems() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return {problems_.begin(), problems_.end()};
}

}  // namespace omnigate
