// Event ids and generated message ids: version 4 UUIDs, never repeated, also not between threads (each seeds its
// own generator, and two seeded alike would hand out the same ids).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "omnigate/sdk/unique_id.h"

namespace omnigate {
namespace {

TEST(RandomUuid, IsAVersionFourUuid) {
    const std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    for (int i = 0; i < 1000; ++i) {
        const std::string id = randomUuid();
        ASSERT_TRUE(std::regex_match(id, shape)) << id;
    }
}

TEST(RandomUuid, NeverRepeatsWithinOrAcrossThreads) {
    constexpr int kThreads = 4;
    constexpr int kEach = 20000;
    std::vector<std::vector<std::string>> drawn(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&drawn, t] {
            for (int i = 0; i < kEach; ++i) drawn[t].push_back(randomUuid());
        });
    }
    for (std::thread& thread : threads) thread.join();
    std::set<std::string> all;
    for (const auto& ids : drawn) all.insert(ids.begin(), ids.end());
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace omnigate
