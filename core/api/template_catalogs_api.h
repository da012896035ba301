// The response templates' catalogs over REST: everyone who reads the catalogs reads the tree, business
// administrators change it. The HTTP shape lives here; the tree's rules in TemplateCatalogStore.
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class TemplateCatalogsApi {
public:
    TemplateCatalogsApi(WriteBatcher& writer, ConnectionPool& pool) : writer_(writer), pool_(pool) {}

    void registerRoutes(Router& router);

private:
    HttpResponse tree();
    HttpResponse create(const HttpRequest& request);
    HttpResponse update(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
