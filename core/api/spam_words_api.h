// The spam words REST resource [список спам-слов]: words and phrases that mark an inbound message as spam. The
// HTTP shape lives here; normalisation, the SQL and the events live in SpamWordStore.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class SpamWordsApi {
public:
    // `catalogChanged` runs after every committed change: the pipeline caches the spam words.
    SpamWordsApi(WriteBatcher& writer, ConnectionPool& pool,
                 std::function<void()> catalogChanged);

    void registerRoutes(Router& router);

private:
    HttpResponse list();
    HttpResponse get(const HttpRequest& request);
    HttpResponse add(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    std::function<void()> catalogChanged_;
};

}  // namespace omnigate
