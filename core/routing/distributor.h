// The distributor: gives every queued interaction, best first, to a free operator who serves its queue, by the
// queue's mode; and keeps the clock-driven promises of routing (offers that expire, queues' maximum waits,
// postponed interactions coming back, fixed wrap-ups ending). A pass runs whenever something changed and at
// least every tick, so work that could not be given out is looked at again and never forgotten.
//
// Several daemons may run it against one database: every pass locks the operators and the interactions it
// hands out with SELECT … FOR UPDATE SKIP LOCKED, so no interaction is given twice and no operator is given
// more than their capacity, and no daemon ever waits for another's locks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "db/connection_pool.h"
#include "db/transaction_runner.h"
#include "routing/routing_catalog.h"

namespace omnigate {

struct DistributorOptions {
    std::chrono::milliseconds tick{250};  // clock-driven work (offer timeouts, maximum waits) at least this often
    std::size_t batch = 500;              // interactions looked at per transaction
    // At most one pass per gap however often it is woken: under a flood of messages every group commit wakes it,
    // and back-to-back passes would cost the database more than they gain.
    std::chrono::milliseconds minGap{10};
};

class Distributor {
public:
    Distributor(ConnectionPool& pool, RoutingCatalog& catalog, TransactionRunner& runner,
                DistributorOptions options = {});
    ~Distributor();

    void start();
    void stop();
    // Something changed (an interaction queued, an operator freed): run a pass soon.
    void wake();

    // One whole pass on the caller's thread; returns how many interactions it offered or assigned.
    std::size_t runPass();

    std::uint64_t decisions() const { return decisions_.load(); }
    std::uint64_t passes() const { return passes_.load(); }

private:
    void loop();
    std::size_t pass(DbSession& session, bool clockWork);
    void releaseWrapUps(DbSession& session);
    void expireOffers(DbSession& session);
    void returnPostponed(DbSession& session);
    void overflow(DbSession& session, const RoutingSnapshot& snapshot);
    void routeNew(DbSession& session, const RoutingSnapshot& snapshot);
    std::size_t distribute(DbSession& session, const RoutingSnapshot& snapshot);

    ConnectionPool& pool_;
    RoutingCatalog& catalog_;
    TransactionRunner& runner_;
    const DistributorOptions options_;
    std::uint64_t routedGeneration_ = 0;  // the catalog generation unroutable interactions were judged by…
    std::string generationSeenAt_;        // … and since when (database time): older judgements are redone
    std::atomic<std::uint64_t> decisions_{0};
    std::atomic<std::uint64_t> passes_{0};

    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    bool stopping_ = false;
    std::mutex passMutex_;  // one pass at a time, whoever runs it
    std::thread thread_;
};

}  // namespace omnigate
