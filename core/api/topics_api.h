// The topics REST resource [тематики]: the administrator's tree of subjects that operators file interactions
// under. The HTTP shape and validation live here; the SQL, the tree's rules and the events live in TopicStore.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class TopicsApi {
public:
    // `catalogChanged` runs after every committed change, so caches of the catalogs can drop their copy.
    TopicsApi(WriteBatcher& writer, ConnectionPool& pool,
              std::function<void()> catalogChanged);

    void registerRoutes(Router& router);

private:
    HttpResponse tree();
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse update(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    std::function<void()> catalogChanged_;
};

}  // namespace omnigate
