// The break reasons REST resource [причины перерыва]: the list an operator picks from when going on a break.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class BreakReasonsApi {
public:
    // `changed` runs after every committed change, so whoever caches the routing configuration can reload it.
    BreakReasonsApi(WriteBatcher& writer, ConnectionPool& pool,
                    std::function<void()> changed);

    void registerRoutes(Router& router);

private:
    HttpResponse list();
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    std::function<void()> changed_;
};

}  // namespace omnigate
