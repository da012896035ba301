// The prioritisation rules REST resource [правила приоритизации]: the ordered list the router walks, with a dry
// run that says which rule an example interaction matches and why. The HTTP shape lives here; validation of a
// rule lives in RoutingRule, the SQL, the references and the events in RoutingRuleStore.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class RoutingRulesApi {
public:
    // `rulesChanged` runs after every committed change, so whoever caches the rules can drop their copy.
    RoutingRulesApi(WriteBatcher& writer, ConnectionPool& pool,
                    std::function<void()> rulesChanged);

    void registerRoutes(Router& router);

private:
    HttpResponse list();
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse update(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);
    HttpResponse reorder(const HttpRequest& request);
    HttpResponse dryRun(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    std::function<void()> rulesChanged_;
};

}  // namespace omnigate
