// Group commit against the real MariaDB: jobs queued together commit together, a failing job is rolled back to
// its own savepoint without harming its neighbours, and a failing trusted job (no savepoint) takes its whole
// batch back with it, every caller told to retry. Jobs are queued before the writer starts, so they are certain
// to share one batch.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>
#include <cppconn/resultset.h>

#include <future>
#include <thread>

#include "db/migrator.h"
#include "db/outbox.h"
#include "db/write_batcher.h"
#include "omnigate/sdk/api_error.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

DatabaseConfig testDatabase() {
    DatabaseConfig db;
    db.port = test::requireEnvInt("OMNIGATE_DB_PORT");
    db.name = test::requireEnv("OMNIGATE_DB_NAME");
    db.user = test::requireEnv("OMNIGATE_DB_USER");
    db.password = test::requireEnv("OMNIGATE_DB_PASSWORD");
    return db;
}

class WriteBatcherTest : public ::testing::Test {
protected:
    WriteBatcherTest() : pool_(testDatabase()), writer_(pool_, 1, 100, 100, nullptr) {}

    void SetUp() override {
        probe_ = pool_.connect();
        Migrator(*probe_, [](const std::string&) {}).apply(builtInMigrations());
        word_ = "wb-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
    }
    void TearDown() override {
        probe_->execute("DELETE FROM spam_words WHERE word LIKE '" + word_ + "%'");
        probe_->execute("DELETE FROM outbox WHERE topic LIKE 'omnigate/v1/test/" + word_ + "%'");
    }

    // A job that stores one spam word (any small table will do).
    WriteBatcher::Job insert(const std::string& suffix) {
        return [this, suffix](DbSession& session) {
            session.execute("INSERT INTO spam_words (word, created_at) VALUES ('" + word_ + suffix + "', NOW(3))");
        };
    }
    // A job that adds an event on its own topic, and then fails if asked to.
    WriteBatcher::Job withEvent(const std::string& suffix, bool fail) {
        return [this, suffix, fail](DbSession& session) {
            Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
            data->set("job", suffix);
            appendEvent(session, "omnigate/v1/test/" + word_ + suffix, "test.event", data);
            if (fail) throw ApiError(409, "conflict", "this job fails after adding its event");
        };
    }
    std::int64_t events(const std::string& suffix) {
        sql::PreparedStatement& q = probe_->prepare("SELECT COUNT(*) FROM outbox WHERE topic = ?");
        q.setString(1, "omnigate/v1/test/" + word_ + suffix);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        rs->next();
        return rs->getInt64(1);
    }

    static WriteBatcher::Job failing() {
        return [](DbSession&) { throw ApiError(409, "conflict", "this job fails"); };
    }

    // Queues the jobs before the writer runs, then starts it; returns each caller's outcome ("ok" or the error).
    std::vector<std::string> runTogether(const std::vector<std::pair<WriteBatcher::Job, bool>>& jobs) {
        std::vector<std::future<std::string>> outcomes;
        for (const auto& [job, trusted] : jobs) {
            outcomes.push_back(std::async(std::launch::async, [this, job = job, trusted = trusted]() -> std::string {
                try {
                    if (trusted) {
                        writer_.runTrusted(job, "");
                    } else {
                        writer_.run(job, "");
                    }
                    return "ok";
                } catch (const ApiError& e) {
                    return std::to_string(e.status());
                }
            }));
        }
        for (int i = 0; i < 200 && writer_.backlog() < jobs.size(); ++i) std::this_thread::sleep_for(5ms);
        EXPECT_EQ(writer_.backlog(), jobs.size());
        writer_.start();
        std::vector<std::string> results;
        for (auto& o : outcomes) results.push_back(o.get());
        return results;
    }

    std::int64_t count() {
        sql::PreparedStatement& q = probe_->prepare("SELECT COUNT(*) FROM spam_words WHERE word LIKE ?");
        q.setString(1, word_ + "%");
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        rs->next();
        return rs->getInt64(1);
    }

    ConnectionPool pool_;
    WriteBatcher writer_;
    std::unique_ptr<DbSession> probe_;
    std::string word_;
};

TEST_F(WriteBatcherTest, AFailingJobIsRolledBackAloneAndItsNeighboursCommit) {
    const auto results = runTogether({{insert("-a"), false}, {failing(), false}, {insert("-b"), false}});
    EXPECT_EQ(results, (std::vector<std::string>{"ok", "409", "ok"}));
    EXPECT_EQ(count(), 2);
}

TEST_F(WriteBatcherTest, TrustedJobsCommitTogetherWithoutSavepoints) {
    const auto results = runTogether({{insert("-a"), true}, {insert("-b"), true}, {insert("-c"), false}});
    EXPECT_EQ(results, (std::vector<std::string>{"ok", "ok", "ok"}));
    EXPECT_EQ(count(), 3);
}

TEST_F(WriteBatcherTest, AFailingTrustedJobTakesItsBatchBackAndEveryoneRetries) {
    const auto results = runTogether({{insert("-a"), false}, {failing(), true}, {insert("-b"), true}});
    EXPECT_EQ(results, (std::vector<std::string>{"503", "503", "503"}));
    EXPECT_EQ(count(), 0) << "nothing of the batch may stay half-written";
}

