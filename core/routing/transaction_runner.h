// Routing changes run in short transactions of their own, outside the group-commit writer: they lock an operator
// and the interactions they hand out, and a deadlock with another daemon or with a writer batch must cost a quiet
// retry, not a 503 to a whole batch of unrelated messages. READ COMMITTED, because an operator's load must be
// counted as it is once their row is locked, not as a snapshot taken earlier saw it.
#pragma once

#include <functional>

#include "store/connection_pool.h"

namespace omnigate {

class TransactionRunner {
public:
    using Job = std::function<void(DbSession&)>;

    // `committed` runs after every successful commit (to wake the outbox relay and the distributor).
    TransactionRunner(ConnectionPool& pool, std::function<void()> committed);

    // Runs `job` in one transaction on a pooled connection, its events written before COMMIT. A deadlock or lock
    // wait timeout retries the whole job (a few times); ApiError and other exceptions roll back and propagate;
    // a database failure becomes ApiError 503.
    void run(const Job& job);
    // The same on a connection the caller holds (the distributor keeps one).
    void run(DbSession& session, const Job& job);

private:
    ConnectionPool& pool_;
    std::function<void()> committed_;
};

}  // namespace omnigate
