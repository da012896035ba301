#include "interactions/channel_notifier.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>

#include "model/internal_error.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.pipeline"); }

std::string stringOf(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    if (!object || !object->has(field) || object->isNull(field)) return "";
    return object->getValue<std::string>(field);
}

}  // namespace

ChannelNotifier::ChannelNotifier(MessageService::ChannelLookup channels) : channels_(std::move(channels)) {}

void ChannelNotifier::onCommitted(const std::vector<CommittedEvent>& events) {
    for (const CommittedEvent& event : events) {
        if (event.type != "interaction.updated" || event.operatorCopy) continue;
        // The data is committed whatever happens here: a failure is logged, never handed to the writer.
        try {
            queue(event);
        } catch (const std::exception& e) {
            logger().error("the update of an interaction could not be queued for its channel: %s", withCause(e));
        }
    }
}

void ChannelNotifier::close() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
    }
    queue_.drain();
}

void ChannelNotifier::queue(const CommittedEvent& event) {
    // Read here, on the writer's thread, only to drop what no channel needs before it is queued.
    const Poco::JSON::Object::Ptr& data = event.data;
    if (!data) return;
    const Poco::JSON::Array::Ptr changes = data->getArray("changes");
    bool statusChanged = false;
    for (std::size_t i = 0; changes && i < changes->size(); ++i) {
        if (changes->getElement<std::string>(static_cast<unsigned>(i)) == "status") statusChanged = true;
    }
    if (!statusChanged) return;

    InteractionUpdate update;
    update.interactionId = data->getValue<std::int64_t>("id");
    update.account = stringOf(data, "account");
    const Poco::JSON::Object::Ptr address = data->getObject("address");
    update.client = Address{stringOf(address, "kind"), stringOf(address, "value")};
    update.status = stringOf(data, "status");
    update.operatorId = stringOf(data, "operator");
    update.resolution = stringOf(data, "resolution");
    // Only the close that asked for a rating carries it (spam and black-listed senders are never asked).
    update.ratingRequested = update.status == "closed" && !stringOf(data, "rating_requested_at").empty();
    const std::string channel = stringOf(data, "channel");
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    queue_.post([this, update, channel] { notify(update, channel); });
}

void ChannelNotifier::notify(const InteractionUpdate& update, const std::string& channel) {
    ChannelPlugin* plugin = channels_(channel);
    if (plugin == nullptr) return;
    InteractionUpdate told = update;
    try {
        // A channel that asks by a message of the core's (not itself) has nothing to show for the request.
        told.ratingRequested = update.ratingRequested && plugin->asksForRatingItself();
        plugin->onInteractionUpdate(told);
    } catch (const std::exception& e) {
        logger().error("the %s plugin failed on the update of interaction %Ld: %s", channel, update.interactionId,
                       withCause(e));
    } catch (...) {
        logger().error("the %s plugin failed on the update of interaction %Ld", channel, update.interactionId);
    }
}

}  // namespace omnigate
