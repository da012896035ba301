#include "db/outbox.h"

#include <Poco/JSON/Stringifier.h>
#include <cppconn/statement.h>

#include <map>
#include <sstream>

#include "db/db_time.h"
#include "db/event_sinks.h"
#include "omnigate/sdk/unique_id.h"

namespace omnigate {

namespace {

// The interaction of an omnigate/v1/interactions/<id>/events topic; 0 for any other topic.
std::int64_t interactionOfTopic(const std::string& topic) {
    static const std::string prefix = "omnigate/v1/interactions/";
    static const std::string suffix = "/events";
    if (topic.size() <= prefix.size() + suffix.size() || topic.compare(0, prefix.size(), prefix) != 0 ||
        topic.compare(topic.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return 0;
    }
    const std::string id = topic.substr(prefix.size(), topic.size() - prefix.size() - suffix.size());
    if (id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) return 0;
    return std::stoll(id);
}

}  // namespace

std::string formatEvent(const std::string& eventId, const std::string& type, const std::string& time,
                        const Poco::JSON::Object::Ptr& data) {
    Poco::JSON::Object event(Poco::JSON_PRESERVE_KEY_ORDER);
    event.set("id", eventId);
    event.set("type", type);
    event.set("time", time);
    event.set("schema_version", kEventSchemaVersion);
    event.set("data", data);
    std::ostringstream out;
    event.stringify(out);
    return out.str();
}

void appendEvent(DbSession& session, const std::string& topic, const std::string& type,
                 const Poco::JSON::Object::Ptr& data) {
    const std::string eventId = randomUuid();
    const std::string now = nowDbTime();
    CommittedEvent event{0, eventId, topic, type, formatEvent(eventId, type, dbTimeToIso(now), data), now, data};
    if (OutboxBatch* batch = session.outboxBatch()) {
        batch->add(std::move(event));
        return;
    }
    OutboxBatch single;
    single.add(std::move(event));
    single.flush(session);
}

void OutboxBatch::flush(DbSession& session) {
    addOperatorCopies(session);
    // Up to 16 rows in one INSERT, more in chunks of 256, 128, … 32: some thirty prepared statements serve every
    // batch size, and a batch of the usual few events costs one round trip.
    std::size_t done = 0;
    while (done < events_.size()) {
        std::size_t chunk = events_.size() - done;
        if (chunk > 16) {
            chunk = 256;
            while (chunk > events_.size() - done) chunk /= 2;
        }
        std::string sql = "INSERT INTO outbox (event_id, topic, payload, created_at) VALUES (?, ?, ?, ?)";
        for (std::size_t i = 1; i < chunk; ++i) sql += ", (?, ?, ?, ?)";
        sql += " RETURNING id";
        sql::PreparedStatement& insert = session.prepare(sql);
        for (std::size_t i = 0; i < chunk; ++i) {
            const CommittedEvent& event = events_[done + i];
            const auto base = static_cast<unsigned>(i * 4);
            insert.setString(base + 1, event.eventId);
            insert.setString(base + 2, event.topic);
            insert.setString(base + 3, event.payload);
            insert.setString(base + 4, event.createdAt);
        }
        // MariaDB returns the rows in the order of the VALUES.
        std::unique_ptr<sql::ResultSet> ids(insert.executeQuery());
        for (std::size_t i = 0; i < chunk && ids->next(); ++i) events_[done + i].outboxId = ids->getInt64(1);
        done += chunk;
    }
    if (!EventSinks::global().empty()) queueDeliveries(session);
}

void OutboxBatch::addOperatorCopies(DbSession& session) {
    std::map<std::int64_t, std::string> holders;  // interaction id -> its operator
    for (const CommittedEvent& event : events_) {
        if (const std::int64_t id = interactionOfTopic(event.topic)) holders.emplace(id, std::string());
    }
    if (holders.empty()) return;
    // One read for the whole batch, inside its transaction: who holds each interaction after these changes.
    std::string ids;
    for (const auto& entry : holders) ids += (ids.empty() ? "" : ",") + std::to_string(entry.first);
    // Not prepared: the statement cache would keep one statement per list of ids.
    std::unique_ptr<sql::Statement> select(session.connection().createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        select->executeQuery("SELECT id, operator FROM interactions WHERE operator IS NOT NULL AND id IN (" + ids + ")"));
    bool any = false;
    while (rs->next()) {
        holders[rs->getInt64(1)] = rs->getString(2);
        any = true;
    }
    if (!any) return;
    std::vector<CommittedEvent> withCopies;
    withCopies.reserve(events_.size() * 2);
    for (CommittedEvent& event : events_) {
        const std::int64_t id = event.operatorCopy ? 0 : interactionOfTopic(event.topic);
        withCopies.push_back(std::move(event));
        const std::string holder = id == 0 ? std::string() : holders[id];
        if (holder.empty()) continue;
        CommittedEvent copy = withCopies.back();
        copy.topic = operatorEventsTopic(holder);
        copy.operatorCopy = true;
        withCopies.push_back(std::move(copy));
    }
    events_.swap(withCopies);
}

void OutboxBatch::queueDeliveries(DbSession& session) {
    std::vector<std::pair<std::string, const CommittedEvent*>> deliveries;
    for (const CommittedEvent& event : events_) {
        if (event.operatorCopy) continue;  // integrations get each event once
        for (const std::string& sink : EventSinks::global().sinksFor(event.type)) deliveries.emplace_back(sink, &event);
    }
    std::size_t done = 0;
    while (done < deliveries.size()) {
        std::size_t chunk = 64;
        while (chunk > deliveries.size() - done) chunk /= 2;
        std::string sql =
            "INSERT INTO integration_deliveries (sink, event_id, type, topic, payload, next_attempt_at, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        for (std::size_t i = 1; i < chunk; ++i) sql += ", (?, ?, ?, ?, ?, ?, ?, ?)";
        sql::PreparedStatement& insert = session.prepare(sql);
        for (std::size_t i = 0; i < chunk; ++i) {
            const auto& [sink, event] = deliveries[done + i];
            const auto base = static_cast<unsigned>(i * 8);
            insert.setString(base + 1, sink);
            insert.setString(base + 2, event->eventId);
            insert.setString(base + 3, event->type);
            insert.setString(base + 4, event->topic);
            insert.setString(base + 5, event->payload);
            insert.setString(base + 6, event->createdAt);
            insert.setString(base + 7, event->createdAt);
            insert.setString(base + 8, event->createdAt);
        }
        insert.executeUpdate();
        done += chunk;
    }
}

std::string interactionTopic(std::int64_t interactionId) {
    return "omnigate/v1/interactions/" + std::to_string(interactionId) + "/events";
}

std::string operatorEventsTopic(const std::string& operatorId) {
    return "omnigate/v1/operators/" + operatorId + "/events";
}

std::string clientTopic(std::int64_t clientId) { return "omnigate/v1/clients/" + std::to_string(clientId) + "/events"; }

}  // namespace omnigate
