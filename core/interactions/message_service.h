// What happens to messages: an inbound one goes through the pipeline's stages (core/pipeline/) in one
// group-committed transaction and becomes a client, an interaction and a message with their events; an operator's
// reply goes out through its channel plugin; delivery reports and a client's edits are applied to what was stored.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "interactions/task_queue.h"
#include "metrics/metrics.h"
#include "omnigate/sdk/plugin.h"
#include "pipeline/inbound_batch_lookup.h"
#include "pipeline/inbound_pipeline.h"

namespace omnigate {

class MessageService {
public:
    // Finds the channel plugin for a channel type; null when none is loaded.
    using ChannelLookup = std::function<ChannelPlugin*(const std::string& channel)>;

    MessageService(WriteBatcher& writer, ConnectionPool& pool, Metrics& metrics, InboundPipeline& pipeline,
                   ChannelLookup channels);

    // Durable when it returns. Throws ApiError (400 for an incomplete message, 503 when the store is down).
    SubmitResult submitInbound(const std::string& channel, const InboundMessage& message);

    std::vector<StoredMessage> history(const std::string& channel, const std::string& account, const Address& client,
                                       std::size_t limit);

    void updateDeliveryStatus(const std::string& channel, const StatusUpdate& update);

    // A provider's later word on an inbound message (edited, deleted, media arrived). False when unknown.
    bool amendInbound(const std::string& channel, const InboundAmendment& amendment);

    // The client reached at this address (normalised like inbound senders, merges followed), or nothing.
    std::optional<std::int64_t> clientIdByAddress(const Address& address);

    // A message by the system on an interaction (a call's recording); 404 for an unknown interaction.
    StoredMessage addSystemMessage(std::int64_t interactionId, const std::string& text,
                                   std::vector<Attachment> attachments);

    // Stores the operator's message, hands it to the channel, records the outcome. Throws ApiError 404 for an
    // unknown interaction; a channel's refusal is not an exception but a message with status failed.
    // `attachments` name stored files (FileStore), already checked by the caller.
    StoredMessage reply(std::int64_t interactionId, const std::string& text, AuthorKind author = AuthorKind::Operator,
                        std::vector<Attachment> attachments = {});
    // An operator's reply with the channel's extras (a public or private answer, a template): the channel's
    // prepareOutbound may refuse it (nothing stored) or render its text first.
    StoredMessage reply(std::int64_t interactionId, OutboundMessage draft);

    std::vector<StoredMessage> messagesOf(std::int64_t interactionId, std::size_t limit);

    // A client rates one of their interactions on this channel account (0: their latest closed one).
    void rateByClient(const std::string& channel, const std::string& account, const Address& client,
                      std::int64_t interactionId, int rating, const std::string& comment);

    // Hands a stored outbound message to its channel plugin and records the outcome (status, provider id or
    // error) with its message.status event. A plugin's refusal or exception becomes status failed.
    StoredMessage deliver(StoredMessage stored, const Address& to, const std::string& subject);
    // The same with the extras prepareOutbound saw (visibility, template), kept for send().
    StoredMessage deliver(StoredMessage stored, OutboundMessage out);

    // Lets the channel refuse or render an outbound message before it is stored (ChannelPlugin::prepareOutbound).
    // Its ApiError passes through; anything else it throws is logged and answered 502, never let loose.
    static void prepareOutbound(ChannelPlugin& plugin, const std::string& channel, OutboundMessage& draft);

    // Waits until the auto-replies already accepted have been handed to their channels (at shutdown, before the
    // plugins stop).
    void finishDeliveries() { background_.drain(); }

private:
    WriteBatcher& writer_;
    ConnectionPool& pool_;
    Metrics& metrics_;
    InboundPipeline& pipeline_;
    InboundBatchLookup batchLookup_;
    ChannelLookup channels_;
    TaskQueue background_;  // last member: destroyed first, finishing its sends while the rest still exists
};

}  // namespace omnigate
