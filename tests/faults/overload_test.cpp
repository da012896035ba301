// More writes than the daemon may queue: it sheds load with 503 and Retry-After instead of queueing without
// bound or dropping anything silently, and everything it answered 2xx is stored.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"

namespace omnigate::test {
namespace {

TEST(Overload, ExcessWritesAre503WithRetryAfterAndEveryAcceptedOneIsStored) {
    DaemonOptions options;
    options.instance = "overload";
    options.writeQueueMax = 1;  // one writer lane that may hold one waiting write
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();

    constexpr int kThreads = 32;
    constexpr int kEach = 10;
    std::vector<std::string> tokens;
    for (int i = 0; i < kThreads; ++i) {
        tokens.push_back(daemon.http().postJson("/api/v1/webchat/demo/sessions", "{}").json()->getValue<std::string>("token"));
    }
    std::mutex mutex;
    std::set<std::int64_t> stored;
    std::atomic<int> shed{0};
    std::atomic<int> shedWithoutRetryAfter{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                const HttpResult r = daemon.http().postJson("/api/v1/webchat/demo/messages",
                                                            R"({"text":"overload )" + std::to_string(i) + R"("})", tokens[t]);
                if (r.status == 201) {
                    std::lock_guard<std::mutex> lock(mutex);
                    stored.insert(r.json()->getValue<std::int64_t>("id"));
                } else if (r.status == 503) {
                    ++shed;
                    if (r.headers.count("Retry-After") == 0) ++shedWithoutRetryAfter;
                } else {
                    ++other;
                }
            }
        });
    }
    for (auto& t : threads) t.join();

    std::cout << "overload: " << stored.size() << " stored, " << shed << " shed with 503, " << other << " other\n";
    EXPECT_GT(shed.load(), 0) << "32 writers at once against a queue of one must shed";
    EXPECT_EQ(shedWithoutRetryAfter.load(), 0);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(stored.size() + static_cast<std::size_t>(shed.load()), static_cast<std::size_t>(kThreads * kEach));
    DbProbe db;
    std::string ids;
    for (const std::int64_t id : stored) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM messages WHERE id IN (" + ids + ")"), static_cast<std::int64_t>(stored.size()));
    EXPECT_EQ(daemon.http().get("/healthz").status, 200);
}

}  // namespace
}  // namespace omnigate::test
