#include "bus/outbox_relay.h"

#include <Poco/Logger.h>
#include <cppconn/exception.h>
#include <cppconn/statement.h>

#include <chrono>

#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.outbox"); }

constexpr std::size_t kWindow = 1000;                 // events in flight at most
constexpr auto kPubackTimeout = std::chrono::seconds(10);
constexpr auto kBacklogCountEvery = std::chrono::seconds(1);
constexpr auto kReadAtLeastEvery = std::chrono::milliseconds(500);
constexpr int kRefusalsBeforeDeadLetter = 5;
// Seconds of events at full rate: far longer than a writer takes from its COMMIT to its offer.
constexpr std::size_t kRecentlyDone = 16 * kWindow;

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

void OutboxRelay::acknowledged() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        acked_ = true;
    }
    wake_.notify_one();
}

void OutboxRelay::offer(std::vector<Event> events) {
    if (events.empty()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        // A relay that fell far behind reads the outbox instead of piling up copies here.
        if (offered_.size() >= kWindow) {
            woken_ = true;
        } else {
            offered_.insert(offered_.end(), std::make_move_iterator(events.begin()),
                            std::make_move_iterator(events.end()));
        }
    }
    wake_.notify_one();
}

void OutboxRelay::loop() {
    std::unique_ptr<DbSession> session;
    bool lookForNew = true;  // look once at start-up: events may be left from before a restart
    std::vector<Event> offered;
    while (running_) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            // Woken by commits (new events) and by acknowledgements; the timeout is the safety net for a missed
            // wake-up, for the broker coming back and for acknowledgements that never come.
            wake_.wait_for(lock, std::chrono::milliseconds(inFlight_.empty() ? 500 : 50),
                           [this] { return woken_ || acked_ || !offered_.empty() || !running_; });
            // A commit that offered nothing (woken_) or a timeout (no news at all) may mean events to read; an
            // acknowledgement or an offer alone does not.
            lookForNew = lookForNew || woken_ || (!acked_ && offered_.empty());
            woken_ = false;
            acked_ = false;
            offered.swap(offered_);
            offered_.clear();
        }
        if (!running_) break;
        if (!bus_.connected()) {
            offered.clear();  // still in the outbox: read again after the reconnect
            // What was in flight is published again after the reconnect; a relay without a broker hands the lead
            // to a daemon that may have one.
            forgetInFlight();
            if (leader_ && session) releaseLead(*session);
            lookForNew = true;
            continue;
        }
        try {
            if (!session) session = pool_.connect();
            // One relay publishes at a time, whatever the number of daemons on this database: each event goes
            // out once rather than once per daemon. The named lock belongs to the connection, so a daemon that
            // dies hands it on at once.
            if (!leader_) {
                std::unique_ptr<sql::ResultSet> rs(
                    session->prepare("SELECT GET_LOCK('omnigate.outbox_relay', 0)").executeQuery());
                leader_ = rs->next() && rs->getInt(1) == 1;
                if (!leader_) {
                    offered.clear();  // the leading daemon reads them from the outbox
                    continue;
                }
            }
            round(*session, lookForNew, offered);
            lookForNew = false;
        } catch (const sql::SQLException& e) {
            logger().warning("outbox relay: database error, retrying: %s", withCause(e));
            session.reset();
            leader_ = false;
            forgetInFlight();
            offered.clear();
            lookForNew = true;
        } catch (const ApiError&) {
            session.reset();
            leader_ = false;
            forgetInFlight();
            offered.clear();
            lookForNew = true;
        } catch (const mqtt::exception& e) {
            logger().warning("outbox relay: broker error, retrying: %s", std::string(e.what()));
            forgetInFlight();
            offered.clear();
            lookForNew = true;
        }
    }
}

void OutboxRelay::round(DbSession& session, bool lookForNew, std::vector<Event>& offered) {
    const std::size_t before = inFlight_.size();
    const bool dropped = reap(session);
    // After a dropped window the outbox is read from its oldest row anyway; offered events are among those.
    if (!dropped && !publishOffered(session, offered)) lookForNew = true;
    offered.clear();
    // A full window that drained, or a failure that dropped it, may have left events behind: look again. So may a
    // commit that neither offered its events nor woke the relay; under a steady load no quiet timeout comes to
    // find those, so the outbox is read at least every half second.
    const auto now = std::chrono::steady_clock::now();
    if (lookForNew || dropped || (before >= kWindow && inFlight_.size() < kWindow) ||
        now - lastRead_ >= kReadAtLeastEvery) {
        lastRead_ = now;
        publishNew(session);
    }
    if (std::chrono::steady_clock::now() - counted_ >= kBacklogCountEvery) countBacklog(session);
}

bool OutboxRelay::reap(DbSession& session) {
    // Only the acknowledged prefix is deleted: events stay in id order, and whatever follows a failure is
    // published again later.
    std::string ids;
    std::vector<std::pair<std::int64_t, TrafficFact>> traffic;
    std::int64_t acknowledged = 0;
    bool dropped = false;
    while (!inFlight_.empty()) {
        InFlight& head = inFlight_.front();
        try {
            if (!head.token->wait_for(std::chrono::milliseconds(0))) {
                if (std::chrono::steady_clock::now() - head.sentAt < kPubackTimeout) break;
                // No acknowledgement at all (a slow broker, a lost connection): publish the window again. Only
                // an explicit refusal counts towards setting an event aside.
                forgetInFlight();
                dropped = true;
                break;
            }
        } catch (const mqtt::exception& e) {
            const std::int64_t id = head.id;
            forgetInFlight();
            noteRefusal(session, id, e.what());
            dropped = true;
            break;
        }
        ids += (ids.empty() ? "" : ",") + std::to_string(head.id);
        if (head.traffic) traffic.emplace_back(head.id, std::move(*head.traffic));
        ++acknowledged;
        inFlightIds_.erase(head.id);
        rememberDone(head.id);
        inFlight_.pop_front();
        refusals_ = 0;
    }
    if (!ids.empty()) {
        if (traffic.empty()) {
            session.execute("DELETE FROM outbox WHERE id IN (" + ids + ")");
        } else {
            deleteCounting(session, ids, traffic);
        }
        published_ += acknowledged;
    }
    return dropped;
}

