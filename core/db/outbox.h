// Events leave the daemon through the outbox table: written in the same transaction as the data they describe,
// published by the OutboxRelay after commit. So an event exists exactly when its data does, and a broker outage
// only delays it.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

constexpr int kEventSchemaVersion = 1;

// {"id": uuid, "type": …, "time": ISO-8601, "schema_version": 1, "data": {…}}
std::string formatEvent(const std::string& eventId, const std::string& type, const std::string& time,
                        const Poco::JSON::Object::Ptr& data);

// Adds one event to the outbox inside the caller's transaction (into the session's OutboxBatch when it has one).
void appendEvent(DbSession& session, const std::string& topic, const std::string& type,
                 const Poco::JSON::Object::Ptr& data);

// The events of one group-committed batch, written with a few multi-row INSERTs just before COMMIT instead of
// one INSERT (one round trip) per event. A job rolled back to its savepoint discards its own events too.
class OutboxBatch {
public:
    struct Row {
        std::int64_t id = 0;  // the outbox row's id, once flush() wrote it
        std::string eventId;
        std::string topic;
        std::string payload;
        std::string createdAt;
        std::string type;
    };

    void add(Row row) { rows_.push_back(std::move(row)); }
    std::size_t mark() const { return rows_.size(); }
    void discardFrom(std::size_t mark) { rows_.resize(mark); }
    // Inserts every collected event, in order, with the deliveries integration sinks want of them
    // (core/db/event_sinks.h), and notes each row's outbox id. The rows stay for announceCommitted().
    void flush(DbSession& session);
    // What flush() wrote, with the ids: after COMMIT the relay publishes these without reading them back.
    const std::vector<Row>& rows() const { return rows_; }
    // After COMMIT: tells the in-process observers (core/db/committed_events.h), and forgets the rows.
    void announceCommitted();

private:
    void queueDeliveries(DbSession& session);

    std::vector<Row> rows_;
    std::size_t flushed_ = 0;  // rows written by flush(): only those can have committed
};

std::string interactionTopic(std::int64_t interactionId);
std::string clientTopic(std::int64_t clientId);

}  // namespace omnigate
