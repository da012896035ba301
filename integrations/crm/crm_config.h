// The typed settings of the CRM integration: its webhook subscriptions from the file, delivery limits and the
// optional client lookup. Read and range-checked once at load time so the delivery worker only sees valid values;
// the REST API validates its subscriptions with the same rules (subscription_rules.h), so both paths agree.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "omnigate/sdk/config_node.h"

namespace omnigate::crm {

struct Subscription {
    std::string id;
    std::string url;
    std::string secret;               // HMAC key of the X-Omnigate-Signature header
    std::vector<std::string> events;  // as subscribed: may hold interaction.closed (see event_mapping.h)
    bool active = true;
    bool fromConfig = false;   // YAML ones are edited in the file, not over REST
    std::int64_t version = 1;  // REST ones: bumped on every change, for optimistic PATCH
};

struct ClientLookupConfig {
    std::string url;
    std::string secret;
    std::chrono::milliseconds timeout{3000};
    std::chrono::seconds cacheFor{300};
};

struct CrmConfig {
    std::vector<Subscription> subscriptions;
    std::chrono::milliseconds connectTimeout{2000};
    std::chrono::milliseconds timeout{10000};
    std::chrono::milliseconds retryFor{24LL * 3600 * 1000};  // after the event was created; then dead-lettered
    std::chrono::milliseconds backoffBase{1000};             // the first retry waits up to this long (full jitter)
    std::chrono::milliseconds backoffMax{600000};            // no retry waits longer, unless Retry-After says so
    int pauseAfterFailures = 10;                             // consecutive failed attempts of one endpoint
    std::chrono::seconds pauseFor{60};
    std::size_t maxResponseBytes = 65536;
    std::size_t concurrency = 8;                  // deliveries in flight per subscription
    std::chrono::milliseconds pollInterval{500};  // how often due deliveries are looked for
    std::optional<ClientLookupConfig> clientLookup;
};

// Reads `settings` of `integrations: [{type: crm, id: …, settings: {…}}]` (an undefined node: all defaults, no
// subscriptions). Throws ConfigError with the file, line, column and key path.
CrmConfig parseCrmConfig(const ConfigNode& settings);

}  // namespace omnigate::crm
