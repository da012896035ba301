// The SQL of clients, interactions and messages. Every method runs inside the caller's transaction (usually a
// WriteBatcher job) and adds the matching outbox event itself, so data and event can never be written apart.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

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

class InteractionStore {
public:
    explicit InteractionStore(DbSession& session) : session_(session) {}

    std::optional<StoredMessage> findMessageByExternalId(const std::string& channel, const std::string& account,
                                                         Direction direction, const std::string& externalId);
    std::optional<StoredMessage> findMessage(std::int64_t id);

    // The client reached at `address`, or a new one (with its further contacts) and a client.created event.
    std::int64_t resolveClient(const Address& address, const std::string& name, const std::vector<Address>& contacts);

    // The client's open interaction on this account and thread, or a new one with an interaction.created event.
    std::int64_t resolveInteraction(const std::string& channel, const std::string& account, std::int64_t clientId,
                                    const Address& address, const std::string& threadKey);
    std::optional<InteractionRecord> findInteraction(std::int64_t id);

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
DeliveryStatus parseDeliveryStatus(const std::string& text);

}  // namespace omnigate
