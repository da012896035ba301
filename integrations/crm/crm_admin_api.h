// The CRM integration's admin REST API under /api/v1/integrations/crm/: subscriptions (the config file's are listed
// but changed only in the file), the failed (dead-lettered) deliveries of every subscription, and redelivery of one
// or all of them. Every route needs tokens:manage (business administrators, the admin token).
#pragma once

#include <Poco/JSON/Object.h>

#include "endpoint_pauses.h"
#include "omnigate/sdk/integration_host.h"
#include "subscription_registry.h"

namespace omnigate::crm {

class CrmAdminApi {
public:
    CrmAdminApi(IntegrationHost& host, SubscriptionRegistry& registry, EndpointPauses& pauses)
        : host_(host), registry_(registry), pauses_(pauses) {}

    void registerRoutes();

private:
    HttpResponse listSubscriptions(const HttpRequest& request);
    HttpResponse createSubscription(const HttpRequest& request);
    HttpResponse getSubscription(const HttpRequest& request);
    HttpResponse patchSubscription(const HttpRequest& request);
    HttpResponse deleteSubscription(const HttpRequest& request);
    HttpResponse listFailed(const HttpRequest& request);
    HttpResponse redeliverOne(const HttpRequest& request);
    HttpResponse redeliverSubscription(const HttpRequest& request);

    Poco::JSON::Object::Ptr describe(const Subscription& subscription);
    // After a subscription was deleted, switched off or pointed elsewhere its old failures say nothing any more.
    void clearPause(const std::string& id);

    IntegrationHost& host_;
    SubscriptionRegistry& registry_;
    EndpointPauses& pauses_;
};

}  // namespace omnigate::crm
