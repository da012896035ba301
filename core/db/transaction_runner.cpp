#include "db/transaction_runner.h"

#include <chrono>
#include <thread>

#include "db/outbox.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

constexpr int kAttempts = 5;

void rollbackQuietly(DbSession& session) {
    try {
        session.execute("ROLLBACK");
    } catch (const sql::SQLException&) {
        session.markBroken();
    }
}

}  // namespace

TransactionRunner::TransactionRunner(ConnectionPool& pool, PostCommitHook afterCommit)
    : pool_(pool), afterCommit_(std::move(afterCommit)) {}

void TransactionRunner::run(const Job& job) {
    PooledSession session = pool_.acquire();
    run(*session, job);
}

void TransactionRunner::run(DbSession& session, const Job& job) {
    for (int attempt = 1;; ++attempt) {
        OutboxBatch events;
        const OutboxBatchScope scope(session, events);
        try {
            session.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
            session.execute("START TRANSACTION");
            job(session);
            session.setOutboxBatch(nullptr);
            events.flush(session);
            session.execute("COMMIT");
        } catch (const sql::SQLException& e) {
            if (isConnectionError(e)) {
                session.markBroken();
                throw InternalError::unavailable("the database failed", e.what());
            }
            rollbackQuietly(session);
            if (isTransactionAborted(e) && attempt < kAttempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
                continue;
            }
            throw InternalError::unavailable("the database refused a routing change", e.what());
        } catch (...) {
            rollbackQuietly(session);
            throw;
        }
        if (afterCommit_) afterCommit_(events.events());
        return;
    }
}

}  // namespace omnigate
