// The daemon's own endpoints: health, readiness, metrics, and the operator's minimal reply path. Admin routes
// need the bearer token from the config; health and metrics are open for probes and scrapers on the network
// the daemon is bound to.
#pragma once

#include <functional>

#include "bus/mqtt_bus.h"
#include "bus/outbox_relay.h"
#include "config/daemon_config.h"
#include "http/metrics.h"
#include "http/router.h"
#include "pipeline/message_service.h"
#include "store/connection_pool.h"

namespace omnigate {

class AdminApi {
public:
    AdminApi(const DaemonConfig& config, ConnectionPool& pool, MqttBus& bus, Metrics& metrics,
             MessageService& messages);

    void registerRoutes(Router& router);

    // Throws ApiError 401 unless the request carries the admin token.
    void requireAdmin(const HttpRequest& request) const;

private:
    HttpResponse readiness();
    HttpResponse reply(const HttpRequest& request);
    HttpResponse listMessages(const HttpRequest& request);

    const DaemonConfig& config_;
    ConnectionPool& pool_;
    MqttBus& bus_;
    Metrics& metrics_;
    MessageService& messages_;
};

}  // namespace omnigate
