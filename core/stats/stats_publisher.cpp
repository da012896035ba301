#include "stats/stats_publisher.h"

#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include "stats/online_snapshot.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.stats"); }

}  // namespace

StatsPublisher::StatsPublisher(ConnectionPool& pool, MqttBus& bus, TodayAggregates& today, int intervalSeconds,
                               int utcOffsetMinutes)
    : pool_(pool), bus_(bus), today_(today), intervalSeconds_(intervalSeconds), utcOffsetMinutes_(utcOffsetMinutes) {}

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
        return OnlineSnapshot::read(*session, today_, utcOffsetMinutes_, Poco::Timestamp().epochMicroseconds());
    }();
    if (listener_) listener_(snapshot);
    if (!bus_.connected()) return;
    bus_.publish(boardTopic(), snapshot.board(), true);
    for (const auto& [id, entry] : snapshot.operators()) {
        // The figures of a quiet operator do not change: their topic stays as it is.
        std::string& last = lastOfOperator_[id];
        if (entry == last) continue;
        bus_.publish(operatorTopic(id), *snapshot.operatorEntry(id), true);
        last = entry;
    }
}

}  // namespace omnigate
