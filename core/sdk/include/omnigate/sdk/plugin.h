// The plugin contract (see abi.h for how a library exports one). Like Asterisk's load(), a plugin says whether it
// loaded, declined (nothing configured for it: logged, the daemon runs on) or failed (start-up aborts with its
// message). Nothing a plugin throws escapes into the daemon: the host catches and logs it. Each kind of plugin is
// handed the host role its kind needs in load(): a channel a ChannelHost, an integration an IntegrationHost, a bot a
// BotHost; all of them share what every plugin has (PluginHost).
#pragma once

#include <string>

#include "omnigate/sdk/abi.h"
#include "omnigate/sdk/bot_host.h"
#include "omnigate/sdk/channel_host.h"
#include "omnigate/sdk/integration_host.h"
#include "omnigate/sdk/messages.h"

namespace omnigate {

// Which of the classes below a plugin derives from, and so which host role its load() is handed.
enum class PluginKind { Channel, Integration, Bot };

struct LoadResult {
    enum class Code { Success, Decline, Failure };
    Code code = Code::Success;
    std::string message;

    static LoadResult success() { return {Code::Success, {}}; }
    static LoadResult decline(std::string why) { return {Code::Decline, std::move(why)}; }
    static LoadResult failure(std::string why) { return {Code::Failure, std::move(why)}; }
};

class Plugin {
public:
    virtual ~Plugin() = default;
    // The type name used in the config ("webchat"); must match the library's file name, omnigate_<name>.so.
    virtual std::string name() const = 0;
    virtual PluginKind kind() const = 0;
    // After every plugin loaded and the servers listen; before the daemon's shutdown closes them.
    virtual void start() {}
    virtual void stop() {}
};

class ChannelPlugin : public Plugin {
public:
    PluginKind kind() const override { return PluginKind::Channel; }
    // Validate the accounts' settings (throwing ConfigError is fine), register routes. The host stays valid
    // until after stop().
    virtual LoadResult load(ChannelHost& host) = 0;
    // Delivers an operator's message to the client. Failed with the provider's code and text when refused.
    virtual SendResult send(const OutboundMessage& message) = 0;

    // Called before an operator's (or an outbound interaction's) message is stored: throw ApiError to refuse it
    // with nothing stored (409 "outside the 24-hour window, use a template"; 400 for an unknown template), or fill
    // in `text` (a template's body with its parameters) so the stored message shows what the client reads.
    // Default: accepts free text and refuses templates and visibility the channel does not know.
    virtual void prepareOutbound(OutboundMessage& message);

    // Called after an interaction of this channel changed status. Default: nothing.
    virtual void onInteractionUpdate(const InteractionUpdate&) {}

    // True when the channel asks for ratings itself (web chat shows a form and posts to its rating endpoint);
    // otherwise the core sends a rating request message whose digit reply becomes the rating.
    virtual bool asksForRatingItself() const { return false; }

    // False for a channel that cannot carry a rating request at all (a phone line): its clients are not asked.
    virtual bool canAskForRating() const { return true; }
};

// Receives every committed event it subscribes to through the host's durable queues (a CRM's webhooks).
class IntegrationPlugin : public Plugin {
public:
    PluginKind kind() const override { return PluginKind::Integration; }
    // As ChannelPlugin::load.
    virtual LoadResult load(IntegrationHost& host) = 0;
};

// An integration that also acts for the bots of bot-first queues: answers, hands over to people, closes.
class BotPlugin : public Plugin {
public:
    PluginKind kind() const override { return PluginKind::Bot; }
    // As ChannelPlugin::load.
    virtual LoadResult load(BotHost& host) = 0;
};

}  // namespace omnigate
