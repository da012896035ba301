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
        if (!running_ || !bus_.connected()) continue;
        try {
            if (!session) session = pool_.connect();
            more = relayPage(*session);
        } catch (const sql::SQLException& e) {
            logger().warning("outbox relay: database error, retrying: %s", std::string(e.what()));
            session.reset();
        } catch (const ApiError& e) {
            session.reset();
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
    {
        sql::PreparedStatement& select = session.prepare("SELECT id, topic, payload FROM outbox ORDER BY id LIMIT ?");
        select.setInt(1, kPageSize);
        std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
        while (rs->next()) {
            mqtt::delivery_token_ptr token;
            try {
                token = bus_.publish(rs->getString(2), rs->getString(3));
            } catch (const mqtt::exception& e) {
                // The rest waits for the next round; what was handed to Paho is still waited for below, so an
                // event is never published twice merely because its page was cut short.
                logger().warning("outbox relay: publish refused, continuing later: %s", std::string(e.what()));
                break;
            }
            rows.push_back({rs->getInt64(1), std::move(token)});
        }
    }
    // Delete only the acknowledged prefix: what follows a failure is published again, in order, later.
    std::string ids;
    std::size_t acknowledged = 0;
    for (const Row& row : rows) {
        try {
            if (!row.token->wait_for(kPubackTimeout)) break;
        } catch (const mqtt::exception&) {
            break;
        }
        ids += (ids.empty() ? "" : ",") + std::to_string(row.id);
        ++acknowledged;
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

}  // namespace omnigate
