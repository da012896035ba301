// Events leave the daemon through the outbox table: written in the same transaction as the data they describe,
// published by the OutboxRelay after commit. So an event exists exactly when its data does, and a broker outage
// only delays it.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "db/db_session.h"
#include "db/post_commit_hook.h"

namespace omnigate {

constexpr int kEventSchemaVersion = 1;

// {"id": uuid, "type": …, "time": ISO-8601, "schema_version": 1, "data": {…}}
std::string formatEvent(const std::string& eventId, const std::string& type, const std::string& time,
                        const Poco::JSON::Object::Ptr& data);

// Adds one event to the outbox inside the caller's transaction (into the session's OutboxBatch when it has one).
void appendEvent(DbSession& session, const std::string& topic, const std::string& type,
                 const Poco::JSON::Object::Ptr& data);

// The events of one transaction, written with a few multi-row INSERTs just before COMMIT instead of one INSERT
// (one round trip) per event. A job rolled back to its savepoint discards its own events too.
class OutboxBatch {
public:
    void add(CommittedEvent event) { events_.push_back(std::move(event)); }
    std::size_t mark() const { return events_.size(); }
    void discardFrom(std::size_t mark) { events_.resize(mark); }
    // Inserts every collected event, in order, with the deliveries integration sinks want of them
    // (core/db/event_sinks.h), and notes each event's outbox id. Each event of an interaction that an operator holds
    // or is offered once this transaction's changes are in gets a copy on that operator's events topic (an
    // operator's MQTT account may read only omnigate/v1/operators/<id>/#).
    void flush(DbSession& session);
    // What flush() wrote, with the ids: what the post-commit hook hears once COMMIT succeeded (the relay then
    // publishes them without reading them back).
    const std::vector<CommittedEvent>& events() const { return events_; }

private:
    void addOperatorCopies(DbSession& session);
    void queueDeliveries(DbSession& session);

    std::vector<CommittedEvent> events_;
};

// Points the session's events at `batch` while it lives. The batch is on the caller's stack: the session must not
// point at it once the caller is left, however it leaves.
class OutboxBatchScope {
public:
    OutboxBatchScope(DbSession& session, OutboxBatch& batch) : session_(session) { session_.setOutboxBatch(&batch); }
    ~OutboxBatchScope() { session_.setOutboxBatch(nullptr); }
    OutboxBatchScope(const OutboxBatchScope&) = delete;
    OutboxBatchScope& operator=(const OutboxBatchScope&) = delete;

private:
    DbSession& session_;
};

std::string interactionTopic(std::int64_t interactionId);
std::string operatorEventsTopic(const std::string& operatorId);
std::string clientTopic(std::int64_t clientId);

}  // namespace omnigate
