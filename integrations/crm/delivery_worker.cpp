#include "delivery_worker.h"

#include <algorithm>
#include <cmath>

#include "event_mapping.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/secrets.h"

namespace omnigate::crm {

namespace {

// REST changes made through another daemon on the same database are seen this soon.
constexpr std::chrono::seconds kRefreshEvery{5};
// After the store failed, the worker waits this long before leasing again rather than spinning on errors.
constexpr std::chrono::seconds kQuietAfterError{2};

std::int64_t unixSeconds(Clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

std::string seconds(std::chrono::milliseconds d) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return text;
}

}  // namespace

OutgoingRequest webhookRequest(const Subscription& subscription, const CrmConfig& config, const EventDelivery& delivery,
                               const std::string& eventName, std::int64_t unixTime) {
    OutgoingRequest r;
    r.url = subscription.url;
    const std::string timestamp = std::to_string(unixTime);
    const std::string deliveryId = delivery.eventId.empty() ? std::to_string(delivery.id) : delivery.eventId;
    r.headers = {"Content-Type: application/json", "X-Omnigate-Event: " + eventName,
                 "X-Omnigate-Delivery: " + deliveryId, "X-Omnigate-Timestamp: " + timestamp,
                 "X-Omnigate-Signature: " + webhookSignature(subscription.secret, timestamp, delivery.payload)};
    r.body = delivery.payload;
    r.connectTimeout = config.connectTimeout;
    r.timeout = config.timeout;
    r.maxResponseBytes = config.maxResponseBytes;
    return r;
}

DeliveryWorker::DeliveryWorker(IntegrationHost& host, const CrmConfig& config, SubscriptionRegistry& registry,
                               EndpointPauses& pauses, ClientLookup* lookup)
    : host_(host),
      config_(config),
      registry_(registry),
      pauses_(pauses),
      lookup_(lookup),
      policy_(config.backoffBase, config.backoffMax, config.retryFor),
      random_(std::random_device{}()) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
    if (running_.exchange(true)) return;
    host_.setGauge("paused_endpoints", "CRM webhook endpoints paused after failing again and again",
                   static_cast<double>(pauses_.pausedCount()));
    nextRefresh_ = Clock::now() + kRefreshEvery;  // load() has just read them
    thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::stop() {
    if (!running_.exchange(false)) return;
    transfers_.wake();
    if (thread_.joinable()) thread_.join();
    // Whatever was in flight stays leased until its lease runs out, then is sent again: at least once.
}

void DeliveryWorker::run() {
    while (running_) {
        const Clock::time_point now = Clock::now();
        try {
            pass(now);
        } catch (const std::exception& e) {
            host_.log(LogLevel::Warning, std::string("crm: the delivery worker could not read its queue: ") + e.what());
            quietUntil_ = now + kQuietAfterError;
        }
        const auto untilLease =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::max(nextLease_, quietUntil_) - Clock::now());
        const auto wait = std::clamp(untilLease, std::chrono::milliseconds(0), config_.pollInterval);
        for (auto& [tag, result] : transfers_.run(running_ ? wait : std::chrono::milliseconds(0))) {
            const auto it = inFlight_.find(tag);
            if (it == inFlight_.end()) continue;
            const InFlight flight = std::move(it->second);
            inFlight_.erase(it);
            if (--perSink_[flight.sink] == 0) perSink_.erase(flight.sink);
            try {
                if (flight.lookup) {
                    finishLookup(flight, result);
                } else {
                    finishWebhook(flight, result);
                }
            } catch (const std::exception& e) {
                // Its lease runs out and it is tried again.
                host_.log(LogLevel::Warning, "crm: could not record the outcome of delivery " +
                                                 std::to_string(flight.delivery.id) + ": " + e.what());
            }
            // The next delivery of its topic may be due now: look at once rather than at the next poll.
            nextLease_ = Clock::now();
        }
    }
}

