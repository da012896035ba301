#include "db/write_batcher.h"

#include <Poco/Logger.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <chrono>

#include "db/outbox.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

// Every caller of a failed batch gets its own copy of the error. The callers rethrow it on their own threads, and
// one exception object shared through std::exception_ptr is freed by whichever thread drops the last reference: a
// count inside libstdc++ orders that, but ThreadSanitizer cannot see it and reported the free as a race.
template <class Batch, class Error>
void failEach(Batch& batch, const Error& error) {
    for (auto& p : batch) p.done.set_exception(std::make_exception_ptr(error));
}

}  // namespace

WriteBatcher::WriteBatcher(ConnectionPool& pool, int lanes, int batchMax, std::size_t queueMax,
                           PostCommitHook afterCommit)
    : pool_(pool),
      batchMax_(static_cast<std::size_t>(batchMax)),
      laneQueueMax_(std::max<std::size_t>(1, queueMax / static_cast<std::size_t>(std::max(1, lanes)))),
      afterCommit_(std::move(afterCommit)) {
    for (int i = 0; i < std::max(1, lanes); ++i) lanes_.push_back(std::make_unique<Lane>());
}

WriteBatcher::~WriteBatcher() { stop(); }

void WriteBatcher::start() {
    for (auto& lane : lanes_) lane->thread = std::thread([this, &lane = *lane] { loop(lane); });
}

void WriteBatcher::stop() {
    stopping_ = true;
    for (auto& lane : lanes_) {
        {
            std::lock_guard<std::mutex> lock(lane->mutex);
        }
        lane->wake.notify_all();
    }
    for (auto& lane : lanes_) {
        if (lane->thread.joinable()) lane->thread.join();
    }
}

std::size_t WriteBatcher::backlog() const {
    std::size_t total = 0;
    for (const auto& lane : lanes_) {
        std::lock_guard<std::mutex> lock(lane->mutex);
        total += lane->queue.size();
    }
    return total;
}

void WriteBatcher::run(Job job, const std::string& partitionKey) {
    enqueue(Pending{std::move(job), false, nullptr, nullptr, {}}, partitionKey);
}

void WriteBatcher::runTrusted(Job job, const std::string& partitionKey, Prelude* prelude, PreludeItem* item) {
    enqueue(Pending{std::move(job), true, prelude, item, {}}, partitionKey);
}

void WriteBatcher::enqueue(Pending pending, const std::string& partitionKey) {
    Lane& lane = *lanes_[std::hash<std::string>{}(partitionKey) % lanes_.size()];
    std::future<void> done;
    {
        std::lock_guard<std::mutex> lock(lane.mutex);
        if (stopping_) throw ApiError::unavailable("omnigate is shutting down; retry against another instance");
        if (lane.queue.size() >= laneQueueMax_) {
            throw ApiError(503, "overloaded", "too many writes are waiting for the database; retry shortly");
        }
        lane.queue.push_back(std::move(pending));
        done = lane.queue.back().done.get_future();
    }
    lane.wake.notify_one();
    done.get();
}

void WriteBatcher::loop(Lane& lane) {
    std::unique_ptr<DbSession> session;
    for (;;) {
        std::vector<Pending> batch;
        {
            std::unique_lock<std::mutex> lock(lane.mutex);
            lane.wake.wait(lock, [&] { return stopping_ || !lane.queue.empty(); });
            if (lane.queue.empty()) return;  // stopping, and everything queued was written
            while (!lane.queue.empty() && batch.size() < batchMax_) {
                batch.push_back(std::move(lane.queue.front()));
                lane.queue.pop_front();
            }
        }
        try {
            if (!session) {
                session = pool_.connect();
                // Lanes write side by side: read-committed takes no gap locks, so inserts of different senders
                // do not deadlock each other.
                session->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
                // A batch's first statement opens its transaction: no START TRANSACTION round trip per batch.
                session->execute("SET SESSION autocommit = 0");
            }
        } catch (const InternalError& e) {
            failEach(batch, e);  // as an InternalError, it keeps its cause for the log
            // The server is down: pace the reconnect attempts instead of spinning on every new request.
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            continue;
        } catch (const ApiError& e) {
            failEach(batch, e);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            continue;
        } catch (const sql::SQLException& e) {
            session.reset();
            failEach(batch, InternalError::unavailable("the database failed", e.what()));
            continue;
        }
        commitBatch(*session, batch);
        if (session->broken()) session.reset();
    }
}

void WriteBatcher::runPrelude(DbSession& session, std::vector<Pending>& batch, std::size_t first) {
    std::vector<PreludeItem*> items;
    for (std::size_t i = first; i < batch.size() && batch[i].prelude == batch[first].prelude; ++i) {
        items.push_back(batch[i].item);
    }
    try {
        batch[first].prelude->runBefore(session, items);
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e) || isTransactionAborted(e)) throw;
        // The jobs read for themselves: slower, never wrong.
        Poco::Logger::get("omnigate.writer").warning("a batch's shared read failed, its jobs read alone: %s",
                                                     std::string(e.what()));
    } catch (const std::exception& e) {
        Poco::Logger::get("omnigate.writer").warning("a batch's shared read failed, its jobs read alone: %s",
                                                     std::string(e.what()));
    }
}

void WriteBatcher::commitBatch(DbSession& session, std::vector<Pending>& batch) {
    std::vector<std::exception_ptr> failures(batch.size());
    // A lone job needs no savepoint: if it fails, the whole transaction is its own to roll back.
    const bool isolate = batch.size() > 1;
    bool anySucceeded = false;
    OutboxBatch events;
    const OutboxBatchScope scope(session, events);
    try {
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (batch[i].prelude != nullptr && (i == 0 || batch[i - 1].prelude != batch[i].prelude)) {
                runPrelude(session, batch, i);
            }
            const bool savepoint = isolate && !batch[i].trusted;
            const std::size_t eventsBefore = events.mark();
            try {
                if (savepoint) session.execute("SAVEPOINT job");
                batch[i].job(session);
                anySucceeded = true;
            } catch (const sql::SQLException& e) {
                // A lost connection, or a deadlock with another daemon (InnoDB has then rolled back the whole
                // transaction, savepoints included), fails the batch as a whole; so does a trusted job, which
                // has no savepoint to return to.
                if (isConnectionError(e) || isTransactionAborted(e) || (isolate && !savepoint)) throw;
                failures[i] = std::current_exception();
                events.discardFrom(eventsBefore);
                if (savepoint) session.execute("ROLLBACK TO SAVEPOINT job");
            } catch (...) {
                if (isolate && !savepoint) {
                    throw sql::SQLException("a trusted write failed; the batch was rolled back", "HY000", 0);
                }
                failures[i] = std::current_exception();
                events.discardFrom(eventsBefore);
                if (savepoint) session.execute("ROLLBACK TO SAVEPOINT job");
            }
        }
        session.setOutboxBatch(nullptr);  // so that flush() writes rather than collects
        if (anySucceeded) events.flush(session);
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
        failEach(batch, isTransactionAborted(e)
                            ? InternalError(503, "contention", "the write collided with another one; retry", e.what())
                            : InternalError::unavailable("the database failed while writing", e.what()));
        return;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (failures[i]) {
            batch[i].done.set_exception(failures[i]);
        } else {
            batch[i].done.set_value();
        }
    }
    if (anySucceeded && afterCommit_) afterCommit_(events.events());
}

}  // namespace omnigate
