// Publishes the online statistics every `stats.interval_seconds` (docs/statistics.md): the board retained on
// omnigate/v1/stats/online for supervisors, and each operator's own entry retained on
// omnigate/v1/operators/<id>/stats when it changed. A snapshot is cheap to lose: a missed one (the broker or the
// database away) is simply the next one, never queued.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "bus/mqtt_bus.h"
#include "db/connection_pool.h"
#include "stats/online_snapshot.h"

namespace omnigate {

class StatsPublisher {
public:
    StatsPublisher(ConnectionPool& pool, MqttBus& bus, TodayAggregates& today, int intervalSeconds, int utcOffsetMinutes);
    ~StatsPublisher();

    // Before start(): handed every snapshot on the publisher's thread, whether the broker is there or not (the
    // threshold mailings judge its levels), so it must only hand it on.
    void onSnapshot(std::function<void(const OnlineSnapshot&)> listener) { listener_ = std::move(listener); }

    void start();
    void stop();

    static std::string boardTopic();
    static std::string operatorTopic(const std::string& operatorId);

private:
    void run();
    void publishOnce();

    ConnectionPool& pool_;
    MqttBus& bus_;
    TodayAggregates& today_;
    const int intervalSeconds_;
    const int utcOffsetMinutes_;
    std::function<void(const OnlineSnapshot&)> listener_;
    std::map<std::string, std::string> lastOfOperator_;  // operator id -> entry last published (without as_of)
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace omnigate
