#include "mailings/queue_readings.h"

#include <Poco/JSON/Array.h>

namespace omnigate {

namespace {

Level levelOf(const std::string& text) {
    if (text == "critical") return Level::Critical;
    if (text == "warning") return Level::Warning;
    return Level::Normal;
}

}  // namespace

std::optional<FigureReading> QueueReadings::find(const std::string& queue, const std::string& figure) const {
    const auto q = figures.find(queue);
    if (q == figures.end()) return std::nullopt;
    const auto f = q->second.find(figure);
    if (f == q->second.end()) return std::nullopt;
    return f->second;
}

QueueReadings queueReadings(const OnlineSnapshot& snapshot) {
    QueueReadings out;
    const Poco::JSON::Object::Ptr board = snapshot.board();
    out.asOf = board->getValue<std::string>("as_of");
    const Poco::JSON::Array::Ptr queues = board->getArray("queues");
    for (std::size_t i = 0; i < queues->size(); ++i) {
        const Poco::JSON::Object::Ptr q = queues->getObject(static_cast<unsigned>(i));
        const std::string id = q->getValue<std::string>("id");
        out.names[id] = q->getValue<std::string>("name");
        const Poco::JSON::Object::Ptr figures = q->getObject("figures");
        auto& readings = out.figures[id];
        for (const std::string& name : figures->getNames()) {
            const Poco::JSON::Object::Ptr f = figures->getObject(name);
            FigureReading r;
            if (!f->isNull("value")) {
                r.value = f->getValue<double>("value");
                r.level = levelOf(f->getValue<std::string>("level"));
            }
            readings[name] = r;
        }
    }
    return out;
}

}  // namespace omnigate
