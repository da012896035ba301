// The CRM integration: every committed event a subscription asks for is delivered to its URL as a signed webhook,
// at least once, in order per interaction, retried with backoff for a day and then kept as a failed delivery an
// administrator can redeliver; optionally, a CRM lookup fills new clients' cards. The events come from the host's
// durable per-sink queues, written in the same transaction as the events themselves, so nothing committed is missed.
#pragma once

#include <memory>

#include "client_lookup.h"
#include "crm_admin_api.h"
#include "crm_config.h"
#include "delivery_worker.h"
#include "endpoint_pauses.h"
#include "omnigate/sdk/plugin.h"
#include "subscription_registry.h"

namespace omnigate::crm {

class CrmPlugin : public IntegrationPlugin {
public:
    CrmPlugin();
    ~CrmPlugin() override;

    std::string name() const override { return "crm"; }
    LoadResult load(IntegrationHost& host) override;
    void start() override;
    void stop() override;

private:
    CrmConfig config_;
    std::unique_ptr<EndpointPauses> pauses_;
    std::unique_ptr<SubscriptionRegistry> registry_;
    std::unique_ptr<ClientLookup> lookup_;
    std::unique_ptr<CrmAdminApi> api_;
    std::unique_ptr<DeliveryWorker> worker_;
};

}  // namespace omnigate::crm