TEST_F(WriteBatcherTest, TheEventsOfARolledBackJobAreNotWritten) {
    // Events are collected for the whole batch and written just before COMMIT; a job rolled back to its
    // savepoint must take its events with it, and its neighbours' events must stay.
    const auto results = runTogether({{withEvent("-a", false), false}, {withEvent("-b", true), false},
                                      {withEvent("-c", false), true}});
    EXPECT_EQ(results, (std::vector<std::string>{"ok", "409", "ok"}));
    EXPECT_EQ(events("-a"), 1);
    EXPECT_EQ(events("-b"), 0);
    EXPECT_EQ(events("-c"), 1);
}

// Remembers what it was given, and marks each item so its job can tell whether the prelude ran before it.
struct CountingPrelude : WriteBatcher::Prelude {
    struct Item : WriteBatcher::PreludeItem {
        explicit Item(std::string n) : name(std::move(n)) {}
        std::string name;
        bool prepared = false;
    };
    void runBefore(DbSession& session, const std::vector<WriteBatcher::PreludeItem*>& items) override {
        std::string names;
        for (WriteBatcher::PreludeItem* item : items) {
            auto* mine = static_cast<Item*>(item);
            mine->prepared = true;
            names += mine->name;
        }
        runs.push_back(names);
        if (failWith) session.execute(failWith);  // a statement the server refuses
    }
    std::vector<std::string> runs;
    const char* failWith = nullptr;
};

class WriteBatcherPreludeTest : public WriteBatcherTest {
protected:
    // Queues the jobs one after another (so their order in the batch is known), then starts the writer.
    // Each job stores its name when its item was prepared before it ran, and "!" + name otherwise.
    std::vector<std::string> runInOrder(const std::vector<std::pair<std::string, bool>>& jobs) {
        std::vector<std::future<std::string>> outcomes;
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            auto item = std::make_shared<CountingPrelude::Item>(jobs[i].first);
            items_.push_back(item);
            const bool withPrelude = jobs[i].second;
            outcomes.push_back(std::async(std::launch::async, [this, item, withPrelude]() -> std::string {
                try {
                    writer_.runTrusted(
                        [this, item](DbSession& session) {
                            session.execute("INSERT INTO spam_words (word, created_at) VALUES ('" + word_ +
                                            (item->prepared ? "" : "!") + item->name + "', NOW(3))");
                        },
                        "", withPrelude ? &prelude_ : nullptr, withPrelude ? item.get() : nullptr);
                    return "ok";
                } catch (const ApiError& e) {
                    return std::to_string(e.status());
                }
            }));
            for (int wait = 0; wait < 200 && writer_.backlog() <= i; ++wait) std::this_thread::sleep_for(5ms);
        }
        EXPECT_EQ(writer_.backlog(), jobs.size());
        writer_.start();
        std::vector<std::string> results;
        for (auto& o : outcomes) results.push_back(o.get());
        return results;
    }
    std::int64_t stored(const std::string& suffix) {
        sql::PreparedStatement& q = probe_->prepare("SELECT COUNT(*) FROM spam_words WHERE word = ?");
        q.setString(1, word_ + suffix);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        rs->next();
        return rs->getInt64(1);
    }

    CountingPrelude prelude_;
    std::vector<std::shared_ptr<CountingPrelude::Item>> items_;
};

TEST_F(WriteBatcherPreludeTest, EachRunOfJobsNamingThePreludeIsPreparedOnceBeforeItsFirstJob) {
    const auto results = runInOrder({{"a", true}, {"b", true}, {"x", false}, {"c", true}});
    EXPECT_EQ(results, (std::vector<std::string>{"ok", "ok", "ok", "ok"}));
    // A job without the prelude splits the runs: what it writes may change what the later jobs would read.
    EXPECT_EQ(prelude_.runs, (std::vector<std::string>{"ab", "c"}));
    EXPECT_EQ(stored("a") + stored("b") + stored("c"), 3) << "every job saw its item prepared";
    EXPECT_EQ(stored("!x"), 1);
}

TEST_F(WriteBatcherPreludeTest, APreludeTheServerRefusesLeavesItsJobsToReadAlone) {
    prelude_.failWith = "SELECT no_such_column FROM spam_words";
    const auto results = runInOrder({{"a", true}, {"b", true}});
    EXPECT_EQ(results, (std::vector<std::string>{"ok", "ok"})) << "a failed shortcut must not fail the writes";
    EXPECT_EQ(prelude_.runs.size(), 1u);
    EXPECT_EQ(count(), 2);
}

TEST_F(WriteBatcherTest, ThePostCommitHookHearsEveryEventWithItsOutboxId) {
    std::mutex mutex;
    std::vector<CommittedEvent> heard;
    WriteBatcher observed(pool_, 1, 100, 100, [&](const std::vector<CommittedEvent>& events) {
        std::lock_guard<std::mutex> lock(mutex);
        heard.insert(heard.end(), events.begin(), events.end());
    });
    observed.start();
    observed.run(withEvent("-a", false));
    observed.run(withEvent("-b", false));
    EXPECT_THROW(observed.run(withEvent("-c", true)), ApiError);
    observed.stop();
    std::lock_guard<std::mutex> lock(mutex);
    ASSERT_EQ(heard.size(), 2u) << "a rolled-back job's event is not heard";
    for (const CommittedEvent& event : heard) {
        sql::PreparedStatement& q = probe_->prepare("SELECT topic FROM outbox WHERE id = ?");
        q.setInt64(1, event.outboxId);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        ASSERT_TRUE(rs->next()) << "no outbox row " << event.outboxId;
        EXPECT_EQ(rs->getString(1), event.topic);
    }
}

}  // namespace
}  // namespace omnigate
