// The SQL of messages: what a conversation said, who said it and how far it got. Every method runs inside the
// caller's transaction (usually a WriteBatcher job) and adds the matching outbox event itself, so data and event
// can never be written apart.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/actor.h"
#include "omnigate/sdk/messages.h"

namespace omnigate {

// How a message `actor` writes is stored: an API token's as author integration with the token's name, a bot's as
// bot with its integration, anything else through the admin token as an operator's (with the operator's id when
// the admin token acts as one).
struct MessageAuthor {
    AuthorKind kind = AuthorKind::Operator;
    std::string id;
};
MessageAuthor messageAuthorOf(const Actor& actor);

class MessageStore {
public:
    explicit MessageStore(DbSession& session) : session_(session) {}

    std::optional<StoredMessage> findByExternalId(const std::string& channel, const std::string& account,
                                                  Direction direction, const std::string& externalId);
    std::optional<StoredMessage> find(std::int64_t id);

    // Inserts the message and its message.created event.
    StoredMessage insert(StoredMessage message);

    // Applies a delivery report to message `messageId` of interaction `interactionId`; message.status event.
    void updateStatus(std::int64_t messageId, std::int64_t interactionId, DeliveryStatus status,
                      const std::string& externalId, const std::string& errorCode, const std::string& errorText);

    // The client edited or deleted it, or its media arrived; publishes message.updated.
    StoredMessage amend(StoredMessage message, const InboundAmendment& amendment);
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
