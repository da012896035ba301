// The daemon's HTTP front door: a POCO HTTPServer with bounded threads and queue. It reads bodies up to the
// configured limit, routes, upgrades WebSockets into the hub, and turns every failure into the JSON error shape
// {"error":{"code":…,"message":…}} so no client ever has to parse an HTML error page.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <memory>

#include "config/daemon_config.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/websocket_hub.h"

namespace omnigate {

class HttpServer {
public:
    HttpServer(const HttpConfig& config, Router& router, Metrics& metrics, WebSocketHub& hub);
    ~HttpServer();

    void start();  // throws Poco::Exception when the address cannot be bound
    void stop();
    int port() const;  // the bound port (useful with port 0)

private:
    HttpConfig config_;
    Router& router_;
    Metrics& metrics_;
    WebSocketHub& hub_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

std::string errorBody(const std::string& code, const std::string& message);

}  // namespace omnigate
