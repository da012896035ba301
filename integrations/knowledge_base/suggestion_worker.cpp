#include "suggestion_worker.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "omnigate/support/json_fields.h"
#include "omnigate/sdk/api_error.h"
#include "suggestion_ranker.h"

namespace omnigate::knowledge_base {

using support::intOr;
using support::parseObject;
using support::stringOr;

namespace {

using namespace std::chrono_literals;

constexpr std::size_t batchSize = 8;
constexpr auto idlePause = 200ms;
// After this many failures in a row the knowledge base is skipped for `restTime`, then tried again.
constexpr int failuresBeforeRest = 3;
constexpr auto restTime = 10s;
// A suggestion this late helps nobody: after this many failed attempts (store down) the delivery is dropped aside.
constexpr int maxAttempts = 8;

// The operator holds the interaction in these statuses; an offer is not held yet.
bool held(const std::string& status) { return status == "assigned" || status == "waiting" || status == "postponed"; }

std::string eventData(std::int64_t interactionId, std::int64_t messageId, const std::string& operatorId,
                      const std::string& queue, const std::vector<Suggestion>& suggestions) {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("interaction_id", interactionId);
    data->set("message_id", messageId);
    data->set("operator_id", operatorId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(operatorId));
    data->set("queue", queue.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(queue));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Suggestion& s : suggestions) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("source", s.source);
        if (!s.id.empty()) item->set("id", s.id);
        item->set("title", s.title);
        item->set("text", s.text);
        if (!s.url.empty()) item->set("url", s.url);
        item->set("score", std::round(s.score * 1000) / 1000);
        list->add(item);
    }
    data->set("suggestions", list);
    std::ostringstream out;
    data->stringify(out);
    return out.str();
}

}  // namespace

SuggestionWorker::SuggestionWorker(IntegrationHost& host, const KnowledgeBaseConfig& config, std::string sink)
    : host_(host), config_(config), client_(config), sink_(std::move(sink)), loop_(idlePause) {}

SuggestionWorker::~SuggestionWorker() { stop(); }

std::string SuggestionWorker::interactionTopic(std::int64_t interactionId) {
    return "omnigate/v1/interactions/" + std::to_string(interactionId) + "/suggestions";
}

std::string SuggestionWorker::operatorTopic(const std::string& operatorId) {
    return "omnigate/v1/operators/" + operatorId + "/suggestions";
}

void SuggestionWorker::start() {
    host_.subscribeEvents(sink_, {"message.created"});
    host_.setGauge("kb_failures_total", "Knowledge-base searches that failed (timeout, error, bad answer)", 0);
    host_.setGauge("suggestions_total", "suggestion.created events published", 0);
    loop_.start([this] { return processOnce(); },
                [this](const std::exception& e) {
                    // The store is down or a lease failed: the deliveries stay queued, tried again shortly.
                    host_.log(LogLevel::Warning, std::string("knowledge_base: leasing suggestions failed: ") + e.what());
                });
}

void SuggestionWorker::stop() { loop_.stop(); }

std::size_t SuggestionWorker::processOnce() {
    // The lease covers the worst case: every delivery of the batch waiting for a knowledge base that hangs.
    const auto lease = std::chrono::duration_cast<std::chrono::seconds>(
        30s + config_.timeout * static_cast<long>(batchSize) * 2);
    const std::vector<EventDelivery> deliveries = host_.leaseDeliveries(sink_, batchSize, lease);
    for (const EventDelivery& delivery : deliveries) {
        if (loop_.stopping()) break;  // the rest is leased, not lost: handed out again when the lease ends
        try {
            handle(delivery);
            host_.completeDelivery(delivery.id);
        } catch (const std::exception& e) {
            // Reading the interaction or templates, or publishing, failed: the store's trouble, so try again later.
            const std::string why = e.what();
            try {
                if (delivery.attempts + 1 >= maxAttempts) {
                    host_.deadLetterDelivery(delivery.id, why);
                } else {
                    const auto wait = std::chrono::seconds(std::min(60, 1 << std::min(delivery.attempts, 6)));
                    host_.retryDelivery(delivery.id, std::chrono::system_clock::now() + wait, why);
                }
            } catch (const std::exception& again) {
                host_.log(LogLevel::Warning, std::string("knowledge_base: could not reschedule a delivery: ") +
                                                 again.what());
            }
            host_.log(LogLevel::Warning, "knowledge_base: the suggestion for event " + delivery.eventId +
                                             " failed, will retry: " + why);
        }
    }
    return deliveries.size();
}