void DeliveryWorker::pass(Clock::time_point now) {
    if (now >= nextRefresh_) {
        nextRefresh_ = now + kRefreshEvery;
        registry_.refresh();
    }
    host_.setGauge("paused_endpoints", "CRM webhook endpoints paused after failing again and again",
                   static_cast<double>(pauses_.pausedCount()));
    if (now < nextLease_ || now < quietUntil_) return;
    nextLease_ = now + config_.pollInterval;
    leaseWebhooks(now);
    if (lookup_ != nullptr) leaseLookups(now);
}

void DeliveryWorker::launch(InFlight flight, OutgoingRequest request) {
    const std::uint64_t tag = nextTag_++;
    const std::string sink = flight.sink;
    ++perSink_[sink];
    inFlight_.emplace(tag, std::move(flight));
    try {
        transfers_.start(tag, std::move(request));
    } catch (...) {
        // Not sent: its lease runs out and it is tried again.
        inFlight_.erase(tag);
        if (--perSink_[sink] == 0) perSink_.erase(sink);
        throw;
    }
}

void DeliveryWorker::complete(std::int64_t id) { host_.completeDelivery(id); }

void DeliveryWorker::leaseWebhooks(Clock::time_point now) {
    const auto lease = std::chrono::seconds(
        static_cast<std::int64_t>(std::ceil(static_cast<double>(config_.timeout.count()) / 1000.0)) + 30);
    for (const Subscription& s : registry_.all()) {
        if (!s.active || !pauses_.mayTry(s.id, now)) continue;
        const std::string sink = sinkOf(s.id);
        const auto found = perSink_.find(sink);
        const std::size_t busy = found == perSink_.end() ? 0 : found->second;
        std::size_t room = config_.concurrency - std::min(config_.concurrency, busy);
        if (pauses_.paused(s.id)) {
            // The pause is over: one attempt tells whether the endpoint is back. With nothing left to send it
            // has nothing to fail on, so it stops counting as paused.
            if (host_.backlog(sink) == 0) {
                pauses_.succeeded(s.id);
                updatePauseReport(s.id, "");
                continue;
            }
            room = busy == 0 ? 1 : 0;
        }
        if (room == 0) continue;
        for (EventDelivery& d : host_.leaseDeliveries(sink, room, lease)) {
            const std::optional<std::string> name = deliveredAs(s.events, d.type, d.payload);
            if (!name) {
                complete(d.id);  // e.g. an update that does not close, for an interaction.closed subscription
                continue;
            }
            OutgoingRequest request = webhookRequest(s, config_, d, *name, unixSeconds(now));
            InFlight flight;
            flight.subscriptionId = s.id;
            flight.sink = sink;
            flight.delivery = std::move(d);
            launch(std::move(flight), std::move(request));
        }
    }
}

void DeliveryWorker::leaseLookups(Clock::time_point now) {
    const auto found = perSink_.find(kLookupSink);
    const std::size_t busy = found == perSink_.end() ? 0 : found->second;
    if (busy >= config_.concurrency) return;
    for (EventDelivery& d : host_.leaseDeliveries(kLookupSink, config_.concurrency - busy, std::chrono::seconds(60))) {
        const std::int64_t clientId = ClientLookup::clientIdOf(d.type, d.payload);
        const std::optional<std::string> client = clientId > 0 ? host_.client(clientId) : std::nullopt;
        if (!client) {
            complete(d.id);
            continue;
        }
        const std::string key = ClientLookup::addressKeyOf(*client);
        if (const auto card = key.empty() ? std::nullopt : lookup_->cached(key, now)) {
            applyCard(clientId, *card);
            complete(d.id);
            continue;
        }
        // A new client's client.created and interaction.created come together: one question is enough.
        if (!key.empty() && lookupsInFlight_.count(key) > 0) {
            complete(d.id);
            continue;
        }
        InFlight flight;
        flight.lookup = true;
        flight.sink = kLookupSink;
        flight.clientId = clientId;
        flight.addressKey = key;
        flight.delivery = std::move(d);
        OutgoingRequest request = lookup_->request(*client, unixSeconds(now));
        launch(std::move(flight), std::move(request));
        if (!key.empty()) lookupsInFlight_.insert(key);
    }
}

