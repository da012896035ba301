// What the inbound pipeline's first stages need to know about a message before anything is written: whether it
// was stored already, which client its sender is, and which conversation it continues. Reads only, across
// messages, client addresses and interactions, in as few round trips as a writer lane can afford.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/interaction.h"
#include "omnigate/sdk/messages.h"

namespace omnigate {

// Binary collations compare strings as MariaDB's PAD SPACE rules do: trailing spaces do not count. Code that tells
// keys apart in memory the way the database will must drop them too.
std::string withoutTrailingSpaces(const std::string& s);

// The stored message with the inbound message's external id (0: none), the client at its sender's address (0:
// none), and that client's latest open (not closed) interaction on the account for this address and thread key.
// The address is part of the key: after a merge one client may write from two web chat visitors, and each
// conversation must keep answering the address it came from.
struct InboundLookup {
    std::int64_t duplicateId = 0;
    std::int64_t clientId = 0;
    std::optional<Interaction> open;
};

struct InboundKey {
    std::string channel;
    std::string account;
    std::string externalId;
    Address from;
    std::string threadKey;
};

class InboundReader {
public:
    explicit InboundReader(DbSession& session) : session_(session) {}

    // One message's answers in one round trip.
    InboundLookup lookup(const std::string& channel, const std::string& account, const std::string& externalId,
                         const Address& from, const std::string& threadKey);
    // The same for several messages in two statements, whatever their number: what a batch of inbound messages
    // needs (core/pipeline/inbound_batch_lookup.h). The keys must differ in their addresses and external ids.
    // Nothing when a row that came back matches no key as C++ compares strings (MariaDB's collations found it
    // equal to one): the caller then looks each message up alone.
    std::optional<std::vector<InboundLookup>> lookupMany(const std::vector<InboundKey>& keys);

private:
    DbSession& session_;
};

}  // namespace omnigate
