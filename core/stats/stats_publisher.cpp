#include "stats/stats_publisher.h"

#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <sstream>

#include "stats/online_snapshot.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.stats"); }

std::string stringify(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

}  // namespace

StatsPublisher::StatsPublisher(ConnectionPool& pool, MqttBus& bus, int intervalSeconds, int utcOffsetMinutes)
    : pool_(pool), bus_(bus), intervalSeconds_(intervalSeconds), utcOffsetMinutes_(utcOffsetMinutes) {}

StatsPublisher::~StatsPublisher() { stop(); }

std::string StatsPublisher::boardTopic() { return "omnigate/v1/stats/online"; }

std::string StatsPublisher::operatorTopic(const std::string& operatorId) {
    return "omnigate/v1/operators/" + operatorId + "/stats";
}

void StatsPublisher::start() { thread_ = std::thread([this] { run(); }); }

void StatsPublisher::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void StatsPublisher::run() {
    bool warned = false;
    for (;;) {
        if (bus_.connected() || listener_) {
            try {
                publishOnce();
                warned = false;
            } catch (const std::exception& e) {
                // Once per outage, not every few seconds.
                if (!warned) logger().warning("online statistics not published (tried again every %d s): %s",
                                              intervalSeconds_, std::string(e.what()));
                warned = true;
            }
        }
        std::unique_lock<std::mutex> lock(mutex_);
        if (wake_.wait_for(lock, std::chrono::seconds(intervalSeconds_), [this] { return stopping_; })) return;
    }
}

void StatsPublisher::publishOnce() {
    OnlineSnapshot snapshot = [&] {
        PooledSession session = pool_.acquire();
        return OnlineSnapshot::read(*session, utcOffsetMinutes_, Poco::Timestamp().epochMicroseconds());
    }();
    if (listener_) listener_(snapshot);
    if (!bus_.connected()) return;
    bus_.publish(boardTopic(), stringify(snapshot.board()), true);
    for (const auto& [id, entry] : snapshot.operators()) {
        // The figures of a quiet operator do not change: their topic stays as it is.
        const std::string figures = stringify(entry);
        std::string& last = lastOfOperator_[id];
        if (figures == last) continue;
        bus_.publish(operatorTopic(id), stringify(snapshot.operatorEntry(id)), true);
        last = figures;
    }
}

}  // namespace omnigate
