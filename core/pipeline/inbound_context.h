// What the inbound stages know about one message as it passes through them. Each stage reads what the earlier
// ones decided and adds its own decision; the persist stage writes the outcome.
#pragma once

#include <chrono>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/write_batcher.h"
#include "model/interaction.h"
#include "omnigate/sdk/messages.h"
#include "pipeline/catalog_cache.h"
#include "store/inbound_reader.h"

namespace omnigate {

struct InboundContext : WriteBatcher::PreludeItem {
    InboundContext(std::string channelType, const InboundMessage& inbound)
        : channel(std::move(channelType)), message(inbound), receivedAt(std::chrono::system_clock::now()) {}

    const std::string channel;
    const InboundMessage& message;  // addresses already normalised
    const std::chrono::system_clock::time_point receivedAt;
    // The black list, spam words and templates, taken before the writer job starts: a reload never happens
    // inside a writer lane's open transaction.
    std::shared_ptr<const Catalog> catalog;

    // lookup: what the next stages need, read at once (for a whole batch by InboundBatchLookup, or by LookupStage)
    std::optional<InboundLookup> lookup;
    std::optional<StoredMessage> duplicateOf;  // de-duplication: this external id was stored before
    bool blocked = false;                      // black list: the sender is on it
    bool spam = false;                         // spam words: the text matched one
    std::int64_t clientId = 0;                 // client identification
    std::optional<Interaction> interaction;    // threading: the interaction the message joins
    bool newInteraction = false;
    std::optional<int> ratingReply;            // threading: a digit answering a rating request
    std::vector<std::string> autoReplyTexts;   // auto-reply: what to answer, variables filled in
    StoredMessage stored;                      // persist: the message as written
    std::vector<StoredMessage> autoReplies;    // persist: the answers, to be handed to the channel after commit
};

// One step of the inbound pipeline. Stages run inside the writer's transaction, in a fixed order, and may stop
// the pipeline (a duplicate needs nothing more).
class InboundStage {
public:
    virtual ~InboundStage() = default;
    virtual const char* name() const = 0;
    // False stops the pipeline after this stage.
    virtual bool run(InboundContext& context, class DbSession& session) = 0;
};

}  // namespace omnigate
