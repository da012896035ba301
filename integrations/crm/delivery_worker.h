// The one thread that sends webhooks: it leases due deliveries of every subscription from the host's durable queue,
// sends them concurrently (HttpTransfers), and completes, retries or dead-letters each as RetryPolicy decides. The
// host hands out one delivery per topic at a time, so a receiver sees each interaction's events in order. It also
// runs the client lookups and pauses endpoints that keep failing (EndpointPauses).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "client_lookup.h"
#include "crm_config.h"
#include "endpoint_pauses.h"
#include "http_transfers.h"
#include "omnigate/sdk/integration_host.h"
#include "retry_policy.h"
#include "subscription_registry.h"

namespace omnigate::crm {

// The request one delivery is sent as: its headers, signature and body (the event as published on MQTT).
// X-Omnigate-Delivery is the event's id, the same on every attempt and redelivery.
OutgoingRequest webhookRequest(const Subscription& subscription, const CrmConfig& config, const EventDelivery& delivery,
                               const std::string& eventName, std::int64_t unixSeconds);

class DeliveryWorker {
public:
    DeliveryWorker(IntegrationHost& host, const CrmConfig& config, SubscriptionRegistry& registry,
                   EndpointPauses& pauses, ClientLookup* lookup);
    ~DeliveryWorker();

    void start();
    void stop();

private:
    struct InFlight {
        bool lookup = false;
        std::string subscriptionId;
        std::string sink;
        EventDelivery delivery;
        std::int64_t clientId = 0;
        std::string addressKey;
    };

    void run();
    void pass(Clock::time_point now);
    void leaseWebhooks(Clock::time_point now);
    void leaseLookups(Clock::time_point now);
    void finishWebhook(const InFlight& flight, const TransferResult& result);
    void finishLookup(const InFlight& flight, const TransferResult& result);
    void applyCard(std::int64_t clientId, const Card& card);
    void updatePauseReport(const std::string& subscriptionId, const std::string& lastError);
    // Starts the transfer of a leased delivery and counts it against its sink's concurrency.
    void launch(InFlight flight, OutgoingRequest request);
    void complete(std::int64_t id);

    IntegrationHost& host_;
    const CrmConfig& config_;
    SubscriptionRegistry& registry_;
    EndpointPauses& pauses_;
    ClientLookup* lookup_;
    RetryPolicy policy_;
    HttpTransfers transfers_;
    std::mt19937_64 random_;
    std::map<std::uint64_t, InFlight> inFlight_;
    std::map<std::string, std::size_t> perSink_;
    std::set<std::string> lookupsInFlight_;  // address keys
    std::uint64_t nextTag_ = 1;
    Clock::time_point nextRefresh_{};
    Clock::time_point nextLease_{};
    Clock::time_point quietUntil_{};  // after a store error, lease less eagerly
    std::atomic<bool> running_{false};
    std::thread thread_;
};

}  // namespace omnigate::crm
