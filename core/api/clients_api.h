// The clients REST resource: operators find a client by name or address, keep the card, addresses and flags up to
// date, merge two records of the same person, and move an interaction to the client who really wrote it. The HTTP
// shape and validation live here; the SQL, locking and events live in ClientStore.
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class ClientsApi {
public:
    ClientsApi(WriteBatcher& writer, ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    // Each handler runs once the caller is authorized for its route's scope, as `actor`.
    HttpResponse search(const HttpRequest& request, const Actor& actor);
    HttpResponse get(const HttpRequest& request, const Actor& actor);
    HttpResponse create(const HttpRequest& request, const Actor& actor);
    HttpResponse update(const HttpRequest& request, const Actor& actor);
    HttpResponse addAddress(const HttpRequest& request, const Actor& actor);
    HttpResponse removeAddress(const HttpRequest& request, const Actor& actor);
    HttpResponse merge(const HttpRequest& request, const Actor& actor);
    HttpResponse interactions(const HttpRequest& request, const Actor& actor);
    HttpResponse linkInteraction(const HttpRequest& request, const Actor& actor);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
