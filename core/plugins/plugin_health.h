// What plugins report about themselves for operations: components that are not ready (a paused webhook
// endpoint, an unreachable mailbox) for /readyz, and gauges for /metrics. It outlives the plugins, so a scrape
// never reaches into a plugin that is gone.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "metrics/metrics.h"

namespace omnigate {

class PluginHealth {
public:
    explicit PluginHealth(Metrics& metrics) : metrics_(metrics) {}

    // `component` is "<plugin>/<what>"; ready removes an earlier problem.
    void setReadiness(const std::string& component, bool ready, const std::string& reason);
    // name: a full metric name (omnigate_<plugin>_<what>).
    void setGauge(const std::string& name, const std::string& help, double value);

    // The components that are not ready, with their reasons.
    std::vector<std::pair<std::string, std::string>> problems() const;

private:
    Metrics& metrics_;
    mutable std::mutex mutex_;
    std::map<std::string, std::string> problems_;
    std::map<std::string, double> gauges_;
};

}  // namespace omnigate
