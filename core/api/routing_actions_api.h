// The routing actions over REST: what an operator does with an interaction (accept, decline, wait, transfer,
// postpone, close, take), what a supervisor does (assign, mass operations with a result per id), and operators'
// statuses with their history. The HTTP shape lives here; the rules live in RoutingService.
#pragma once

#include "config/daemon_config.h"
#include "http/router.h"
#include "routing/routing_service.h"
#include "store/connection_pool.h"

namespace omnigate {

class RoutingActionsApi {
public:
    RoutingActionsApi(const DaemonConfig& config, RoutingService& routing, ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse accept(const HttpRequest& request);
    HttpResponse decline(const HttpRequest& request);
    HttpResponse wait(const HttpRequest& request);
    HttpResponse transfer(const HttpRequest& request);
    HttpResponse postpone(const HttpRequest& request);
    HttpResponse close(const HttpRequest& request);
    HttpResponse take(const HttpRequest& request);
    HttpResponse assign(const HttpRequest& request);
    HttpResponse bulk(const HttpRequest& request);
    HttpResponse setStatus(const HttpRequest& request);
    HttpResponse statusHistory(const HttpRequest& request);

    const DaemonConfig& config_;
    RoutingService& routing_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
