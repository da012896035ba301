// The queues REST resource [очереди]: create (also from another queue as a sample), read, edit with optimistic
// versions, delete (moving what waits there with ?move_to=). The HTTP shape lives here; validation lives in
// Queue::parseSettings and the SQL, the references and the events in QueueStore.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class QueuesApi {
public:
    // `changed` runs after every committed change, so whoever caches the routing configuration can reload it.
    QueuesApi(WriteBatcher& writer, ConnectionPool& pool,
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
