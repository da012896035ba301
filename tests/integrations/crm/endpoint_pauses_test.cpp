// An endpoint that fails N times in a row is left alone for a while, is tried again after it, and counts as paused
// (not ready) until one attempt succeeds.
#include "endpoint_pauses.h"

#include <gtest/gtest.h>

namespace omnigate::crm {
namespace {

using namespace std::chrono_literals;

TEST(EndpointPauses, PausesAfterNFailuresInARowAndResumesOnSuccess) {
    EndpointPauses pauses(3, 10s);
    const auto t0 = Clock::now();
    EXPECT_FALSE(pauses.failed("a", t0));
    EXPECT_FALSE(pauses.failed("a", t0));
    EXPECT_TRUE(pauses.mayTry("a", t0));
    EXPECT_TRUE(pauses.failed("a", t0));
    EXPECT_TRUE(pauses.paused("a"));
    EXPECT_FALSE(pauses.mayTry("a", t0 + 9s));
    EXPECT_TRUE(pauses.mayTry("b", t0));  // others are not affected
    EXPECT_EQ(pauses.pausedCount(), 1u);
    EXPECT_EQ(pauses.pausedUntil("a"), std::optional<Clock::time_point>(t0 + 10s));

    // Attempts that were in flight do not stretch the pause.
    EXPECT_FALSE(pauses.failed("a", t0 + 1s));
    EXPECT_EQ(pauses.pausedUntil("a"), std::optional<Clock::time_point>(t0 + 10s));

    // After the pause it is tried again and still counts as paused; one more failure pauses it again.
    EXPECT_TRUE(pauses.mayTry("a", t0 + 10s));
    EXPECT_TRUE(pauses.paused("a"));
    EXPECT_TRUE(pauses.failed("a", t0 + 11s));
    EXPECT_FALSE(pauses.mayTry("a", t0 + 12s));

    EXPECT_TRUE(pauses.succeeded("a"));
    EXPECT_FALSE(pauses.paused("a"));
    EXPECT_EQ(pauses.pausedCount(), 0u);
    EXPECT_EQ(pauses.failuresInARow("a"), 0);
}

TEST(EndpointPauses, ASuccessInBetweenStartsTheCountAfresh) {
    EndpointPauses pauses(2, 10s);
    const auto t0 = Clock::now();
    EXPECT_FALSE(pauses.failed("a", t0));
    EXPECT_FALSE(pauses.succeeded("a"));
    EXPECT_FALSE(pauses.failed("a", t0));
    EXPECT_FALSE(pauses.paused("a"));
}

}  // namespace
}  // namespace omnigate::crm
