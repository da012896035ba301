// Publishes the outbox to MQTT in id order and deletes an event only after the broker's PUBACK, so a broker
// outage delays events and loses none. Delivery is at least once: consumers de-duplicate on the event id.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bus/mqtt_bus.h"
#include "store/connection_pool.h"

namespace omnigate {

class OutboxRelay {
public:
    OutboxRelay(ConnectionPool& pool, MqttBus& bus);
    ~OutboxRelay();

    void start();
    void stop();
    void wake();  // after a commit: there may be new events

    std::int64_t backlog() const { return backlog_; }      // events waiting, as last counted
    std::int64_t published() const { return published_; }  // events acknowledged by the broker since start
    std::int64_t deadLetters() const { return deadLetters_; }  // events set aside since start

private:
    void loop();
    // One page: true when it was full (more may be waiting).
    bool relayPage(DbSession& session);
    void releaseLead(DbSession& session);
    // The broker refused (or never acknowledged) event `id`; the fifth time in a row sets it aside.
    void noteRefusal(DbSession& session, std::int64_t id, const std::string& error);
    // Moves event `id` from the outbox to outbox_dead_letters, with the reason.
    void deadLetter(DbSession& session, std::int64_t id, const std::string& error);

    ConnectionPool& pool_;
    MqttBus& bus_;
    std::atomic<bool> running_{false};
    std::atomic<std::int64_t> backlog_{0};
    std::atomic<std::int64_t> published_{0};
    std::atomic<std::int64_t> deadLetters_{0};
    bool leader_ = false;  // holds the database's named lock: the one relay that publishes
    std::int64_t refusedId_ = 0;
    int refusals_ = 0;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace omnigate
