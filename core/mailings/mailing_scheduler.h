// The mailings' background job (docs/mailings.md). It wakes at least every 30 seconds, and whenever the statistics
// publisher hands it a new snapshot: it sends the periodic mailings that are due and judges the threshold mailings
// against the snapshot's levels. One daemon of a deployment does this, elected like the outbox relay by a named
// lock of the database ('omnigate.mailings') held on a connection of its own: a daemon that dies lets another
// take over at once, and a run it left half-sent is marked failed, never sent again.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "db/connection_pool.h"
#include "db/leader_lock.h"
#include "mailings/mailing_runner.h"
#include "mailings/queue_readings.h"

namespace omnigate {

class MailingScheduler {
public:
    MailingScheduler(ConnectionPool& pool, MailingRunner& runner);
    ~MailingScheduler();

    void start();
    void stop();

    // The latest online snapshot's queue figures (from the statistics publisher's thread): judged at once.
    void offer(QueueReadings readings);

private:
    void loop();
    bool lead();
    void sendDue();
    void judge(const QueueReadings& readings);

    ConnectionPool& pool_;
    MailingRunner& runner_;
    LeaderLock lock_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::optional<QueueReadings> offered_;
    std::thread thread_;
};

}  // namespace omnigate
