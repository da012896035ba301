// The auto-reply templates REST resource [шаблоны автоответов]: greetings for new interactions and answers outside
// the working hours, per channel account and queue. The HTTP shape lives here; the rules of a template, the SQL
// and the events live in AutoReplyStore, its working hours and text in model/.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class AutoRepliesApi {
public:
    // `catalogChanged` runs after every committed change: the pipeline caches the active templates.
    AutoRepliesApi(WriteBatcher& writer, ConnectionPool& pool,
                   std::function<void()> catalogChanged);

    void registerRoutes(Router& router);

private:
    HttpResponse list(const HttpRequest& request);
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse update(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    std::function<void()> catalogChanged_;
};

}  // namespace omnigate
