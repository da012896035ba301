// The SQL of clients, interactions and messages. Every method runs inside the caller's transaction (usually a
// WriteBatcher job) and adds the matching outbox event itself, so data and event can never be written apart.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/actor.h"
#include "model/interaction.h"
#include "model/status_change.h"
#include "omnigate/sdk/messages.h"
#include "store/db_session.h"

namespace omnigate {

// What the interaction list is narrowed by; an empty member narrows nothing.
struct InteractionFilter {
    std::vector<std::string> statuses;
    std::string channel;
    std::string account;
    std::string queue;
    std::string operatorId;
    std::int64_t clientId = 0;
    std::int64_t topicId = 0;
    std::string createdFrom;    // database times (UTC); both ends are included
    std::string createdTo;
    std::int64_t beforeId = 0;  // keyset pagination: only ids below this one
};

// How a message `actor` writes is stored: an API token's as author integration with the token's name, a bot's as
// bot with its integration, anything else through the admin token as an operator's (with the operator's id when
// the admin token acts as one).
struct MessageAuthor {
    AuthorKind kind = AuthorKind::Operator;
    std::string id;
};
MessageAuthor messageAuthorOf(const Actor& actor);

// Binary collations compare strings as MariaDB's PAD SPACE rules do: trailing spaces do not count. Code that tells
// keys apart in memory the way the database will must drop them too.
std::string withoutTrailingSpaces(const std::string& s);

class InteractionStore {
public:
    explicit InteractionStore(DbSession& session) : session_(session) {}

    std::optional<StoredMessage> findMessageByExternalId(const std::string& channel, const std::string& account,
                                                         Direction direction, const std::string& externalId);
    std::optional<StoredMessage> findMessage(std::int64_t id);

    // The client reached at `address`, or a new one (with its further contacts) and a client.created event.
    std::int64_t resolveClient(const Address& address, const std::string& name, const std::vector<Address>& contacts);

    // The client's open (not closed) interaction on this account, address and thread, and the latest closed one.
    // The address is part of the key: after a merge one client may write from two web chat visitors, and each
    // conversation must keep answering the address it came from.
    // What the inbound pipeline's first stages each need, in one round trip: the stored message with this
    // external id (0: none), the client at `from` (0: none), and that client's latest open interaction on the
    // account for this address and thread key.
    struct InboundLookup {
        std::int64_t duplicateId = 0;
        std::int64_t clientId = 0;
        std::optional<Interaction> open;
    };
    InboundLookup lookupInbound(const std::string& channel, const std::string& account, const std::string& externalId,
                                const Address& from, const std::string& threadKey);
    // The same for several messages in two statements, whatever their number: what a batch of inbound messages
    // needs (core/pipeline/inbound_batch_lookup.h). The keys must differ in their addresses and external ids.
    // Nothing when a row that came back matches no key as C++ compares strings (MariaDB's collations found it
    // equal to one): the caller then looks each message up alone.
    struct InboundKey {
        std::string channel;
        std::string account;
        std::string externalId;
        Address from;
        std::string threadKey;
    };
    std::optional<std::vector<InboundLookup>> lookupInboundMany(const std::vector<InboundKey>& keys);
    std::optional<Interaction> findOpen(std::int64_t clientId, const std::string& channel, const std::string& account,
                                        const Address& address, const std::string& threadKey);
    std::optional<Interaction> findLatestClosed(std::int64_t clientId, const std::string& channel,
                                                const std::string& account, const Address& address,
                                                const std::string& threadKey);

    // Inserts `draft` (its id and times are filled in), its first status in the history and an
    // interaction.created event.
    Interaction create(Interaction draft, const Actor& actor);

    // The whole interaction, topics included; `forUpdate` locks the row until the transaction ends.
    std::optional<Interaction> load(std::int64_t id, bool forUpdate = false);
    // Many at once (no locks), topics included: two round trips per 256 where load() takes two each.
    std::map<std::int64_t, Interaction> loadMany(const std::vector<std::int64_t>& ids);
    std::vector<StatusChange> statusHistory(std::int64_t interactionId);

