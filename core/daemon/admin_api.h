// The daemon's own endpoints: health, readiness and metrics, open for probes and scrapers on the network the daemon
// is bound to; with http.metrics_token set, /metrics and the details of /readyz need that token. The interactions
// and their messages are the REST resources' (core/api/interactions_api.h).
#pragma once

#include "bus/mqtt_bus.h"
#include "bus/outbox_relay.h"
#include "db/connection_pool.h"
#include "http/router.h"
#include "metrics/metrics.h"
#include "plugins/plugin_health.h"
#include "store/file_store.h"

namespace omnigate {

class AdminApi {
public:
    AdminApi(ConnectionPool& pool, MqttBus& bus, Metrics& metrics, PluginHealth& plugins, const FileStore& files);

    void registerRoutes(Router& router);

private:
    HttpResponse readiness(bool details);

    ConnectionPool& pool_;
    MqttBus& bus_;
    Metrics& metrics_;
    PluginHealth& plugins_;
    const FileStore& files_;
};

}  // namespace omnigate
