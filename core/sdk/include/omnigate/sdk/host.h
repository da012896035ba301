// What the daemon offers a plugin: the only door from a plugin into the daemon. The host object outlives the
// plugin's stop(); every call is thread-safe. Calls that touch the store throw ApiError (503) when it is down.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "omnigate/sdk/config_node.h"
#include "omnigate/sdk/http.h"
#include "omnigate/sdk/messages.h"
#include "omnigate/sdk/websocket.h"

namespace omnigate {

enum class LogLevel { Debug, Info, Warning, Error };

// One configured account of a channel type: `channels: [{type: webchat, id: demo, settings: {...}}]`.
struct AccountConfig {
    std::string id;
    ConfigNode settings;  // the plugin validates it; errors carry their position in the file
};

using TimerId = std::uint64_t;

class Host {
public:
    virtual ~Host() = default;

    virtual void log(LogLevel level, const std::string& message) = 0;

    // Channel plugins: every account of this channel type. Integrations: the single entry of their section.
    virtual const std::vector<AccountConfig>& accounts() const = 0;

    // Stores an inbound message durably (client, interaction, message and its event in one transaction) and
    // returns once it is committed: only then may a provider's webhook be answered 2xx.
    virtual SubmitResult submitInbound(const InboundMessage& message) = 0;

    // The conversation of one client on one account, oldest first, at most `limit` messages.
    virtual std::vector<StoredMessage> history(const std::string& account, const Address& client,
                                               std::size_t limit) = 0;

    // A provider's delivery report for a message this plugin sent.
    virtual void updateDeliveryStatus(const StatusUpdate& update) = 0;

    // The client's 1-5 rating of an interaction of theirs on this account (0: their latest closed one).
    // Throws ApiError 404 (no such interaction of this client), 409 (not closed, or already rated), 400 (range).
    virtual void rateInteraction(const std::string& account, const Address& client, std::int64_t interactionId,
                                 int rating, const std::string& comment) = 0;

    // Routes are matched exactly, with {name} segments captured into HttpRequest::pathParams.
    virtual void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) = 0;
    virtual void addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler) = 0;

    // Runs `task` every `interval` on the host's timer thread until cancelled. Keep it short.
    virtual TimerId addTimer(std::chrono::milliseconds interval, std::function<void()> task) = 0;
    virtual void cancelTimer(TimerId id) = 0;
};

}  // namespace omnigate
