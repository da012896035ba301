// The suggester's worker: takes the durable queue of message.created events (IntegrationHost::subscribeEvents), and for
// each message a client wrote asks the knowledge base and the core's shared templates for the best few answers, and publishes them as
// suggestion.created to the interaction's suggestions topic and, when an operator holds the interaction, to that
// operator's [БОТ-суфлер]. The knowledge base is best effort: when it hangs, fails or answers garbage, the templates'
// suggestions go out alone and the failure is logged and counted; only a store failure (the event could not be read or
// published) makes the delivery retry.
#pragma once

#include <chrono>
#include <string>

#include "knowledge_base_client.h"
#include "knowledge_base_config.h"
#include "omnigate/sdk/integration_host.h"
#include "omnigate/sdk/polling_thread.h"

namespace omnigate::knowledge_base {

class SuggestionWorker {
public:
    SuggestionWorker(IntegrationHost& host, const KnowledgeBaseConfig& config, std::string sink);
    ~SuggestionWorker();

    void start();  // subscribes the sink and starts the thread
    void stop();   // aborts a running search and joins the thread

    // One round: leases due deliveries and handles each. Returns how many it leased. For the thread and tests.
    std::size_t processOnce();

    static std::string interactionTopic(std::int64_t interactionId);
    static std::string operatorTopic(const std::string& operatorId);

private:
    void handle(const EventDelivery& delivery);
    std::vector<Suggestion> searchKnowledgeBase(const std::string& text);
    void countFailure(const std::string& why);

    IntegrationHost& host_;
    const KnowledgeBaseConfig& config_;
    KnowledgeBaseClient client_;
    std::string sink_;

    PollingThread loop_;

    // A knowledge base that failed several times in a row is left alone for a while, so a dead one does not cost
    // every message timeout_ms and let the queue grow behind it. Only the worker thread touches these.
    int consecutiveFailures_ = 0;
    std::chrono::steady_clock::time_point skipUntil_{};
    double failures_ = 0;
    double published_ = 0;
};

}  // namespace omnigate::knowledge_base
