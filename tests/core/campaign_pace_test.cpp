// A campaign's pace with the clock handed in: it never sends more than its rate (plus one second's burst), a
// provider's refusal halves it, and sends that go through earn it back.
#include <gtest/gtest.h>

#include "campaigns/campaign_pace.h"

namespace omnigate {
namespace {

using Clock = CampaignPace::Clock;
using namespace std::chrono_literals;

// Takes whatever is allowed every 100 ms for `duration`; how many went.
std::size_t sendFor(CampaignPace& pace, Clock::time_point& now, Clock::duration duration) {
    std::size_t sent = 0;
    const Clock::time_point end = now + duration;
    while (now < end) {
        now += 100ms;
        sent += pace.take(1000, now);
    }
    return sent;
}

TEST(CampaignPace, HoldsItsRatePerMinute) {
    Clock::time_point now{};
    CampaignPace pace(600, now);  // 10 a second
    const std::size_t sent = sendFor(pace, now, 60s);
    EXPECT_GE(sent, 595u);
    EXPECT_LE(sent, 610u) << "a minute carries the rate and at most one second's burst";
}

TEST(CampaignPace, ASlowRateStillSendsAndNeverBursts) {
    Clock::time_point now{};
    CampaignPace pace(2, now);  // one every 30 seconds
    EXPECT_EQ(pace.take(10, now), 1u) << "the first at once";
    EXPECT_EQ(sendFor(pace, now, 29s), 0u);
    EXPECT_EQ(sendFor(pace, now, 2s), 1u);
    EXPECT_EQ(pace.take(10, now + 10min), 1u) << "idle time does not pile up into a burst";
}

TEST(CampaignPace, ARateLimitHalvesItAndSuccessEarnsItBack) {
    Clock::time_point now{};
    CampaignPace pace(600, now);
    pace.slowDown(now);
    EXPECT_DOUBLE_EQ(pace.perMinute(), 300);
    pace.slowDown(now + 1s);
    EXPECT_DOUBLE_EQ(pace.perMinute(), 300) << "one refusal burst halves it once";
    pace.slowDown(now + 3s);
    EXPECT_DOUBLE_EQ(pace.perMinute(), 150);
    now += 3s;
    for (int i = 0; i < 20; ++i) {
        now += 1s;
        pace.take(1000, now);  // sending all along, refused every two seconds
        now += 1s;
        pace.slowDown(now);
    }
    EXPECT_DOUBLE_EQ(pace.perMinute(), 600.0 / 64) << "never slower than a 64th of the rate";
    const std::size_t sent = sendFor(pace, now, 60s);
    EXPECT_DOUBLE_EQ(pace.perMinute(), 600) << "back at the rate after half a minute without refusals";
    EXPECT_LT(sent, 600u);
    EXPECT_GT(sent, 300u);
}

TEST(CampaignPace, WhatWasNotSentIsGivenBack) {
    Clock::time_point now{};
    CampaignPace pace(60, now);
    EXPECT_EQ(pace.take(5, now), 1u);
    pace.giveBack(1);
    EXPECT_EQ(pace.take(5, now), 1u);
    EXPECT_EQ(pace.take(5, now), 0u);
    EXPECT_EQ(pace.take(5, now + 1s), 1u);
}

}  // namespace
}  // namespace omnigate
