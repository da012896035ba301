// The routing actions over REST: what an operator does with an interaction (accept, decline, wait, transfer,
// postpone, close, take), what a supervisor does (assign, mass operations with a result per id), and operators'
// statuses with their history. The HTTP shape lives here; the rules live in RoutingService.
#pragma once

#include "db/connection_pool.h"
#include "http/router.h"
#include "routing/routing_service.h"

namespace omnigate {

class RoutingActionsApi {
public:
    RoutingActionsApi(RoutingService& routing, ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse accept(const HttpRequest& request, const Actor& actor);
    HttpResponse decline(const HttpRequest& request, const Actor& actor);
    HttpResponse wait(const HttpRequest& request, const Actor& actor);
    HttpResponse transfer(const HttpRequest& request, const Actor& actor);
    HttpResponse postpone(const HttpRequest& request, const Actor& actor);
    HttpResponse close(const HttpRequest& request, const Actor& actor);
    HttpResponse take(const HttpRequest& request, const Actor& actor);
    HttpResponse assign(const HttpRequest& request, const Actor& actor);
    HttpResponse bulk(const HttpRequest& request, const Actor& actor);
    HttpResponse setStatus(const HttpRequest& request, const Actor& actor);
    HttpResponse statusHistory(const HttpRequest& request, const Actor& actor);

    RoutingService& routing_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
