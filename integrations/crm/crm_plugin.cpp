#include "crm_plugin.h"

#include <curl/curl.h>

OMNIGATE_PLUGIN(omnigate::crm::CrmPlugin)

namespace omnigate::crm {

// libcurl's global state is reference-counted (and thread-safe in the libcurl Debian ships), so the other
// integrations may init and clean it up too.
CrmPlugin::CrmPlugin() { curl_global_init(CURL_GLOBAL_DEFAULT); }

CrmPlugin::~CrmPlugin() {
    stop();
    worker_.reset();
    curl_global_cleanup();
}

LoadResult CrmPlugin::load(IntegrationHost& host) {
    if (host.accounts().empty()) return LoadResult::decline("no crm integration configured");
    if (host.accounts().size() > 1) {
        return LoadResult::failure("the crm integration is configured " + std::to_string(host.accounts().size()) +
                                   " times: configure it once and list every webhook under its settings.subscriptions");
    }
    config_ = parseCrmConfig(host.accounts().front().settings);
    pauses_ = std::make_unique<EndpointPauses>(config_.pauseAfterFailures,
                                               std::chrono::duration_cast<std::chrono::milliseconds>(config_.pauseFor));
    registry_ = std::make_unique<SubscriptionRegistry>(host, config_.subscriptions);
    registry_->refresh();
    if (config_.clientLookup) {
        lookup_ = std::make_unique<ClientLookup>(*config_.clientLookup);
        host.subscribeEvents(kLookupSink, {"client.created", "interaction.created"});
    } else {
        host.subscribeEvents(kLookupSink, {});
    }
    api_ = std::make_unique<CrmAdminApi>(host, *registry_, *pauses_);
    api_->registerRoutes();
    worker_ = std::make_unique<DeliveryWorker>(host, config_, *registry_, *pauses_, lookup_.get());

    const auto subscriptions = registry_->all();
    host.log(LogLevel::Info, "crm: " + std::to_string(subscriptions.size()) + " webhook subscription(s)" +
                                 (lookup_ ? ", client lookup at " + config_.clientLookup->url : std::string()) +
                                 "; admin API under /api/v1/integrations/crm/");
    return LoadResult::success();
}

void CrmPlugin::start() {
    if (worker_) worker_->start();
}

void CrmPlugin::stop() {
    if (worker_) worker_->stop();
}

}  // namespace omnigate::crm
