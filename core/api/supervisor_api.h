// The supervisor's view [единая очередь]: every open interaction in one list, filtered, grouped and exported to a
// spreadsheet, and each operator's own desk with the counters of their day. Read-only: what changes routing
// (assign, bulk moves) belongs to the routing actions, so watching never gets in their way.
#pragma once

#include "db/connection_pool.h"
#include "http/router.h"

namespace omnigate {

class SupervisorApi {
public:
    explicit SupervisorApi(ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse queue(const HttpRequest& request);
    HttpResponse exportQueue(const HttpRequest& request);
    HttpResponse operatorInteractions(const HttpRequest& request);
    HttpResponse operatorStats(const HttpRequest& request);

    ConnectionPool& pool_;
};

}  // namespace omnigate
