// How fast one campaign sends: a token bucket filled at the campaign's rate, its first message at once (a burst of
// at most one second's worth, so no minute ever carries more than the rate and a second's burst), slowed down by a provider's rate limit.
// A refusal for now halves the pace (at most once every two seconds, down to a 64th of the rate); sends that go
// through earn it back over half a minute. Time is handed in, so the arithmetic is tested without waiting.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace omnigate {

class CampaignPace {
public:
    using Clock = std::chrono::steady_clock;

    CampaignPace(int ratePerMinute, Clock::time_point now);

    // The rate changed (an edit while paused): the pace starts over at it.
    void setRate(int ratePerMinute, Clock::time_point now);
    // How many messages may go now, at most `wanted`; they are spent.
    std::size_t take(std::size_t wanted, Clock::time_point now);
    // Gives back what was taken but not sent (nobody due after all).
    void giveBack(std::size_t count);
    // A provider refused for now: slower.
    void slowDown(Clock::time_point now);

    // Messages a minute at the moment.
    double perMinute() const { return perSecond_ * 60; }

private:
    void refill(Clock::time_point now);

    double target_;     // per second, as configured
    double perSecond_;  // per second, now
    double tokens_;  // one at the start: a campaign's first message goes at once
    Clock::time_point last_;
    std::optional<Clock::time_point> slowedAt_;
};

}  // namespace omnigate
