#include "conversation_worker.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "omnigate/support/json_fields.h"
#include "omnigate/sdk/api_error.h"
#include "webhook_payload.h"

namespace omnigate::chatbot {

using support::intOr;
using support::parseObject;
using support::stringOr;

namespace {

using namespace std::chrono_literals;

// Deliveries of one lease are of different interactions (the host hands out one per topic), so they are handled
// side by side: one slow bot call does not hold up the others' clients. This bounds the threads.
constexpr std::size_t batchSize = 8;
constexpr auto idlePause = 200ms;
// A conversation start this late is of no use (the core gave the interaction to people long ago): after this many
// failed attempts (the store being down) the delivery is set aside.
constexpr int maxAttempts = 5;

// The interactions the bot holds, as this plugin saw them enter status bot: only the event stream says how they
// leave it (the event carries the new status, not the old one). Per entry: every entry's worker sees every event.
std::string heldKey(const std::string& bot, std::int64_t id) { return "held." + bot + "." + std::to_string(id); }

bool changed(const Poco::JSON::Object::Ptr& data, const std::string& field) {
    if (!data->has("changes") || data->get("changes").type() != typeid(Poco::JSON::Array::Ptr)) return false;
    const Poco::JSON::Array::Ptr changes = data->getArray("changes");
    for (std::size_t i = 0; i < changes->size(); ++i) {
        const Poco::Dynamic::Var c = changes->get(static_cast<unsigned>(i));
        if (c.isString() && c.extract<std::string>() == field) return true;
    }
    return false;
}

std::string stringify(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

}  // namespace

ConversationWorker::ConversationWorker(BotHost& host, const ChatbotConfig& config, BotStats& stats, std::string sink)
    : host_(host), config_(config), stats_(stats), client_(config), sink_(std::move(sink)), loop_(idlePause) {}

ConversationWorker::~ConversationWorker() { stop(); }

void ConversationWorker::start() {
    host_.subscribeEvents(sink_, {"interaction.updated", "message.created"});
    loop_.start([this] { return processOnce(); },
                [this](const std::exception& e) {
                    // The store is down or a lease failed: the deliveries stay queued, tried again shortly.
                    host_.log(LogLevel::Warning, std::string("chatbot: leasing events failed: ") + e.what());
                });
}

void ConversationWorker::stop() { loop_.stop(); }

std::size_t ConversationWorker::processOnce() {
    // The lease covers a bot call that takes all its time plus what the host calls around it need.
    const auto lease = std::chrono::duration_cast<std::chrono::seconds>(30s + config_.timeout * 2);
    const std::vector<EventDelivery> deliveries = host_.leaseDeliveries(sink_, batchSize, lease);
    if (deliveries.size() == 1) {
        process(deliveries.front());
    } else {
        std::vector<std::thread> threads;
        threads.reserve(deliveries.size());
        for (const EventDelivery& delivery : deliveries) threads.emplace_back([this, &delivery] { process(delivery); });
        for (std::thread& t : threads) t.join();
    }
    return deliveries.size();
}

void ConversationWorker::process(const EventDelivery& delivery) {
    if (loop_.stopping()) return;  // leased, not lost: handed out again when the lease ends
    try {
        handle(delivery);
        host_.completeDelivery(delivery.id);
    } catch (const std::exception& e) {
        const std::string why = e.what();
        try {
            if (delivery.attempts + 1 >= maxAttempts) {
                host_.deadLetterDelivery(delivery.id, why);
            } else {
                const auto wait = std::chrono::seconds(1 << std::min(delivery.attempts, 5));
                host_.retryDelivery(delivery.id, std::chrono::system_clock::now() + wait, why);
            }
        } catch (const std::exception& again) {
            host_.log(LogLevel::Warning, std::string("chatbot: could not reschedule a delivery: ") + again.what());
        }
        host_.log(LogLevel::Warning, "chatbot: event " + delivery.eventId + " failed, will retry: " + why);
    }
}

void ConversationWorker::handle(const EventDelivery& delivery) {
    const Poco::JSON::Object::Ptr event = parseObject(delivery.payload);
    const Poco::JSON::Object::Ptr data =
        event && event->has("data") && event->get("data").type() == typeid(Poco::JSON::Object::Ptr)
            ? event->getObject("data")
            : nullptr;
    if (!data) {
        host_.log(LogLevel::Warning, "chatbot: skipped event " + delivery.eventId + ": not a JSON event");
        return;
    }
    const std::string type = stringOr(event, "type", delivery.type);
    if (type == "interaction.updated") onInteractionUpdated(delivery, data);
    if (type == "message.created") onMessageCreated(delivery, data);
}

void ConversationWorker::onInteractionUpdated(const EventDelivery& delivery, const Poco::JSON::Object::Ptr& data) {
    if (!changed(data, "status")) return;
    const std::int64_t id = intOr(data, "id");
    if (id <= 0) return;
    const std::string status = stringOr(data, "status");
    const bool held = host_.loadState(heldKey(config_.id, id)).has_value();

    if (status == "bot") {
        if (!held) {
            // Another entry's queue, or another bot (or nobody any more) has it: not this bot's conversation.
            if (!config_.serves(stringOr(data, "queue")) || !host_.holdForBot(config_.id, id)) return;
            host_.saveState(heldKey(config_.id, id), delivery.eventId);
            stats_.increment(BotStats::Conversations);
        }
        std::string current;
        // Events are handled in order but later than they happen: when the interaction has already left the bot
        // (its clock ran out while we lagged), the bot is not told of a conversation it can no longer have.
        if (statusOf(id, &current) != "bot") return;
        const std::string body =
            conversationStartedBody(config_.id, current, host_.messages(id, config_.historyLimit));
        callBot(id, "conversation.started", delivery.eventId, body);
        return;
    }
    if (!held) return;
    // It left the bot: how says what to count.
    host_.eraseState(heldKey(config_.id, id));
    const Poco::JSON::Object::Ptr actor =
        data->has("actor") && data->get("actor").type() == typeid(Poco::JSON::Object::Ptr) ? data->getObject("actor")
                                                                                            : nullptr;
    const std::string by = stringOr(actor, "kind");
    if (status == "closed") {
        stats_.increment(BotStats::ResolvedByBot);
    } else if (by == "bot") {
        stats_.increment(BotStats::HandedOff);
    } else if (by == "system") {
        stats_.increment(BotStats::TimedOut);
    }
    // Otherwise a person took it over (a supervisor assigned it): neither the bot's success nor its failure.
}

void ConversationWorker::onMessageCreated(const EventDelivery& delivery, const Poco::JSON::Object::Ptr& data) {
    // Only what the client writes goes to the bot; its own replies come back here too.
    if (stringOr(data, "direction") != "in") return;
    if (data->has("spam") && data->optValue<bool>("spam", false)) return;  // matched the spam words: not a question
    const std::int64_t id = intOr(data, "interaction_id");
    if (id <= 0) return;
    // A message written before the interaction reached the bot arrives with conversation.started's history.
    if (!host_.loadState(heldKey(config_.id, id))) return;
    std::string current;
    if (statusOf(id, &current) != "bot") return;
    const std::string body =
        messageCreatedBody(config_.id, current, stringify(data), host_.messages(id, config_.historyLimit));
    callBot(id, "message.created", delivery.eventId, body);
}

std::string ConversationWorker::statusOf(std::int64_t interactionId, std::string* json) {
    const std::optional<std::string> found = host_.interaction(interactionId);
    if (!found) return "";
    if (json) *json = *found;
    return stringOr(parseObject(*found), "status");
}

void ConversationWorker::callBot(std::int64_t interactionId, const std::string& event, const std::string& deliveryId,
                                 const std::string& body) {
    std::vector<BotAction> actions;
    try {
        actions = parseBotAnswer(client_.post(event, deliveryId, body, loop_.stopping()));
    } catch (const BotCallError& e) {
        if (loop_.stopping()) throw std::runtime_error("the plugin is stopping");  // retried by whoever runs next
        handToPeople(interactionId, e.what());
        return;
    } catch (const BotAnswerError& e) {
        handToPeople(interactionId, std::string("its answer is not understood: ") + e.what());
        return;
    }
    perform(interactionId, actions);
}

void ConversationWorker::perform(std::int64_t interactionId, const std::vector<BotAction>& actions) {
    for (const BotAction& action : actions) {
        try {
            switch (action.kind) {
                case BotAction::Kind::Reply:
                    host_.replyAsBot(config_.id, interactionId, action.text);
                    break;
                case BotAction::Kind::HandOff: {
                    BotHost::HandOff h;
                    h.queue = action.handOff.queue;
                    h.priority = action.handOff.priority;
                    h.topics = action.handOff.topics;
                    h.reason = action.handOff.comment;
                    host_.handOffToPeople(config_.id, interactionId, h);
                    break;
                }
                case BotAction::Kind::Close:
                    host_.closeAsBot(config_.id, interactionId, action.resolution);
                    break;
            }
        } catch (const ApiError& e) {
            if (e.status() == 409 || e.status() == 404) {
                // Someone moved it meanwhile (the clock ran out, the bot's own REST call came first): the rest of
                // the answer is about a conversation the bot no longer has.
                host_.log(LogLevel::Info, "chatbot: interaction " + std::to_string(interactionId) +
                                              " is no longer with the bot; the rest of its answer is dropped: " +
                                              e.what());
                return;
            }
            if (e.status() >= 500) throw;  // the store: retried
            handToPeople(interactionId, std::string("its answer was refused: ") + e.what());
            return;
        }
    }
}

void ConversationWorker::handToPeople(std::int64_t interactionId, const std::string& why) {
    stats_.increment(BotStats::Failures);
    host_.log(LogLevel::Warning, "chatbot: the bot failed on interaction " + std::to_string(interactionId) + " (" +
                                     why + "); handing it to people");
    BotHost::HandOff h;
    h.reason = "the bot failed: " + why;
    try {
        host_.handOffToPeople(config_.id, interactionId, h);
    } catch (const ApiError& e) {
        if (e.status() != 409 && e.status() != 404) throw;  // 409: someone else already moved it, as wanted
    }
}

}  // namespace omnigate::chatbot
