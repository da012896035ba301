// Short transactions of their own, outside the group-commit writer, for work that locks rows others lock too
// (routing claims operators and interactions; integrations lease deliveries): a deadlock with another daemon or a
// writer batch must cost a quiet retry, not a 503 to a whole batch of unrelated messages. READ COMMITTED, because
// what is counted or checked once a row is locked must be the row as it is, not as an earlier snapshot saw it.
#pragma once

#include <functional>

#include "db/connection_pool.h"
#include "db/post_commit_hook.h"

namespace omnigate {

class TransactionRunner {
public:
    using Job = std::function<void(DbSession&)>;

    // `afterCommit` hears after every successful commit what events the job wrote (none, perhaps).
    TransactionRunner(ConnectionPool& pool, PostCommitHook afterCommit);

    // Runs `job` in one transaction on a pooled connection, its events written before COMMIT. A deadlock or lock
    // wait timeout retries the whole job (a few times); ApiError and other exceptions roll back and propagate;
    // a database failure becomes ApiError 503.
    void run(const Job& job);
    // The same on a connection the caller holds (the distributor keeps one).
    void run(DbSession& session, const Job& job);

private:
    ConnectionPool& pool_;
    PostCommitHook afterCommit_;
};

}  // namespace omnigate
