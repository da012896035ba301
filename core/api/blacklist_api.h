// The black list REST resource [черный список]: addresses whose messages are kept but never routed. The HTTP shape,
// paging and validation live here; normalisation, the SQL and the events live in BlacklistStore.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class BlacklistApi {
public:
    // `catalogChanged` runs after every committed change: the pipeline caches the black list.
    BlacklistApi(WriteBatcher& writer, ConnectionPool& pool,
                 std::function<void()> catalogChanged);

    void registerRoutes(Router& router);

private:
    HttpResponse list(const HttpRequest& request);
    HttpResponse get(const HttpRequest& request);
    HttpResponse add(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    std::function<void()> catalogChanged_;
};

}  // namespace omnigate
