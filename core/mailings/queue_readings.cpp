#include "mailings/queue_readings.h"

namespace omnigate {

std::optional<FigureReading> QueueReadings::find(const std::string& queue, const std::string& figure) const {
    const auto q = figures.find(queue);
    if (q == figures.end()) return std::nullopt;
    const auto f = q->second.find(figure);
    if (f == q->second.end()) return std::nullopt;
    return f->second;
}

QueueReadings queueReadings(const OnlineSnapshot& snapshot) {
    QueueReadings out;
    out.asOf = snapshot.asOf();
    for (const auto& [id, queue] : snapshot.figuresOfQueues()) {
        out.names[id] = queue.name;
        auto& readings = out.figures[id];
        for (const auto& [name, value] : queue.figures) {
            FigureReading r;
            if (value) {
                r.value = *value;
                const auto threshold = queue.thresholds.find(name);
                r.level = threshold == queue.thresholds.end() ? Level::Normal : threshold->second.levelOf(*value);
            }
            readings[name] = r;
        }
    }
    return out;
}

}  // namespace omnigate
