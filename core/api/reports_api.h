// The reports over REST (docs/reports.md): the list of reports with what each takes, and each report for a
// period and filters as JSON, CSV or XLSX.
#pragma once

#include "db/connection_pool.h"
#include "http/router.h"

namespace omnigate {

class ReportsApi {
public:
    ReportsApi(ConnectionPool& pool, int utcOffsetMinutes);

    void registerRoutes(Router& router);

private:
    HttpResponse list(const HttpRequest& request);
    HttpResponse report(const HttpRequest& request);

    ConnectionPool& pool_;
    const int utcOffsetMinutes_;
};

}  // namespace omnigate
