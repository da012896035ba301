// What operators and integrations do to interactions besides answering: move them through the lifecycle, classify
// them, rate them for the client, start one towards a client, move one to another channel. Each request is one
// writer job (data and events commit together); channel plugins hear about it only after the commit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "interactions/message_service.h"
#include "model/interaction.h"
#include "model/status_change.h"
#include "store/interaction_store.h"

namespace omnigate {

// An interaction an operator starts towards a client [исходящее обращение].
struct OutboundDraft {
    std::int64_t clientId = 0;
    std::string channel;
    std::string account;
    std::optional<Address> address;  // default: the client's first address of the kind the channel uses
    std::string subject;
    std::string text;
    // What the channel needs besides the text: its prepareOutbound sees them (a WhatsApp template, say).
    std::string templateName;
    std::string templateLanguage;
    std::vector<std::string> templateParameters;
};

struct OutboundResult {
    Interaction interaction;
    StoredMessage message;
};

struct InteractionPage {
    std::vector<Interaction> interactions;
    std::int64_t continueBefore = 0;  // 0: this was the last page
};

struct InteractionDetails {
    Interaction interaction;
    std::vector<StoredMessage> messages;
    std::vector<StatusChange> statusHistory;
};

// Routing's say in status changes: `check` runs inside the change's transaction and may refuse it (a queue that
// wants a resolution); `changed` runs after the commit (an operator's wrap-up, freed capacity).
struct StatusHooks {
    std::function<void(const Interaction& current, InteractionStatus to, const std::string& resolution,
                       const Actor& actor)>
        check;
    std::function<void(const Interaction& before, const Interaction& after)> changed;
};

class InteractionService {
public:
    InteractionService(const DaemonConfig& config, WriteBatcher& writer, ConnectionPool& pool, MessageService& messages,
                       MessageService::ChannelLookup channels);

    // Through the lifecycle table (409 naming the allowed statuses; 409 on a stale version). Closing asks the
    // client for a rating: the channel asks itself, or a rating request message is sent. The channel plugin is
    // told after the commit.
    Interaction changeStatus(std::int64_t id, InteractionStatus to, const Actor& actor, const std::string& reason,
                             const std::string& resolution, const std::string& postponedUntil,
                             std::optional<int> expectedVersion);

    // Replaces the interaction's topics; 400 naming topic ids that do not exist.
    Interaction classify(std::int64_t id, std::vector<std::int64_t> topicIds, const Actor& actor,
                         std::optional<int> expectedVersion);

    // Creates the interaction (assigned) with its first message and sends it.
    OutboundResult createOutbound(const OutboundDraft& draft, const Actor& actor);

    // Later replies go out through the new channel account to the new address, which must be the client's own.
    Interaction switchChannel(std::int64_t id, const std::string& channel, const std::string& account,
                              const Address& address, const Actor& actor, std::optional<int> expectedVersion);

    // A rating given on the client's behalf (told on the phone, say).
    Interaction rate(std::int64_t id, int rating, const std::string& comment, const Actor& actor);

    void setStatusHooks(StatusHooks hooks) { hooks_ = std::move(hooks); }

    InteractionPage list(InteractionFilter filter, std::size_t limit);
    InteractionDetails get(std::int64_t id);

private:
    // 400 naming the loaded channels when `channel` has no plugin; 404 when the account is not configured.
    ChannelPlugin* requireChannel(const std::string& channel, const std::string& account) const;

    const DaemonConfig& config_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
    MessageService& messages_;
    MessageService::ChannelLookup channels_;
    StatusHooks hooks_;
};

}  // namespace omnigate
