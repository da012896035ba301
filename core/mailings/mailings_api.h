// The mailings over REST (docs/mailings.md): made, replaced and deleted by whoever holds catalogs:write (business
// administrators), listed with their runs by supervisors (interactions:supervise), and run at once to try one out.
// Everything a body carries is checked before anything is written; a change and its audit entry commit together.
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "mailings/mailing_runner.h"
#include "stats/today_aggregates.h"

namespace omnigate {

class MailingsApi {
public:
    // `runner` is null when no SMTP account is configured: mailings are kept, and a try-out answers 409.
    MailingsApi(WriteBatcher& writer, ConnectionPool& pool, MailingRunner* runner, TodayAggregates& today,
                int centreOffsetMinutes);

    void registerRoutes(Router& router);

private:
    HttpResponse list(const HttpRequest& request);
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request, const Actor& actor);
    HttpResponse replace(const HttpRequest& request, const Actor& actor);
    HttpResponse remove(const HttpRequest& request, const Actor& actor);
    HttpResponse runs(const HttpRequest& request);
    HttpResponse runNow(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    MailingRunner* runner_;
    TodayAggregates& today_;
    const int centreOffsetMinutes_;
};

}  // namespace omnigate
