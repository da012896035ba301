// What the daemon offers a channel plugin besides what every plugin has: the way in for what clients send (stored
// durably before the provider is answered), delivery news, the conversation's history, and the web-facing pieces a
// channel serves to its clients (WebSockets, flood limits).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "omnigate/sdk/messages.h"
#include "omnigate/sdk/plugin_host.h"
#include "omnigate/sdk/websocket.h"

namespace omnigate {

class ChannelHost : public virtual PluginHost {
public:
    // Stores an inbound message durably (client, interaction, message and its event in one transaction) and
    // returns once it is committed: only then may a provider's webhook be answered 2xx.
    virtual SubmitResult submitInbound(const InboundMessage& message) = 0;

    // The conversation of one client on one account, oldest first, at most `limit` messages.
    virtual std::vector<StoredMessage> history(const std::string& account, const Address& client,
                                               std::size_t limit) = 0;

    // A provider's delivery report for a message this plugin sent.
    virtual void updateDeliveryStatus(const StatusUpdate& update) = 0;

    // The client edited or deleted an inbound message, or its media arrived: the stored message changes and
    // message.updated is published. False when no such inbound message is stored (nothing changes).
    virtual bool amendInbound(const InboundAmendment& amendment) = 0;

    // The client with this address (after merges), or nothing.
    virtual std::optional<std::int64_t> clientIdByAddress(const Address& address) = 0;

    // Where to ring an operator: the SIP address of the workplace (desk phone) they signed in at, empty when they
    // signed in at none or it has no phone. A voice channel prefers it to a fixed per-operator address.
    virtual std::string operatorPhone(const std::string& operatorId) = 0;

    // Closes an open interaction for the channel (a caller hung up while queued: resolution "abandoned"), from
    // whatever open status it is in. ApiError 404 unknown, 409 already closed.
    virtual void closeInteraction(std::int64_t interactionId, const std::string& resolution,
                                  const std::string& reason) = 0;

    // Adds a message by the system to an interaction (a call's recording, a note of what happened on the line),
    // with its message.created event. ApiError 404 for an unknown interaction.
    virtual StoredMessage addSystemMessage(std::int64_t interactionId, const std::string& text,
                                           const std::vector<Attachment>& attachments) = 0;

    // The client's 1-5 rating of an interaction of theirs on this account (0: their latest closed one).
    // Throws ApiError 404 (no such interaction of this client), 409 (not closed, or already rated), 400 (range).
    virtual void rateInteraction(const std::string& account, const Address& client, std::int64_t interactionId,
                                 int rating, const std::string& comment) = 0;

    // Matched like addRoute's patterns.
    virtual void addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler) = 0;

    // The daemon's limits against floods (http.rate_limits), a token bucket per key: spends one token of `limit`
    // for `key` and answers zero, or answers how long until the key has one again (and spends nothing); a route
    // then throws ApiError::rateLimited with that wait, which the client gets as 429 and Retry-After.
    enum class RateLimit {
        WebchatSessions,  // new web chat sessions, keyed by the client's IP address (HttpRequest::clientIp)
        WebchatMessages,  // messages, keyed by the visitor
    };
    virtual std::chrono::seconds throttle(RateLimit limit, const std::string& key) = 0;
};

}  // namespace omnigate
