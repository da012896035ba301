#include "bus/outbox_relay.h"

#include <Poco/Logger.h>
#include <cppconn/exception.h>

#include <chrono>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.outbox"); }

constexpr int kPageSize = 500;
constexpr auto kPubackTimeout = std::chrono::seconds(10);
constexpr int kRefusalsBeforeDeadLetter = 5;

// What MQTT allows as a topic to publish to: non-empty, at most 65535 bytes, no wildcards, no NUL.
bool publishableTopic(const std::string& topic) {
    return !topic.empty() && topic.size() <= 65535 && topic.find_first_of("+#") == std::string::npos &&
           topic.find('\0') == std::string::npos;
}

}  // namespace

OutboxRelay::OutboxRelay(ConnectionPool& pool, MqttBus& bus) : pool_(pool), bus_(bus) {}

OutboxRelay::~OutboxRelay() { stop(); }

void OutboxRelay::start() {
    running_ = true;
    thread_ = std::thread([this] { loop(); });
}

void OutboxRelay::stop() {
    if (!running_.exchange(false)) return;
    wake();
    if (thread_.joinable()) thread_.join();
}

void OutboxRelay::wake() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        woken_ = true;
    }
    wake_.notify_one();
}

void OutboxRelay::loop() {
    std::unique_ptr<DbSession> session;
    bool more = true;  // look once at start-up: events may be left from before a restart
    while (running_) {
        if (!more) {
            std::unique_lock<std::mutex> lock(mutex_);
            // The timeout is the safety net for a missed wake-up and for the broker coming back.
            wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return woken_ || !running_; });
            woken_ = false;
        }
        more = false;
        if (!running_) continue;
        if (!bus_.connected()) {
            // A relay without a broker hands the lead to a daemon that may have one.
            if (leader_ && session) releaseLead(*session);
            continue;
        }
        try {
            if (!session) session = pool_.connect();
            // One relay publishes at a time, whatever the number of daemons on this database: the events keep
            // their order, and each goes out once rather than once per daemon. The named lock belongs to the
            // connection, so a daemon that dies hands it on at once.
            if (!leader_) {
                std::unique_ptr<sql::ResultSet> rs(
                    session->prepare("SELECT GET_LOCK('omnigate.outbox_relay', 0)").executeQuery());
                leader_ = rs->next() && rs->getInt(1) == 1;
                if (!leader_) continue;
            }
            more = relayPage(*session);
        } catch (const sql::SQLException& e) {
            logger().warning("outbox relay: database error, retrying: %s", std::string(e.what()));
            session.reset();
            leader_ = false;
        } catch (const ApiError& e) {
            session.reset();
            leader_ = false;
        } catch (const mqtt::exception& e) {
            logger().warning("outbox relay: broker error, retrying: %s", std::string(e.what()));
        }
    }
}

bool OutboxRelay::relayPage(DbSession& session) {
    struct Row {
        std::int64_t id;
        mqtt::delivery_token_ptr token;
    };
    std::vector<Row> rows;
    std::vector<std::int64_t> invalid;  // ahead of the first publishable event, or right after the published ones
    {
        sql::PreparedStatement& select = session.prepare("SELECT id, topic, payload FROM outbox ORDER BY id LIMIT ?");
        select.setInt(1, kPageSize);
        std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
        while (rs->next()) {
            const std::string topic = rs->getString(2);
            if (!publishableTopic(topic)) {
                // Mosquitto drops the connection of a client that publishes to such a topic, and Paho would send
                // it again after every reconnect: it must never reach Paho.
                invalid.push_back(rs->getInt64(1));
                if (rows.empty()) continue;
                break;
            }
            mqtt::delivery_token_ptr token;
            try {
                token = bus_.publish(topic, rs->getString(3));
            } catch (const mqtt::exception& e) {
                // The rest waits for the next round; what was handed to Paho is still waited for below, so an
                // event is never published twice merely because its page was cut short.
                logger().warning("outbox relay: publish refused, continuing later: %s", std::string(e.what()));
                if (rows.empty() && bus_.connected()) noteRefusal(session, rs->getInt64(1), e.what());
                break;
            }
            rows.push_back({rs->getInt64(1), std::move(token)});
        }
    }
    // Delete only the acknowledged prefix: what follows a failure is published again, in order, later.
    std::string ids;
    std::size_t acknowledged = 0;
    std::string refusal;
    for (const Row& row : rows) {
        try {
            if (!row.token->wait_for(kPubackTimeout)) break;
        } catch (const mqtt::exception& e) {
            refusal = e.what();
            break;
        }
        ids += (ids.empty() ? "" : ",") + std::to_string(row.id);
        ++acknowledged;
    }
    if (acknowledged < rows.size()) {
        noteRefusal(session, rows[acknowledged].id,
                    refusal.empty() ? "no acknowledgement from the broker within the timeout" : refusal);
    } else {
        refusals_ = 0;
        for (const std::int64_t id : invalid) deadLetter(session, id, "not a valid MQTT topic name");
    }
    if (!ids.empty()) {
        session.execute("DELETE FROM outbox WHERE id IN (" + ids + ")");
        published_ += static_cast<std::int64_t>(acknowledged);
    }
    std::unique_ptr<sql::ResultSet> count(session.prepare("SELECT COUNT(*) FROM outbox").executeQuery());
    count->next();
    backlog_ = count->getInt64(1);
    return acknowledged == rows.size() && rows.size() == static_cast<std::size_t>(kPageSize);
}

void OutboxRelay::releaseLead(DbSession& session) {
    leader_ = false;
    try {
        session.execute("DO RELEASE_LOCK('omnigate.outbox_relay')");
    } catch (const sql::SQLException&) {
        // A dead connection has released the lock already.
    }
}

void OutboxRelay::noteRefusal(DbSession& session, std::int64_t id, const std::string& error) {
    refusals_ = refusedId_ == id ? refusals_ + 1 : 1;
    refusedId_ = id;
    if (refusals_ < kRefusalsBeforeDeadLetter) return;
    // Refused again and again: this event cannot be published (too large for the broker, say). It is kept aside
    // with the reason so the events behind it flow again. A broker restart fails the head of the outbox once or
    // twice at most, never this many times in a row.
    refusals_ = 0;
    deadLetter(session, id, error);
}

void OutboxRelay::deadLetter(DbSession& session, std::int64_t id, const std::string& error) {
    logger().error("outbox relay: event %Ld moved to outbox_dead_letters: %s", id, error);
    session.execute("START TRANSACTION");
    sql::PreparedStatement& move = session.prepare(
        "INSERT INTO outbox_dead_letters (id, event_id, topic, payload, created_at, failed_at, error) "
        "SELECT id, event_id, topic, payload, created_at, NOW(3), ? FROM outbox WHERE id = ?");
    move.setString(1, error.substr(0, 1024));
    move.setInt64(2, id);
    move.executeUpdate();
    sql::PreparedStatement& remove = session.prepare("DELETE FROM outbox WHERE id = ?");
    remove.setInt64(1, id);
    remove.executeUpdate();
    session.execute("COMMIT");
    ++deadLetters_;
}

}  // namespace omnigate
