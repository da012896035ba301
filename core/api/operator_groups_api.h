// The operator groups REST resource [группы операторов]: a group and the queues its operators serve. The HTTP
// shape lives here; validation in OperatorGroup::parse and the SQL and events in OperatorGroupStore.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class OperatorGroupsApi {
public:
    // `changed` runs after every committed change, so whoever caches the routing configuration can reload it.
    OperatorGroupsApi(WriteBatcher& writer, ConnectionPool& pool,
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
