// The daemon's HTTP front door: POCO's HTTP parsing and a bounded pool of worker threads, behind a gate
// (connection_gate.h) that holds connections until a request head has arrived whole, so slow or idle clients do
// not hold the workers. It reads bodies up to the configured limit and within the body timeout, routes, upgrades
// WebSockets into the hub, refuses callers whose tokens keep failing (429), admits each request against its
// route's declared access (the RouteGuard) before any handler runs, and turns every failure into the JSON error
// shape {"error":{"code":…,"message":…}} so no client ever has to parse an HTML error page.
#pragma once

#include <memory>

#include "config/daemon_config.h"
#include "http/route_guard.h"
#include "http/router.h"
#include "http/websocket_hub.h"
#include "metrics/metrics.h"

namespace omnigate {

class HttpServer {
public:
    HttpServer(const HttpConfig& config, Router& router, RouteGuard& guard, Metrics& metrics, WebSocketHub& hub);
    ~HttpServer();

    void start();  // throws Poco::Exception when the address cannot be bound
    void stop();
    int port() const;  // the bound port (useful with port 0)

private:
    struct Running;
    HttpConfig config_;
    Router& router_;
    RouteGuard& guard_;
    Metrics& metrics_;
    WebSocketHub& hub_;
    std::unique_ptr<Running> running_;
};

// {"error":{"code":…,"message":…,"request_id":…}}
std::string errorBody(const std::string& code, const std::string& message, const std::string& requestId);

// The request URI as the log may show it: the value of every query parameter whose name says token, secret or
// password (a visitor's WebSocket ?token=, WhatsApp's hub.verify_token) replaced by REDACTED.
std::string redactedUri(const std::string& uri);

}  // namespace omnigate
