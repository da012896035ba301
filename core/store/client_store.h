// The SQL of client cards: search, edits, addresses, merges and moving an interaction to another client. Like
// InteractionStore, every writing method runs inside the caller's transaction (a WriteBatcher job), locks what it
// read before changing it, and adds its outbox events itself, so a change and its announcement never part.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/actor.h"
#include "model/client.h"
#include "model/interaction.h"

namespace omnigate {

// What a PATCH asks for; absent fields stay as they are. A card key mapped to nullopt is deleted.
struct ClientChanges {
    std::optional<std::string> name;
    std::map<std::string, std::optional<std::string>> card;
    std::optional<std::vector<std::string>> flags;
};

struct MergeResult {
    Client survivor;
    std::int64_t movedInteractions = 0;
    std::int64_t movedAddresses = 0;
    std::int64_t movedMessages = 0;
};

class ClientStore {
public:
    explicit ClientStore(DbSession& session) : session_(session) {}

    // The card with its addresses; `forUpdate` locks the client's row until the transaction ends.
    std::optional<Client> load(std::int64_t id, bool forUpdate = false);

    // Clients that are not aliases, newest first, with an id below `beforeId`: by a substring of the name
    // (case-insensitive) or by an address equal to `query` once normalised. An empty query lists them all.
    std::vector<Client> search(const std::string& query, std::int64_t beforeId, std::size_t limit);

    // The client's interactions, newest first, with an id below `beforeId`.
    std::vector<Interaction> interactionsOf(std::int64_t clientId, std::int64_t beforeId, std::size_t limit);

    // The client that owns exactly this (already normalised) address; 0 when nobody does.
    std::int64_t findAddressOwner(const Address& address);
    // The client reached at `address`, or a new one (with its further contacts) and a client.created event: how an
    // inbound message's sender becomes a client.
    std::int64_t resolve(const Address& address, const std::string& name, const std::vector<Address>& contacts);
    // Empty when there is no such client; 0 for a client in its own right; else the client it was merged into.
    std::optional<std::int64_t> aliasOf(std::int64_t clientId);
    // The client's oldest address of `kind`.
    std::optional<Address> firstAddressOfKind(std::int64_t clientId, const std::string& kind);

    // `addresses` are normalised and non-empty. 409 naming the owner when one already belongs to another client.
    // Adds a client.created event.
    Client create(const std::string& name, const std::vector<Address>& addresses,
                  const std::map<std::string, std::string>& card, const std::vector<std::string>& flags);

    // 404 unknown, 409 alias, 409 version_conflict when `expectedVersion` is stale. Nothing to change: the client
    // as it is (no new version, no event). Otherwise bumps the version and adds client.updated.
    Client update(std::int64_t id, int expectedVersion, const ClientChanges& changes, const Actor& actor);

    // `added` is false when the client already had the address (nothing written). 409 naming the owner when it
    // belongs to another client.
    Client addAddress(std::int64_t id, const Address& address, const Actor& actor, bool& added);
    // 404 unknown client or address of it, 409 when it is the last one (a client must stay reachable).
    Client removeAddress(std::int64_t id, std::int64_t addressId, const Actor& actor);

    // Merges `fromId` into `intoId` (see the clients API): 404 unknown, 409 self-merge or alias on either side.
    MergeResult merge(std::int64_t intoId, std::int64_t fromId, const Actor& actor);

    // Moves the interaction and its messages to `clientId`: 404 unknown interaction or client, 409 when the client
    // is an alias or `expectedVersion` is stale. Adds interaction.updated (changes ["client_id"]).
    Interaction linkInteraction(std::int64_t interactionId, std::int64_t clientId, std::optional<int> expectedVersion,
                                const Actor& actor);

private:
    std::vector<ClientAddress> addressesOf(std::int64_t clientId);
    void bumpVersion(std::int64_t id, const std::string& now);
    void appendUpdated(const Client& client, const std::vector<std::string>& changes, const Actor& actor);

    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const Client& client);

// The columns as ClientStore keeps them, for whoever else reads them (routing's facts): clients.card is a JSON
// object of texts (a card edited by hand into something else reads as empty), clients.flags comma-separated.
std::map<std::string, std::string> cardFromJson(const std::string& text);
std::vector<std::string> flagsFromColumn(const std::string& text);

}  // namespace omnigate
