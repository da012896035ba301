// The first pipeline: how an inbound message becomes a client, an interaction and a message (with their events)
// in one group-committed transaction, and how an operator's reply goes out through its channel plugin.
// The issue "interactions and clients" grows this into the staged pipeline (de-duplication, black list, spam…).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/metrics.h"
#include "omnigate/sdk/plugin.h"
#include "store/connection_pool.h"
#include "store/write_batcher.h"

namespace omnigate {

class MessageService {
public:
    // Finds the channel plugin for a channel type; null when none is loaded.
    using ChannelLookup = std::function<ChannelPlugin*(const std::string& channel)>;

    MessageService(WriteBatcher& writer, ConnectionPool& pool, Metrics& metrics, ChannelLookup channels);

    // Durable when it returns. Throws ApiError (400 for an incomplete message, 503 when the store is down).
    SubmitResult submitInbound(const std::string& channel, const InboundMessage& message);

    std::vector<StoredMessage> history(const std::string& channel, const std::string& account, const Address& client,
                                       std::size_t limit);

    void updateDeliveryStatus(const std::string& channel, const StatusUpdate& update);

    // Stores the operator's message, hands it to the channel, records the outcome. Throws ApiError 404 for an
    // unknown interaction; a channel's refusal is not an exception but a message with status failed.
    StoredMessage reply(std::int64_t interactionId, const std::string& text);

    std::vector<StoredMessage> messagesOf(std::int64_t interactionId, std::size_t limit);

    // A client rates one of their interactions on this channel account (0: their latest closed one).
    void rateByClient(const std::string& channel, const std::string& account, const Address& client,
                      std::int64_t interactionId, int rating, const std::string& comment);

private:
    WriteBatcher& writer_;
    ConnectionPool& pool_;
    Metrics& metrics_;
    ChannelLookup channels_;
};

}  // namespace omnigate
