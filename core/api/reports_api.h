// The reports over REST (docs/reports.md): the list of reports with what each takes, and each report for a
// period and filters as JSON, CSV or XLSX; the interaction details, a list too long to hold, in pages or streamed.
#pragma once

#include "db/connection_pool.h"
#include "http/router.h"

namespace omnigate {

class ReportsApi {
public:
    // `maxExportRows`: where an export of the interaction details stops, with a note saying so.
    ReportsApi(ConnectionPool& pool, int utcOffsetMinutes, int maxExportRows);

    void registerRoutes(Router& router);

private:
    HttpResponse list(const HttpRequest& request);
    HttpResponse report(const HttpRequest& request);
    // interaction_details: JSON in pages, CSV and XLSX streamed.
    HttpResponse details(const HttpRequest& request);

    ConnectionPool& pool_;
    const int utcOffsetMinutes_;
    const std::size_t maxExportRows_;
};

}  // namespace omnigate
