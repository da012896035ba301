// The SQL of interactions: the conversations, their lifecycle, topics and ratings. Every method runs inside the
// caller's transaction (usually a WriteBatcher job) and adds the matching outbox event itself, so data and event
// can never be written apart. Messages, clients and the inbound lookup have stores of their own beside it.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/actor.h"
#include "model/interaction.h"
#include "model/status_change.h"
#include "omnigate/sdk/messages.h"

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

class InteractionStore {
public:
    explicit InteractionStore(DbSession& session) : session_(session) {}

    // The client's open (not closed) interaction on this account, address and thread, and the latest closed one.
    // The address is part of the key: after a merge one client may write from two web chat visitors, and each
    // conversation must keep answering the address it came from.
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

    std::optional<Interaction> findLatestClosedOfClient(std::int64_t clientId, const std::string& channel,
                                                        const std::string& account);

    // Records a 1-5 rating of a closed interaction and adds a rating.created event: 400 out of range, 409 when the
    // interaction is not closed or already rated.
    Interaction rate(std::int64_t id, int rating, const std::string& comment, const Actor& actor);

    // Adds an interaction.updated event carrying the interaction and the names of the fields that changed.
    void appendUpdated(const Interaction& interaction, const std::vector<std::string>& changes, const Actor& actor);

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
    // The address kind of the client's latest interaction on `channel` (empty when none): how it reaches them.
    std::string addressKindUsedOn(std::int64_t clientId, const std::string& channel);

private:
    std::optional<Interaction> findLatest(std::int64_t clientId, const std::string& channel, const std::string& account,
                                          const Address& address, const std::string& threadKey, bool closed);

    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const Interaction& interaction);
Poco::JSON::Object::Ptr toJson(const StatusChange& change);

}  // namespace omnigate
