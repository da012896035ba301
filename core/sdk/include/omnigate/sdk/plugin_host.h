// What the daemon offers every plugin, whatever its kind: the door from a plugin into the daemon, narrowed further
// by the role its kind is handed (ChannelHost, IntegrationHost, BotHost). The host object outlives the plugin's
// stop(); every call is thread-safe. Calls that touch the store throw ApiError (503) when it is down.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "omnigate/sdk/config_node.h"
#include "omnigate/sdk/http.h"
#include "omnigate/sdk/messages.h"
#include "omnigate/sdk/route_access.h"

namespace omnigate {

enum class LogLevel { Debug, Info, Warning, Error };

// One configured entry of a plugin's type: `channels: [{type: webchat, id: demo, settings: {...}}]`.
struct AccountConfig {
    std::string id;
    ConfigNode settings;  // the plugin validates it; errors carry their position in the file
};

using TimerId = std::uint64_t;

class PluginHost {
public:
    virtual ~PluginHost() = default;

    virtual void log(LogLevel level, const std::string& message) = 0;

    // Channel plugins: every account of this channel type. Integrations: the entries of their type.
    virtual const std::vector<AccountConfig>& accounts() const = 0;

    // Routes are matched exactly, with {name} segments captured into HttpRequest::pathParams.
    // A route whose handler checks its own credentials: a provider's signature, a visitor's or a bot's token, the
    // admin token (isAdmin). The core refuses users' and API tokens on it before the handler runs.
    virtual void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) = 0;
    // A route the core guards like its own: the handler runs only for a caller holding `access` (a signed-in user
    // by their roles, an API token granted the permission, the admin token), and changes through it are in the
    // audit log. What people use in the console (templates, recordings, CRM subscriptions) goes here.
    virtual void addGuardedRoute(const std::string& method, const std::string& pattern, RouteAccess access,
                                 HttpHandler handler) = 0;
    // True when the request carries the daemon's admin bearer token (compared in constant time).
    virtual bool isAdmin(const HttpRequest& request) const = 0;

    // Runs `task` every `interval` on the host's timer thread until cancelled. Keep it short.
    virtual TimerId addTimer(std::chrono::milliseconds interval, std::function<void()> task) = 0;
    virtual void cancelTimer(TimerId id) = 0;

    // --- The file store: media and attachments (a WhatsApp photo, a mail's PDF), by id

    // Keeps the bytes and returns what a message's attachment names (fileId, name, mimeType, size); durable when it
    // returns. ApiError 413 over the configured size limit, 400 for an empty file, 503 when the disk or the
    // antivirus fails. A file the antivirus finds infected is kept in quarantine, never served: its `quarantine`
    // says what was found; put the attachment in the message all the same, which then says so.
    virtual Attachment storeFile(const std::string& bytes, const std::string& mimeType, const std::string& name) = 0;
    // The bytes of a stored file (an operator's attachment to send); nothing for an unknown id, a deleted file or
    // one in quarantine (the antivirus found something in it).
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

    // Shown on /readyz under the plugin's name and `component`; not ready makes the daemon not ready.
    virtual void setReadiness(const std::string& component, bool ready, const std::string& reason) = 0;
    // A gauge on /metrics, named omnigate_<plugin>_<name>.
    virtual void setGauge(const std::string& name, const std::string& help, double value) = 0;

    // --- Events and what the REST API shows

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
};

}  // namespace omnigate
