// The online statistics over REST (docs/statistics.md): the supervisor's whole board, one queue, and an
// operator's own figures. Each answer is a snapshot computed for the call, the same as the MQTT one.
#pragma once

#include "db/connection_pool.h"
#include "http/router.h"
#include "stats/online_snapshot.h"

namespace omnigate {

class StatsApi {
public:
    StatsApi(ConnectionPool& pool, TodayAggregates& today, int utcOffsetMinutes);

    void registerRoutes(Router& router);

private:
    OnlineSnapshot current();  // computed for this call
    HttpResponse board(const HttpRequest& request);
    HttpResponse queue(const HttpRequest& request);
    HttpResponse operatorFigures(const HttpRequest& request);

    ConnectionPool& pool_;
    TodayAggregates& today_;
    const int utcOffsetMinutes_;
};

}  // namespace omnigate
