// Group commit. Every write is a job; a writer thread runs the jobs that queued up while its previous commit was
// in flight inside a single transaction and commits them together, so durability costs one fsync per batch, not
// per message (field notes: ~3,200 single-row commits/s vs ~55,000 rows/s batched). A job that fails is rolled
// back to its own savepoint without harming its neighbours.
//
// Several writers ("lanes") may commit in parallel, each on its own connection, for when a writer spends most of
// its time waiting for MariaDB's answers (a distant server); on one machine a single lane with bigger batches does
// more. A job names a partition key and always runs in the lane of that key: all messages of one sender go through
// one lane, in order, so two of them never race to create the same client or interaction.
//
// A job may name a Prelude: reads that its neighbours in the batch need too, done once for all of them (one SELECT
// for a batch's inbound messages instead of one each: the statements, and the round trips a lane waits on, are
// what MariaDB and the daemon spend their CPU on under load).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/connection_pool.h"
#include "db/post_commit_hook.h"

namespace omnigate {

class WriteBatcher {
public:
    using Job = std::function<void(DbSession&)>;

    // What a job hands its prelude: the job's own state, which the prelude may fill in.
    class PreludeItem {
    public:
        virtual ~PreludeItem() = default;
    };
    // Consecutive jobs of a batch that name the same prelude form a run; just before the run's first job, inside
    // the batch's transaction, the prelude gets the run's items in order. A prelude is only a shortcut: each job
    // must still be right when its item was left untouched (a run of one, or a read the prelude gave up on). A
    // prelude's SQL error other than a lost connection or an aborted transaction is logged and the run goes on
    // without it.
    class Prelude {
    public:
        virtual ~Prelude() = default;
        virtual void runBefore(DbSession& session, const std::vector<PreludeItem*>& items) = 0;
    };

    // `afterCommit` hears after each COMMIT what events the batch wrote (none, perhaps), with their outbox ids.
    WriteBatcher(ConnectionPool& pool, int lanes, int batchMax, std::size_t queueMax, PostCommitHook afterCommit);
    ~WriteBatcher();

    void start();
    void stop();  // finishes what is queued

    // Runs `job` in the next batch of the lane of `partitionKey` and returns once that batch is committed.
    // Rethrows what the job threw; throws ApiError 503 when the database fails or the lane's queue is full
    // (back-pressure, never a silent drop).
    void run(Job job, const std::string& partitionKey = "");

    // The same for a job that is not expected to fail (its input was validated before): it runs without a
    // savepoint of its own, one round trip less on the hottest path. Should it fail all the same, the whole
    // batch is rolled back and every job in it answered 503, to be retried.
    void runTrusted(Job job, const std::string& partitionKey, Prelude* prelude = nullptr, PreludeItem* item = nullptr);

    std::size_t backlog() const;

private:
    struct Pending {
        Job job;
        bool trusted = false;
        Prelude* prelude = nullptr;
        PreludeItem* item = nullptr;
        std::promise<void> done;
    };
    struct Lane {
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<Pending> queue;
        std::thread thread;
    };

    void enqueue(Pending pending, const std::string& partitionKey);
    void loop(Lane& lane);
    void commitBatch(DbSession& session, std::vector<Pending>& batch);
    // Runs the prelude of the run of jobs starting at batch[first].
    static void runPrelude(DbSession& session, std::vector<Pending>& batch, std::size_t first);

    ConnectionPool& pool_;
    const std::size_t batchMax_;
    const std::size_t laneQueueMax_;
    PostCommitHook afterCommit_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    std::atomic<bool> stopping_{false};
};

}  // namespace omnigate
