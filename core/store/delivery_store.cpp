#include "store/delivery_store.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include "db/db_time.h"

namespace omnigate {

namespace {

constexpr std::size_t kErrorMax = 1024;

const char* const kColumns =
    "SELECT id, sink, event_id, type, topic, payload, attempts, "
    "LEFT(DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), 23), last_error FROM integration_deliveries ";

std::string placeholders(std::size_t n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += i == 0 ? "?" : ", ?";
    return text;
}

std::string dbTime(std::chrono::system_clock::time_point at) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%d %H:%M:%S.%i");
}

std::string owned(const std::string& sinkPrefix) { return sinkPrefix + "%"; }

}  // namespace

std::vector<EventDelivery> DeliveryStore::read(sql::PreparedStatement& query) {
    std::vector<EventDelivery> out;
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) {
        EventDelivery d;
        d.id = rs->getInt64(1);
        d.sink = rs->getString(2);
        d.eventId = rs->getString(3);
        d.type = rs->getString(4);
        d.topic = rs->getString(5);
        d.payload = rs->getString(6);
        d.attempts = rs->getInt(7);
        d.createdAt = dbTimeToIso(rs->getString(8));
        d.lastError = rs->getString(9);
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<EventDelivery> DeliveryStore::lease(const std::string& sink, std::size_t limit,
                                                std::chrono::seconds lease) {
    const std::string now = nowDbTime();
    // The head of each topic (its oldest pending delivery), when due and not leased: read plainly first, then
    // claimed by id, so the lock covers exactly the rows handed out.
    sql::PreparedStatement& heads = session_.prepare(
        "SELECT d.id FROM integration_deliveries d WHERE d.sink = ? AND d.status = 'pending' AND "
        "d.next_attempt_at <= ? AND (d.leased_until IS NULL OR d.leased_until <= ?) AND NOT EXISTS (SELECT 1 FROM "
        "integration_deliveries e WHERE e.sink = d.sink AND e.topic = d.topic AND e.status = 'pending' AND "
        "e.id < d.id) ORDER BY d.id LIMIT ?");
    heads.setString(1, sink);
    heads.setString(2, now);
    heads.setString(3, now);
    heads.setInt64(4, static_cast<std::int64_t>(limit));
    std::vector<std::int64_t> ids;
    {
        std::unique_ptr<sql::ResultSet> rs(heads.executeQuery());
        while (rs->next()) ids.push_back(rs->getInt64(1));
    }
    if (ids.empty()) return {};
    sql::PreparedStatement& claim = session_.prepare(
        std::string(kColumns) + "WHERE id IN (" + placeholders(ids.size()) +
        ") AND status = 'pending' AND (leased_until IS NULL OR leased_until <= ?) ORDER BY id FOR UPDATE SKIP LOCKED");
    unsigned index = 1;
    for (std::int64_t id : ids) claim.setInt64(index++, id);
    claim.setString(index, now);
    std::vector<EventDelivery> claimed = read(claim);
    if (claimed.empty()) return claimed;
    sql::PreparedStatement& mark = session_.prepare("UPDATE integration_deliveries SET leased_until = ? WHERE id IN (" +
                                                    placeholders(claimed.size()) + ")");
    mark.setString(1, dbTimeIn(lease));
    index = 2;
    for (const EventDelivery& d : claimed) mark.setInt64(index++, d.id);
    mark.executeUpdate();
    return claimed;
}

void DeliveryStore::complete(const std::string& sinkPrefix, std::int64_t id) {
    sql::PreparedStatement& remove =
        session_.prepare("DELETE FROM integration_deliveries WHERE id = ? AND sink LIKE ?");
    remove.setInt64(1, id);
    remove.setString(2, owned(sinkPrefix));
    remove.executeUpdate();
}

void DeliveryStore::retry(const std::string& sinkPrefix, std::int64_t id,
                          std::chrono::system_clock::time_point notBefore, const std::string& error) {
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE integration_deliveries SET attempts = attempts + 1, next_attempt_at = ?, leased_until = NULL, "
        "last_error = ?, updated_at = ? WHERE id = ? AND sink LIKE ?");
    update.setString(1, dbTime(notBefore));
    update.setString(2, error.substr(0, kErrorMax));
    update.setString(3, nowDbTime());
    update.setInt64(4, id);
    update.setString(5, owned(sinkPrefix));
    update.executeUpdate();
}

void DeliveryStore::deadLetter(const std::string& sinkPrefix, std::int64_t id, const std::string& error) {
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE integration_deliveries SET status = 'dead', attempts = attempts + 1, leased_until = NULL, "
        "last_error = ?, updated_at = ? WHERE id = ? AND sink LIKE ?");
    update.setString(1, error.substr(0, kErrorMax));
    update.setString(2, nowDbTime());
    update.setInt64(3, id);
    update.setString(4, owned(sinkPrefix));
    update.executeUpdate();
}

std::vector<EventDelivery> DeliveryStore::deadLetters(const std::string& sink, std::size_t limit) {
    sql::PreparedStatement& query =
        session_.prepare(std::string(kColumns) + "WHERE sink = ? AND status = 'dead' ORDER BY id LIMIT ?");
    query.setString(1, sink);
    query.setInt64(2, static_cast<std::int64_t>(limit));
    return read(query);
}

std::size_t DeliveryStore::redeliver(const std::string& sink, std::int64_t id) {
    // Back in line where it was (its id keeps its place in its topic), due at once, attempts counted afresh.
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE integration_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, leased_until = "
        "NULL, updated_at = ? WHERE sink = ? AND status = 'dead' AND (? = 0 OR id = ?)");
    const std::string now = nowDbTime();
    update.setString(1, now);
    update.setString(2, now);
    update.setString(3, sink);
    update.setInt64(4, id);
    update.setInt64(5, id);
    return static_cast<std::size_t>(update.executeUpdate());
}

std::size_t DeliveryStore::backlog(const std::string& sink) {
    sql::PreparedStatement& query =
        session_.prepare("SELECT COUNT(*) FROM integration_deliveries WHERE sink = ? AND status = 'pending'");
    query.setString(1, sink);
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    return rs->next() ? static_cast<std::size_t>(rs->getInt64(1)) : 0;
}

std::size_t DeliveryStore::purge(const std::string& sink) {
    sql::PreparedStatement& remove = session_.prepare("DELETE FROM integration_deliveries WHERE sink = ?");
    remove.setString(1, sink);
    return static_cast<std::size_t>(remove.executeUpdate());
}

}  // namespace omnigate