    // Moves the interaction through the lifecycle table: 409 naming the allowed statuses when the change is
    // illegal, 409 when `expectedVersion` is given and stale. Records the history, bumps the version, and adds
    // an interaction.updated event. Returns the updated interaction.
    Interaction changeStatus(std::int64_t id, InteractionStatus to, const Actor& actor, const std::string& reason,
                             const std::string& resolution = "", const std::string& postponedUntil = "",
                             std::optional<int> expectedVersion = std::nullopt);

    // The client reached at `address` (0 when unknown).
    std::int64_t findClientByAddress(const Address& address);
    std::optional<Interaction> findLatestClosedOfClient(std::int64_t clientId, const std::string& channel,
                                                        const std::string& account);

    // Records a 1-5 rating of a closed interaction and adds a rating.created event: 400 out of range, 409 when the
    // interaction is not closed or already rated.
    Interaction rate(std::int64_t id, int rating, const std::string& comment, const Actor& actor);

    // Adds an interaction.updated event carrying the interaction and the names of the fields that changed.
    void appendUpdated(const Interaction& interaction, const std::vector<std::string>& changes, const Actor& actor);

    // Inserts the message and its message.created event.
    StoredMessage insertMessage(StoredMessage message);

    // Applies a delivery report to message `messageId` of interaction `interactionId`; message.status event.
    void updateStatus(std::int64_t messageId, std::int64_t interactionId, DeliveryStatus status,
                      const std::string& externalId, const std::string& errorCode, const std::string& errorText);

    // The client edited or deleted it, or its media arrived; publishes message.updated.
    StoredMessage amendMessage(StoredMessage message, const InboundAmendment& amendment);
    std::vector<StoredMessage> history(const std::string& channel, const std::string& account, const Address& client,
                                       std::size_t limit);
    std::vector<StoredMessage> messagesOf(std::int64_t interactionId, std::size_t limit);

    // --- For the interactions API. Methods that change a row expect the caller to hold its lock (load(id, true))
    // and to add the event; those that bump the version say so.

    // Newest first, at most `limit`, topics included. Every value is a bound parameter.
    std::vector<Interaction> list(const InteractionFilter& filter, std::size_t limit);
    // The ids among `topicIds` that name no topic.
    std::vector<std::int64_t> unknownTopics(const std::vector<std::int64_t>& topicIds);
    // Replaces the interaction's topics; bumps the version.
    void replaceTopics(std::int64_t id, const std::vector<std::int64_t>& topicIds);
    // Moves the conversation to another account and address; the old thread key meant something only to the old
    // channel, so it is cleared. Bumps the version.
    void moveToChannel(std::int64_t id, const std::string& channel, const std::string& account, const Address& address);
    // Records that the client was asked for a rating, so their digit reply can be taken as one.
    void markRatingRequested(std::int64_t id);
    // Records that the chatbot integration `bot` got the interaction: true when it is in status bot and no other
    // bot holds it (then, or already, `bot` does). Cleared by every move into status bot.
    bool holdForBot(std::int64_t id, const std::string& bot);
    // Stamps the first operator answer (for the response-time reports); later answers leave it alone.
    void markFirstResponse(std::int64_t id);
    // Empty when there is no such client; 0 for a client in its own right; else the client it was merged into.
    std::optional<std::int64_t> clientAliasOf(std::int64_t clientId);
    // The address kind of the client's latest interaction on `channel` (empty when none): how it reaches them.
    std::string addressKindUsedOn(std::int64_t clientId, const std::string& channel);
    // The client's oldest address of `kind`.
    std::optional<Address> firstAddressOfKind(std::int64_t clientId, const std::string& kind);

private:
    std::vector<StoredMessage> readMessages(sql::PreparedStatement& query);
    std::optional<Interaction> findLatest(std::int64_t clientId, const std::string& channel, const std::string& account,
                                          const Address& address, const std::string& threadKey, bool closed);

    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const StoredMessage& message);
Poco::JSON::Object::Ptr toJson(const Interaction& interaction);
Poco::JSON::Object::Ptr toJson(const StatusChange& change);
DeliveryStatus parseDeliveryStatus(const std::string& text);

}  // namespace omnigate