void SuggestionWorker::handle(const EventDelivery& delivery) {
    const Poco::JSON::Object::Ptr event = parseObject(delivery.payload);
    const Poco::JSON::Object::Ptr data = event && event->has("data") ? event->getObject("data") : nullptr;
    if (!data) {
        host_.log(LogLevel::Warning, "knowledge_base: skipped event " + delivery.eventId + ": not a JSON event");
        return;
    }
    // Only what a client wrote asks for an answer; operators' replies, bots and system messages do not.
    if (stringOr(event, "type") != "message.created" || stringOr(data, "direction") != "in" ||
        stringOr(data, "author") != "client" || (data->has("spam") && data->optValue<bool>("spam", false))) {
        return;
    }
    const std::int64_t interactionId = intOr(data, "interaction_id");
    const std::int64_t messageId = intOr(data, "id");
    const std::string text = stringOr(data, "text");
    if (interactionId <= 0 || text.find_first_not_of(" \t\r\n") == std::string::npos) return;

    const std::optional<std::string> found = host_.interaction(interactionId);
    const Poco::JSON::Object::Ptr interaction = found ? parseObject(*found) : nullptr;
    if (!interaction) return;
    const std::string status = stringOr(interaction, "status");
    if (status == "closed" || status == "spam" || status == "blocked") return;
    const std::string queue = stringOr(interaction, "queue");
    const std::string holder = held(status) ? stringOr(interaction, "operator") : "";

    std::vector<ResponseTemplate> all;
    for (SharedTemplate& t : host_.sharedTemplates()) {
        all.push_back({std::move(t.id), std::move(t.title), std::move(t.text), std::move(t.queues)});
    }
    // The core counts an operator's and a queue's uses together: they rank as one.
    std::vector<Suggestion> fromTemplates =
        rankTemplates(text, all, queue, host_.templateUses(holder, queue), {}, config_.maxSuggestions);
    std::vector<Suggestion> fromKnowledgeBase = searchKnowledgeBase(text);
    const std::vector<Suggestion> suggestions =
        mergeSuggestions(std::move(fromKnowledgeBase), std::move(fromTemplates), config_.maxSuggestions);
    if (suggestions.empty()) return;  // nothing to offer: no event, the operator's panel keeps what it shows

    const std::string json = eventData(interactionId, messageId, holder, queue, suggestions);
    host_.publish(interactionTopic(interactionId), "suggestion.created", json);
    if (!holder.empty()) host_.publish(operatorTopic(holder), "suggestion.created", json);
    host_.setGauge("suggestions_total", "suggestion.created events published", ++published_);
}

std::vector<Suggestion> SuggestionWorker::searchKnowledgeBase(const std::string& text) {
    if (!client_.configured()) return {};
    if (consecutiveFailures_ >= failuresBeforeRest && std::chrono::steady_clock::now() < skipUntil_) return {};
    try {
        std::vector<Suggestion> found = client_.search(text, config_.maxSuggestions, loop_.stopping());
        if (consecutiveFailures_ > 0) {
            host_.log(LogLevel::Info, "knowledge_base: the knowledge base answers again");
        }
        consecutiveFailures_ = 0;
        return found;
    } catch (const KnowledgeBaseError& e) {
        countFailure(e.what());
    } catch (const std::exception& e) {
        countFailure(std::string("unexpected: ") + e.what());
    }
    return {};
}

void SuggestionWorker::countFailure(const std::string& why) {
    if (loop_.stopping()) return;  // our own cancellation, not the knowledge base's fault
    ++consecutiveFailures_;
    host_.setGauge("kb_failures_total", "Knowledge-base searches that failed (timeout, error, bad answer)",
                   ++failures_);
    std::string message = "knowledge_base: the search failed (" + why + "); suggesting templates only";
    if (consecutiveFailures_ >= failuresBeforeRest) {
        skipUntil_ = std::chrono::steady_clock::now() + restTime;
        message += "; " + std::to_string(consecutiveFailures_) + " failures in a row, not asking it for " +
                   std::to_string(std::chrono::seconds(restTime).count()) + " s";
    }
    host_.log(LogLevel::Warning, message);
}

}  // namespace omnigate::knowledge_base
