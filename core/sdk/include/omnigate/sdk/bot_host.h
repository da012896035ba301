// What the daemon offers a bot plugin: an integration (it learns of interactions through its event deliveries) that
// also acts for the bot of a bot-first queue. `bot` is one of the plugin's entries (accounts()); the interaction
// must be in status bot and held by that entry (holdForBot), else ApiError 409 not_held_by_bot; 404 when there is
// none; 400 when `bot` is not an entry of this plugin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "omnigate/sdk/integration_host.h"
#include "omnigate/sdk/messages.h"

namespace omnigate {

class BotHost : public virtual IntegrationHost {
public:
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
