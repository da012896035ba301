#include "http/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace omnigate {

TokenBucket::TokenBucket(Rate rate, Clock clock, std::size_t maxKeys)
    : rate_(rate), clock_(std::move(clock)), maxKeys_(std::max<std::size_t>(maxKeys, 2)) {
    if (rate_.burst < 1 || rate_.perMinute < 1) {
        throw std::invalid_argument("a token bucket needs a burst and a rate of at least 1");
    }
}

TokenBucket::State& TokenBucket::refilled(const std::string& key, std::chrono::steady_clock::time_point now) {
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= maxKeys_) prune(now);
        return buckets_.emplace(key, State{static_cast<double>(rate_.burst), now}).first->second;
    }
    State& state = it->second;
    const double minutes = std::chrono::duration<double, std::ratio<60>>(now - state.updated).count();
    if (minutes > 0) {
        state.tokens = std::min<double>(rate_.burst, state.tokens + minutes * rate_.perMinute);
        state.updated = now;
    }
    return state;
}

std::chrono::seconds TokenBucket::untilOne(const State& state) const {
    if (state.tokens >= 1) return std::chrono::seconds(0);
    // Rounded up, and at least a second: a client that waits as told finds its token.
    const double seconds = (1 - state.tokens) * 60.0 / rate_.perMinute;
    return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(seconds))));
}

std::chrono::seconds TokenBucket::take(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    State& state = refilled(key, clock_());
    const std::chrono::seconds wait = untilOne(state);
    if (wait.count() == 0) state.tokens -= 1;
    return wait;
}

std::chrono::seconds TokenBucket::wait(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = buckets_.find(key);
    if (it == buckets_.end()) return std::chrono::seconds(0);
    return untilOne(refilled(key, clock_()));
}

std::size_t TokenBucket::keys() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return buckets_.size();
}

void TokenBucket::prune(std::chrono::steady_clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        const double minutes = std::chrono::duration<double, std::ratio<60>>(now - it->second.updated).count();
        if (it->second.tokens + minutes * rate_.perMinute >= rate_.burst) {
            it = buckets_.erase(it);
        } else {
            ++it;
        }
    }
    // Over half the table still being limited: more distinct keys than a deployment has clients, i.e. an attack
    // from many addresses. Starting afresh bounds memory; pruning again at every new key would cost a scan each.
    if (buckets_.size() > maxKeys_ / 2) buckets_.clear();
}

}  // namespace omnigate
