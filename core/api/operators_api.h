// The operators REST resource [операторы] as the administrator sees it: name, capacities per channel, branch,
// workplace and groups. The status is shown but not written here: it changes through the operator's own routes
// (the routing API). Validation lives in Operator::parse and the SQL and events in OperatorStore.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class OperatorsApi {
public:
    // `changed` runs after every committed change, so whoever caches the routing configuration can reload it.
    OperatorsApi(WriteBatcher& writer, ConnectionPool& pool,
                 std::function<void()> changed);

    void registerRoutes(Router& router);

private:
    HttpResponse list();
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse update(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    std::function<void()> changed_;
};

}  // namespace omnigate
