// GET /api/v1/audit for business administrators: who did what, when, from where, newest first, with filters and
// paging; and the retention that deletes entries older than audit.retention_days.
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class AuditApi {
public:
    AuditApi(int retentionDays, WriteBatcher& writer, ConnectionPool& pool);

    void registerRoutes(Router& router);

    // Deletes what is past retention, in batches so no transaction grows large; the number deleted.
    int purge();

private:
    HttpResponse list(const HttpRequest& request);

    const int retentionDays_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
