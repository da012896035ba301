// Publishes the outbox to MQTT and deletes an event only after the broker's PUBACK, so a broker outage delays
// events and loses none. Delivery is at least once: consumers de-duplicate on the event id.
//
// The relay keeps a window of events in flight instead of waiting for each page's acknowledgements, so an event
// committed while others are on their way goes out at once (the tail latency of events). A writer hands it what
// each commit wrote (offer()), so under load the events go out without being read back; the outbox is read only
// when something may have been missed (start-up, a reconnect, a full window, a commit that offered nothing, a
// quiet half second). Each such read takes the oldest rows that are not in flight: writer lanes commit in
// parallel, so a lower id can become visible after a higher one, and a cursor would skip it.
//
// Deleting what was published is also where the channel traffic is counted (core/db/channel_traffic.h): in the
// same transaction, for the rows that transaction really deleted, so each interaction and message counts once.
#pragma once

#include <mqtt/async_client.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>
#include <vector>

#include "bus/mqtt_bus.h"
#include "db/channel_traffic.h"
#include "db/connection_pool.h"

namespace omnigate {

class OutboxRelay {
public:
    OutboxRelay(ConnectionPool& pool, MqttBus& bus);
    ~OutboxRelay();

    void start();
    void stop();
    struct Event {
        std::int64_t id = 0;  // in the outbox table
        std::string topic;
        std::string payload;
        std::optional<TrafficFact> traffic;  // what it counts for once published
    };

    void wake();          // after a commit: there may be new events
    void acknowledged();  // the broker acknowledged a publish: reap
    // After a commit: the events it wrote. Published from memory when this relay leads and its window has room;
    // otherwise they wait in the outbox for the next read.
    void offer(std::vector<Event> events);

    std::int64_t backlog() const { return backlog_; }          // events waiting, as last counted
    std::int64_t published() const { return published_; }      // events acknowledged by the broker since start
    std::int64_t deadLetters() const { return deadLetters_; }  // events set aside since start

private:
    struct InFlight {
        std::int64_t id;
        mqtt::delivery_token_ptr token;
        std::chrono::steady_clock::time_point sentAt;
        std::optional<TrafficFact> traffic;
    };

    void loop();
    // One round: reap acknowledgements and delete what was acknowledged; when there may be new events (or the
    // window has room after a failure), publish them.
    void round(DbSession& session, bool lookForNew, std::vector<Event>& offered);
    // Publishes what writers offered; false when some did not fit in the window (a read must find them).
    bool publishOffered(DbSession& session, std::vector<Event>& offered);
    void rememberDone(std::int64_t id);
    // Sends one event and puts it in flight; false when Paho refused it before it left.
    bool send(DbSession& session, std::int64_t id, const std::string& topic, const std::string& payload,
              std::optional<TrafficFact> traffic);
    // Deletes the acknowledged prefix; true when a failure or timeout dropped the window (to be sent again).
    bool reap(DbSession& session);
    // Deletes events `ids` and counts the traffic of those it deleted, in one transaction.
    void deleteCounting(DbSession& session, const std::string& ids,
                        const std::vector<std::pair<std::int64_t, TrafficFact>>& traffic);
    bool publishNew(DbSession& session);
    void countBacklog(DbSession& session);
    void forgetInFlight();
    void releaseLead(DbSession& session);
    // The broker refused event `id`; the fifth time in a row sets it aside.
    void noteRefusal(DbSession& session, std::int64_t id, const std::string& error);
    // Moves event `id` from the outbox to outbox_dead_letters, with the reason.
    void deadLetter(DbSession& session, std::int64_t id, const std::string& error);

    ConnectionPool& pool_;
    MqttBus& bus_;
    std::atomic<bool> running_{false};
    std::atomic<std::int64_t> backlog_{0};
    std::atomic<std::int64_t> published_{0};
    std::atomic<std::int64_t> deadLetters_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;   // new events may be in the outbox
    bool acked_ = false;   // acknowledgements may be waiting
    std::vector<Event> offered_;  // committed events handed over by writers
    std::thread thread_;

    // Relay thread only.
    bool leader_ = false;  // holds the database's named lock: the one relay that publishes
    std::deque<InFlight> inFlight_;
    std::set<std::int64_t> inFlightIds_;
    // Events published and acknowledged lately: a read of the outbox may have sent one before its writer's offer
    // came, and it must not go out a second time.
    std::unordered_set<std::int64_t> recentIds_;
    std::deque<std::int64_t> recentOrder_;
    std::int64_t refusedId_ = 0;
    int refusals_ = 0;
    std::chrono::steady_clock::time_point counted_;
    std::chrono::steady_clock::time_point lastRead_;
};

}  // namespace omnigate
