#include "store/write_batcher.h"

#include <cppconn/exception.h>

#include <chrono>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

WriteBatcher::WriteBatcher(ConnectionPool& pool, int batchMax, std::size_t queueMax, std::function<void()> onCommit)
    : pool_(pool), batchMax_(static_cast<std::size_t>(batchMax)), queueMax_(queueMax), onCommit_(std::move(onCommit)) {}

WriteBatcher::~WriteBatcher() { stop(); }

void WriteBatcher::start() { thread_ = std::thread([this] { loop(); }); }

void WriteBatcher::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::size_t WriteBatcher::backlog() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
}

void WriteBatcher::run(Job job) {
    std::future<void> done;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) throw ApiError::unavailable("omnigate is shutting down; retry against another instance");
        if (queue_.size() >= queueMax_) {
            throw ApiError(503, "overloaded", "too many writes are waiting for the database; retry shortly");
        }
        queue_.push_back(Pending{std::move(job), {}});
        done = queue_.back().done.get_future();
    }
    wake_.notify_one();
    done.get();
}

void WriteBatcher::loop() {
    std::unique_ptr<DbSession> session;
    for (;;) {
        std::vector<Pending> batch;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything queued was written
            while (!queue_.empty() && batch.size() < batchMax_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        try {
            if (!session) session = pool_.connect();
        } catch (const ApiError& e) {
            for (Pending& p : batch) p.done.set_exception(std::make_exception_ptr(e));
            // The server is down: pace the reconnect attempts instead of spinning on every new request.
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            continue;
        }
        commitBatch(*session, batch);
        if (session->broken()) session.reset();
    }
}

void WriteBatcher::commitBatch(DbSession& session, std::vector<Pending>& batch) {
    std::vector<std::exception_ptr> failures(batch.size());
    // A lone job needs no savepoint: if it fails, the whole transaction is its own to roll back.
    const bool isolate = batch.size() > 1;
    bool anySucceeded = false;
    try {
        session.execute("START TRANSACTION");
        for (std::size_t i = 0; i < batch.size(); ++i) {
            try {
                if (isolate) session.execute("SAVEPOINT job");
                batch[i].job(session);
                anySucceeded = true;
            } catch (const sql::SQLException& e) {
                // A lost connection, or a deadlock with another daemon (InnoDB has then rolled back the whole
                // transaction, savepoints included), fails the batch as a whole.
                if (isConnectionError(e) || isTransactionAborted(e)) throw;
                failures[i] = std::current_exception();
                if (isolate) session.execute("ROLLBACK TO SAVEPOINT job");
            } catch (...) {
                failures[i] = std::current_exception();
                if (isolate) session.execute("ROLLBACK TO SAVEPOINT job");
            }
        }
        session.execute(anySucceeded ? "COMMIT" : "ROLLBACK");
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) {
            session.markBroken();
        } else {
            try {
                session.execute("ROLLBACK");
            } catch (const sql::SQLException&) {
                session.markBroken();
            }
        }
        // Nothing of this batch is committed (or, if COMMIT itself was cut off, the provider's retry is
        // de-duplicated): every caller hears 503 and may retry.
        const auto error = std::make_exception_ptr(
            isTransactionAborted(e)
                ? ApiError(503, "contention", std::string("the write collided with another one; retry: ") + e.what())
                : ApiError::unavailable(std::string("the database failed while writing: ") + e.what()));
        for (Pending& p : batch) p.done.set_exception(error);
        return;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (failures[i]) {
            batch[i].done.set_exception(failures[i]);
        } else {
            batch[i].done.set_value();
        }
    }
    if (anySucceeded && onCommit_) onCommit_();
}

}  // namespace omnigate