void DeliveryWorker::finishWebhook(const InFlight& flight, const TransferResult& result) {
    const EventDelivery& d = flight.delivery;
    const Clock::time_point now = Clock::now();
    const Clock::time_point created = parseIsoTime(d.createdAt).value_or(now);
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    const Decision decision = policy_.decide(result.outcome, d.attempts, created, now, unit);
    const std::string what = "crm: delivery " + std::to_string(d.id) + " (" + d.type + ", event " + d.eventId +
                             ") to subscription '" + flight.subscriptionId + "'";
    switch (decision.kind) {
        case Decision::Kind::Complete:
            host_.completeDelivery(d.id);
            if (pauses_.succeeded(flight.subscriptionId)) {
                host_.log(LogLevel::Info, "crm: subscription '" + flight.subscriptionId + "' answers again: resumed");
                updatePauseReport(flight.subscriptionId, "");
            }
            return;
        case Decision::Kind::Retry:
            host_.retryDelivery(d.id, decision.notBefore, decision.error);
            host_.log(LogLevel::Info,
                      what + " failed (attempt " + std::to_string(d.attempts + 1) + "): " + decision.error +
                          "; retrying in " +
                          seconds(std::chrono::duration_cast<std::chrono::milliseconds>(decision.notBefore - now)));
            break;
        case Decision::Kind::DeadLetter:
            host_.deadLetterDelivery(d.id, decision.error);
            host_.log(LogLevel::Warning, what + " dead-lettered: " + decision.error +
                                             " (list: GET /api/v1/integrations/crm/deliveries/failed)");
            break;
    }
    if (decision.endpointFailed && registry_.find(flight.subscriptionId) &&
        pauses_.failed(flight.subscriptionId, now)) {
        updatePauseReport(flight.subscriptionId, decision.error);
    }
}

void DeliveryWorker::updatePauseReport(const std::string& id, const std::string& lastError) {
    const bool paused = pauses_.paused(id);
    std::string reason;
    if (paused) {
        reason = "webhook endpoint paused for " + std::to_string(config_.pauseFor.count()) + " s after " +
                 std::to_string(pauses_.failuresInARow(id)) + " failed attempts in a row (last: " + lastError + ")";
        host_.log(LogLevel::Warning, "crm: subscription '" + id + "': " + reason);
    }
    host_.setReadiness("subscription " + id, !paused, reason);
    host_.setGauge("paused_endpoints", "CRM webhook endpoints paused after failing again and again",
                   static_cast<double>(pauses_.pausedCount()));
}

void DeliveryWorker::finishLookup(const InFlight& flight, const TransferResult& result) {
    lookupsInFlight_.erase(flight.addressKey);
    // Whatever happens, the lookup is done: it is a courtesy to the operator, never worth holding anything up.
    host_.completeDelivery(flight.delivery.id);
    const std::string what = "crm: the client lookup of client " + std::to_string(flight.clientId);
    const AttemptOutcome& o = result.outcome;
    if (!o.answered || o.status < 200 || o.status >= 300) {
        host_.log(LogLevel::Warning, what + " failed: " + (o.answered ? "HTTP " + std::to_string(o.status) : o.error) +
                                         "; the card stays as it is");
        return;
    }
    Card card;
    try {
        card = ClientLookup::parseAnswer(result.body);
    } catch (const std::exception& e) {
        host_.log(LogLevel::Warning, what + " answered something unusable: " + e.what() + "; the card stays as it is");
        return;
    }
    lookup_->remember(flight.addressKey, card, Clock::now());
    applyCard(flight.clientId, card);
}

void DeliveryWorker::applyCard(std::int64_t clientId, const Card& card) {
    if (card.empty()) return;
    try {
        host_.updateClientCard(clientId, card);
    } catch (const ApiError& e) {
        host_.log(LogLevel::Warning,
                  "crm: could not write the CRM's card to client " + std::to_string(clientId) + ": " + e.what());
    }
}

}  // namespace omnigate::crm
