// What a transaction's owner hears once it committed: the events it wrote, in order. The WriteBatcher and the
// TransactionRunner each hold one hook, handed to them by whoever wires the daemon, so that everything that must
// follow a commit (the outbox relay publishing at once, routing waking up, channels hearing of their interactions)
// is one call with typed events rather than a registry to look up and a payload to parse again.
// The hook runs on the committing thread: it must only hand the events on (to a queue), never write or block.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace omnigate {

struct CommittedEvent {
    std::int64_t outboxId = 0;  // the outbox row's id, once the event is written
    std::string eventId;
    std::string topic;
    std::string type;
    std::string payload;  // the whole event as it is published
    std::string createdAt;
    Poco::JSON::Object::Ptr data;  // the payload's "data" as it was written, to read without parsing the payload
    // A copy of an interaction's event for the operator holding (or offered) it, on omnigate/v1/operators/<id>/events:
    // published like any event, but it is the same event (same id and payload), so nothing else acts on it again.
    bool operatorCopy = false;
};

using PostCommitHook = std::function<void(const std::vector<CommittedEvent>& events)>;

}  // namespace omnigate
