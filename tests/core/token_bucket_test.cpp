#include "http/token_bucket.h"

#include <gtest/gtest.h>

namespace omnigate {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
    TokenBucket::Clock clock() {
        return [this] { return now; };
    }
};

TEST(TokenBucket, SpendsTheBurstThenSaysHowLongUntilTheNextToken) {
    FakeClock time;
    TokenBucket bucket({3, 6}, time.clock());  // a token every 10 s
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 10s);
    time.now += 4s;
    EXPECT_EQ(bucket.take("a"), 6s);  // a refused request spends nothing, so the wait only shrinks
    time.now += 6s;
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 10s);
}

TEST(TokenBucket, RefillsUpToTheBurstOnly) {
    FakeClock time;
    TokenBucket bucket({2, 60}, time.clock());
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 0s);
    time.now += 1h;
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 1s);
}

TEST(TokenBucket, KeysHaveTheirOwnBuckets) {
    FakeClock time;
    TokenBucket bucket({1, 1}, time.clock());
    EXPECT_EQ(bucket.take("10.0.0.1"), 0s);
    EXPECT_EQ(bucket.take("10.0.0.1"), 60s);
    EXPECT_EQ(bucket.take("10.0.0.2"), 0s);
}

TEST(TokenBucket, AWaitOfUnderASecondIsAnsweredAsOneSecond) {
    FakeClock time;
    TokenBucket bucket({1, 600}, time.clock());  // a token every 100 ms
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 1s);  // Retry-After: 0 would invite an immediate retry that fails again
    time.now += 100ms;
    EXPECT_EQ(bucket.take("a"), 0s);
}

TEST(TokenBucket, WaitLooksWithoutSpending) {
    FakeClock time;
    TokenBucket bucket({1, 6}, time.clock());
    EXPECT_EQ(bucket.wait("a"), 0s);
    EXPECT_EQ(bucket.wait("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 0s);
    EXPECT_EQ(bucket.wait("a"), 10s);
    time.now += 10s;
    EXPECT_EQ(bucket.wait("a"), 0s);
    EXPECT_EQ(bucket.take("a"), 0s);
}

TEST(TokenBucket, ForgetsFullBucketsWhenTheTableIsFull) {
    FakeClock time;
    TokenBucket bucket({1, 1}, time.clock(), 10);
    for (int i = 0; i < 9; ++i) EXPECT_EQ(bucket.take("old" + std::to_string(i)), 0s);
    time.now += 60s;  // the old keys' buckets are full again
    EXPECT_EQ(bucket.take("limited"), 0s);
    EXPECT_EQ(bucket.keys(), 10U);
    EXPECT_EQ(bucket.take("new"), 0s);
    EXPECT_EQ(bucket.keys(), 2U);
    EXPECT_EQ(bucket.take("limited"), 60s);  // a key being limited is kept
}

TEST(TokenBucket, StartsAfreshWhenMostOfAFullTableIsBeingLimited) {
    FakeClock time;
    TokenBucket bucket({1, 1}, time.clock(), 10);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(bucket.take("key" + std::to_string(i)), 0s);
    EXPECT_EQ(bucket.take("one more"), 0s);
    EXPECT_EQ(bucket.keys(), 1U);
}

TEST(TokenBucket, RefusesARateOfZero) {
    EXPECT_THROW(TokenBucket({0, 10}), std::invalid_argument);
    EXPECT_THROW(TokenBucket({10, 0}), std::invalid_argument);
}

}  // namespace
}  // namespace omnigate
