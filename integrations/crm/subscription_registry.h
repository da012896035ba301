// Every webhook subscription the plugin knows: those of the config file and those administrators made over REST
// (kept in the host's durable plugin state, so they survive restarts and are shared by daemons on one database).
// It also keeps the host's event queueing in step: each active subscription is a sink of the types it needs.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crm_config.h"
#include "omnigate/sdk/integration_host.h"

namespace omnigate::crm {

// The sink of one subscription's deliveries ("sub:<id>"); the client lookup has its own, "lookup".
std::string sinkOf(const std::string& subscriptionId);
extern const char* const kLookupSink;

class SubscriptionRegistry {
public:
    SubscriptionRegistry(IntegrationHost& host, std::vector<Subscription> fromConfig);

    // Reads the REST-made subscriptions from the host's state and subscribes every active one. Also run now and
    // then, so a change made through another daemon on the same database is picked up.
    void refresh();

    std::vector<Subscription> all() const;  // config ones first, then by id
    std::optional<Subscription> find(const std::string& id) const;

    // ApiError 409 when the id is taken.
    Subscription create(Subscription subscription);
    // Applies `change` to a REST-made subscription under the registry's lock and stores it. ApiError 404 unknown,
    // 409 made in the config file, or whatever `change` throws.
    Subscription update(const std::string& id, const std::function<void(Subscription&)>& change);
    // ApiError 404 unknown, 409 made in the config file.
    void remove(const std::string& id);

private:
    void subscribe(const Subscription& subscription);
    Subscription& editable(const std::string& id);

    IntegrationHost& host_;
    mutable std::mutex mutex_;
    std::map<std::string, Subscription> config_;
    std::map<std::string, Subscription> api_;
};

}  // namespace omnigate::crm
