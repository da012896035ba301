// The clients REST resource: operators find a client by name or address, keep the card, addresses and flags up to
// date, merge two records of the same person, and move an interaction to the client who really wrote it. The HTTP
// shape and validation live here; the SQL, locking and events live in ClientStore.
#pragma once

#include "config/daemon_config.h"
#include "http/router.h"
#include "store/connection_pool.h"
#include "store/write_batcher.h"

namespace omnigate {

class ClientsApi {
public:
    ClientsApi(const DaemonConfig& config, WriteBatcher& writer, ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse search(const HttpRequest& request);
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse update(const HttpRequest& request);
    HttpResponse addAddress(const HttpRequest& request);
    HttpResponse removeAddress(const HttpRequest& request);
    HttpResponse merge(const HttpRequest& request);
    HttpResponse interactions(const HttpRequest& request);
    HttpResponse linkInteraction(const HttpRequest& request);

    const DaemonConfig& config_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
