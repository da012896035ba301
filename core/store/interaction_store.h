// The SQL of clients, interactions and messages. Every method runs inside the caller's transaction (usually a
// WriteBatcher job) and adds the matching outbox event itself, so data and event can never be written apart.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "model/interaction.h"
#include "model/status_change.h"
#include "omnigate/sdk/messages.h"
#include "store/db_session.h"

namespace omnigate {

struct InteractionRecord {
    std::int64_t id = 0;
    std::string channel;
    std::string account;
    std::int64_t clientId = 0;
    Address address;
    std::string status;
};

// Who made a change: kept in the status history and in events.
struct Actor {
    std::string kind = "system";  // client, operator, admin, system, bot
    std::string id;
};

class InteractionStore {
public:
    explicit InteractionStore(DbSession& session) : session_(session) {}

    std::optional<StoredMessage> findMessageByExternalId(const std::string& channel, const std::string& account,
                                                         Direction direction, const std::string& externalId);
    std::optional<StoredMessage> findMessage(std::int64_t id);

    // The client reached at `address`, or a new one (with its further contacts) and a client.created event.
    std::int64_t resolveClient(const Address& address, const std::string& name, const std::vector<Address>& contacts);

    // The client's open (not closed) interaction on this account and thread, and the latest closed one.
    std::optional<Interaction> findOpen(std::int64_t clientId, const std::string& channel, const std::string& account,
                                        const std::string& threadKey);
    std::optional<Interaction> findLatestClosed(std::int64_t clientId, const std::string& channel,
                                                const std::string& account, const std::string& threadKey);

    // Inserts `draft` (its id and times are filled in), its first status in the history and an
    // interaction.created event.
    Interaction create(Interaction draft, const Actor& actor);
    std::optional<InteractionRecord> findInteraction(std::int64_t id);

    // The whole interaction, topics included; `forUpdate` locks the row until the transaction ends.
    std::optional<Interaction> load(std::int64_t id, bool forUpdate = false);
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

    // Applies a delivery report; message.status event. Empty when no such message exists.
    std::optional<StoredMessage> updateStatus(std::int64_t messageId, DeliveryStatus status,
                                              const std::string& externalId, const std::string& errorCode,
                                              const std::string& errorText);

    std::vector<StoredMessage> history(const std::string& channel, const std::string& account, const Address& client,
                                       std::size_t limit);
    std::vector<StoredMessage> messagesOf(std::int64_t interactionId, std::size_t limit);

private:
    std::vector<StoredMessage> readMessages(sql::PreparedStatement& query);

    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const StoredMessage& message);
Poco::JSON::Object::Ptr toJson(const Interaction& interaction);
Poco::JSON::Object::Ptr toJson(const StatusChange& change);
DeliveryStatus parseDeliveryStatus(const std::string& text);

}  // namespace omnigate
