// What the daemon offers a plugin: the only door from a plugin into the daemon. The host object outlives the
// plugin's stop(); every call is thread-safe. Calls that touch the store throw ApiError (503) when it is down.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
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

// An event queued durably for one of an integration's sinks (Host::subscribeEvents): written in the same
// transaction as the change it describes, kept until the integration completes or dead-letters it.
struct EventDelivery {
    std::int64_t id = 0;    // the delivery: the same on every attempt
    std::string sink;
    std::string eventId;    // the event's own id, as on MQTT
    std::string type;       // "interaction.updated", …
    std::string topic;      // its MQTT topic; deliveries of one topic are handed out in order, one at a time
    std::string payload;    // the whole event, as published on MQTT
    int attempts = 0;       // failed attempts so far
    std::string createdAt;  // ISO 8601, UTC
    std::string lastError;  // of the last failed attempt
};

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

    // The client edited or deleted an inbound message, or its media arrived: the stored message changes and
    // message.updated is published. False when no such inbound message is stored (nothing changes).
    virtual bool amendInbound(const InboundAmendment& amendment) = 0;

    // The client with this address (after merges), or nothing.
    virtual std::optional<std::int64_t> clientIdByAddress(const Address& address) = 0;

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

    // Routes are matched exactly, with {name} segments captured into HttpRequest::pathParams.
    virtual void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) = 0;
    virtual void addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler) = 0;

    // Runs `task` every `interval` on the host's timer thread until cancelled. Keep it short.
    virtual TimerId addTimer(std::chrono::milliseconds interval, std::function<void()> task) = 0;
    virtual void cancelTimer(TimerId id) = 0;

    // --- Integrations: every committed event, durably

    // From now on every committed event whose type is in `types` is also queued for `sink` (a name of the
    // plugin's own, e.g. one per webhook subscription), in the same transaction as the event: nothing committed is
    // ever missed, even across a crash. Calling it again replaces the types; an empty list stops the queueing
    // (what is queued stays). Sinks are the plugin's: another plugin's sink of the same name is another sink.
    virtual void subscribeEvents(const std::string& sink, const std::vector<std::string>& types) = 0;
    // Up to `limit` deliveries of `sink` that are due, oldest first, each leased for `lease` (not handed out
    // again meanwhile, also not to another daemon). Of one topic only the oldest pending delivery is handed
    // out: the next waits until it is completed or dead-lettered, so a receiver sees each topic in order.
    virtual std::vector<EventDelivery> leaseDeliveries(const std::string& sink, std::size_t limit,
                                                       std::chrono::seconds lease) = 0;
    virtual void completeDelivery(std::int64_t id) = 0;  // delivered: forgotten
    // Failed for now: due again at `notBefore`; attempts counted, the error kept.
    virtual void retryDelivery(std::int64_t id, std::chrono::system_clock::time_point notBefore,
                               const std::string& error) = 0;
    // Failed for good: kept aside (it no longer holds up its topic) until redelivered.
    virtual void deadLetterDelivery(std::int64_t id, const std::string& error) = 0;
    virtual std::vector<EventDelivery> deadLetters(const std::string& sink, std::size_t limit) = 0;
    // Puts dead-lettered deliveries of `sink` back in line (`id` 0: all of them); returns how many.
    virtual std::size_t redeliver(const std::string& sink, std::int64_t id) = 0;
    // Pending deliveries of `sink` (for readiness and metrics).
    virtual std::size_t backlog(const std::string& sink) = 0;
    // Forgets every delivery of `sink`, pending or dead (a deleted webhook subscription); returns how many.
    virtual std::size_t purgeDeliveries(const std::string& sink) = 0;

    // --- The file store: media and attachments (a WhatsApp photo, a mail's PDF), by id

    // Keeps the bytes and returns what a message's attachment names (fileId, name, mimeType, size); durable when it
    // returns. ApiError 413 over the configured size limit, 400 for an empty file, 503 when the disk fails.
    virtual Attachment storeFile(const std::string& bytes, const std::string& mimeType, const std::string& name) = 0;
    // The bytes of a stored file (an operator's attachment to send); nothing for an unknown id.
    struct File {
        Attachment meta;
        std::string bytes;
    };
    virtual std::optional<File> readFile(const std::string& fileId) = 0;

    // --- A small durable key-value store of the plugin's own (what it lets administrators change over REST)

    virtual std::optional<std::string> loadState(const std::string& key) = 0;
    virtual void saveState(const std::string& key, const std::string& value) = 0;
    virtual void eraseState(const std::string& key) = 0;
    // Every key starting with `prefix`, in key order, with its value.
    virtual std::vector<std::pair<std::string, std::string>> listState(const std::string& prefix) = 0;

    // --- Operations

    // True when the request carries the daemon's admin bearer token (compared in constant time).
    virtual bool isAdmin(const HttpRequest& request) const = 0;
    // The daemon's limits against floods (http.rate_limits), a token bucket per key: spends one token of `limit`
    // for `key` and answers zero, or answers how long until the key has one again (and spends nothing); a route
    // then throws ApiError::rateLimited with that wait, which the client gets as 429 and Retry-After.
    enum class RateLimit {
        WebchatSessions,  // new web chat sessions, keyed by the client's IP address (HttpRequest::clientIp)
        WebchatMessages,  // messages, keyed by the visitor
    };
    virtual std::chrono::seconds throttle(RateLimit limit, const std::string& key) = 0;
    // Shown on /readyz under the plugin's name and `component`; not ready makes the daemon not ready.
    virtual void setReadiness(const std::string& component, bool ready, const std::string& reason) = 0;
    // A gauge on /metrics, named omnigate_<plugin>_<name>.
    virtual void setGauge(const std::string& name, const std::string& help, double value) = 0;

    // Publishes an event (the standard envelope around `dataJson`, a JSON object) on `topic`, which must start
    // with omnigate/v1/, through the outbox: durable when this returns, on MQTT soon after.
    virtual void publish(const std::string& topic, const std::string& type, const std::string& dataJson) = 0;
    // The interaction as the REST API shows it (JSON), or nothing when there is no such interaction.
    virtual std::optional<std::string> interaction(std::int64_t id) = 0;
    // The client as the REST API shows it (JSON, card and addresses included), or nothing when unknown.
    virtual std::optional<std::string> client(std::int64_t id) = 0;
    // Sets fields of the client's card (a CRM's answer for the single window); other fields stay. client.updated
    // is published when something changed. ApiError 404 for an unknown client.
    virtual void updateClientCard(std::int64_t clientId, const std::map<std::string, std::string>& fields) = 0;
    // The interaction's messages, oldest first, at most the last `limit`.
    virtual std::vector<StoredMessage> messages(std::int64_t interactionId, std::size_t limit) = 0;

    // --- A chatbot integration acts for the bot of a bot-first queue. `bot` is one of the plugin's entries
    // (accounts()); the interaction must be in status bot and held by that entry (holdForBot), else ApiError 409
    // not_held_by_bot; 404 when there is none; 400 when `bot` is not an entry of this plugin.

    // The bot of entry `bot` gets the interaction (before it is told of it): true when that entry now holds it,
    // false when the interaction is not in status bot or another entry holds it.
    virtual bool holdForBot(const std::string& bot, std::int64_t interactionId) = 0;
    // Sends the bot's answer to the client through the interaction's channel; the bot's clock stops until the
    // client writes again.
    virtual StoredMessage replyAsBot(const std::string& bot, std::int64_t interactionId, const std::string& text) = 0;
    // Gives it to people: queued in `queue` (empty: its own) with `priority` and `topics` when given.
    struct HandOff {
        std::string queue;
        std::optional<int> priority;
        std::vector<std::int64_t> topics;
        std::string reason;
    };
    virtual void handOffToPeople(const std::string& bot, std::int64_t interactionId, const HandOff& handOff) = 0;
    virtual void closeAsBot(const std::string& bot, std::int64_t interactionId, const std::string& resolution) = 0;
};

}  // namespace omnigate
