#include "campaigns/campaign_pace.h"

#include <algorithm>
#include <cmath>

namespace omnigate {

namespace {

constexpr double kSlowest = 1.0 / 64;
constexpr auto kQuietAfterSlowDown = std::chrono::seconds(2);
constexpr double kRecoverySeconds = 30;

}  // namespace

CampaignPace::CampaignPace(int ratePerMinute, Clock::time_point now)
    : target_(ratePerMinute / 60.0), perSecond_(target_), tokens_(1), last_(now) {}

void CampaignPace::setRate(int ratePerMinute, Clock::time_point now) {
    target_ = perSecond_ = ratePerMinute / 60.0;
    tokens_ = std::min(tokens_, std::max(1.0, target_));
    last_ = now;
}

void CampaignPace::refill(Clock::time_point now) {
    const double seconds = std::chrono::duration<double>(now - last_).count();
    if (seconds <= 0) return;
    last_ = now;
    if (perSecond_ < target_ && (!slowedAt_ || now - *slowedAt_ >= kQuietAfterSlowDown)) {
        perSecond_ = std::min(target_, perSecond_ + target_ * seconds / kRecoverySeconds);
    }
    // A burst of one second's worth at most, and never less than one message.
    tokens_ = std::min(tokens_ + perSecond_ * seconds, std::max(1.0, perSecond_));
}

std::size_t CampaignPace::take(std::size_t wanted, Clock::time_point now) {
    refill(now);
    const std::size_t available = static_cast<std::size_t>(std::floor(tokens_));
    const std::size_t taken = std::min(wanted, available);
    tokens_ -= static_cast<double>(taken);
    return taken;
}

void CampaignPace::giveBack(std::size_t count) { tokens_ += static_cast<double>(count); }

void CampaignPace::slowDown(Clock::time_point now) {
    if (slowedAt_ && now - *slowedAt_ < kQuietAfterSlowDown) return;
    slowedAt_ = now;
    perSecond_ = std::max(target_ * kSlowest, perSecond_ / 2);
    tokens_ = std::min(tokens_, 0.0);
}

}  // namespace omnigate