void OutboxRelay::deleteCounting(DbSession& session, const std::string& ids,
                                 const std::vector<std::pair<std::int64_t, TrafficFact>>& traffic) {
    // A failure midway drops the relay's connection (loop()), and the open transaction with it.
    session.execute("START TRANSACTION");
    // Only what this transaction deleted counts: an event published twice (delivery is at least once) is deleted,
    // and counted, once.
    std::unique_ptr<sql::Statement> remove(session.connection().createStatement());
    std::unique_ptr<sql::ResultSet> deleted(
        remove->executeQuery("DELETE FROM outbox WHERE id IN (" + ids + ") RETURNING id"));
    std::unordered_set<std::int64_t> gone;
    while (deleted->next()) gone.insert(deleted->getInt64(1));
    ChannelTrafficTally tally;
    for (const auto& [id, fact] : traffic) {
        if (gone.count(id) != 0) tally.add(fact);
    }
    tally.write(session);
    session.execute("COMMIT");
}

bool OutboxRelay::publishOffered(DbSession& session, std::vector<Event>& offered) {
    for (Event& event : offered) {
        // Read from the outbox and sent already, by a round that ran between the commit and this one.
        if (inFlightIds_.count(event.id) != 0 || recentIds_.count(event.id) != 0) continue;
        if (inFlight_.size() >= kWindow ||
            !send(session, event.id, event.topic, event.payload, std::move(event.traffic))) {
            return false;
        }
    }
    return true;
}

void OutboxRelay::rememberDone(std::int64_t id) {
    recentIds_.insert(id);
    recentOrder_.push_back(id);
    if (recentOrder_.size() > kRecentlyDone) {
        recentIds_.erase(recentOrder_.front());
        recentOrder_.pop_front();
    }
}

bool OutboxRelay::send(DbSession& session, std::int64_t id, const std::string& topic, const std::string& payload,
                       std::optional<TrafficFact> traffic) {
    if (!publishableTopic(topic)) {
        // Mosquitto drops the connection of a client that publishes to such a topic, and Paho would send it again
        // after every reconnect: it must never reach Paho.
        deadLetter(session, id, "not a valid MQTT topic name");
        return true;
    }
    try {
        inFlight_.push_back({id, bus_.publish(topic, payload), std::chrono::steady_clock::now(), std::move(traffic)});
    } catch (const mqtt::exception& e) {
        // Refused before it left (Paho's queue is full, or the connection just dropped): the rest waits.
        logger().warning("outbox relay: publish refused, continuing later: %s", std::string(e.what()));
        return false;
    }
    inFlightIds_.insert(id);
    return true;
}

bool OutboxRelay::publishNew(DbSession& session) {
    if (inFlight_.size() >= kWindow) return false;
    sql::PreparedStatement& select = session.prepare("SELECT id, topic, payload FROM outbox ORDER BY id LIMIT ?");
    select.setInt(1, static_cast<int>(kWindow));
    std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
    bool any = false;
    while (rs->next() && inFlight_.size() < kWindow) {
        const std::int64_t id = rs->getInt64(1);
        if (inFlightIds_.count(id) != 0) continue;
        const std::string topic = rs->getString(2), payload = rs->getString(3);
        if (!send(session, id, topic, payload, trafficOfPublished(topic, payload))) break;
        any = true;
    }
    return any;
}

void OutboxRelay::countBacklog(DbSession& session) {
    std::unique_ptr<sql::ResultSet> count(session.prepare("SELECT COUNT(*) FROM outbox").executeQuery());
    count->next();
    backlog_ = count->getInt64(1);
    counted_ = std::chrono::steady_clock::now();
}

void OutboxRelay::forgetInFlight() {
    inFlight_.clear();
    inFlightIds_.clear();
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
    // Set aside, it never reaches the relay's deletion again: its interaction or message counts now.
    sql::PreparedStatement& read = session.prepare("SELECT topic, payload FROM outbox WHERE id = ? FOR UPDATE");
    read.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> row(read.executeQuery());
    ChannelTrafficTally tally;
    if (row->next()) {
        if (auto fact = trafficOfPublished(row->getString(1), row->getString(2))) tally.add(*fact);
    }
    sql::PreparedStatement& move = session.prepare(
        "INSERT INTO outbox_dead_letters (id, event_id, topic, payload, created_at, failed_at, error) "
        "SELECT id, event_id, topic, payload, created_at, NOW(3), ? FROM outbox WHERE id = ?");
    move.setString(1, error.substr(0, 1024));
    move.setInt64(2, id);
    move.executeUpdate();
    sql::PreparedStatement& remove = session.prepare("DELETE FROM outbox WHERE id = ?");
    remove.setInt64(1, id);
    remove.executeUpdate();
    tally.write(session);
    session.execute("COMMIT");
    ++deadLetters_;
}

}  // namespace omnigate
