#include "endpoint_pauses.h"

namespace omnigate::crm {

bool EndpointPauses::failed(const std::string& id, Clock::time_point now) {
    std::lock_guard<std::mutex> lock(mutex_);
    State& s = states_[id];
    ++s.failures;
    if (s.failures < threshold_) return false;
    // Attempts already in flight when it was paused do not stretch the pause.
    if (s.paused && now < s.until) return false;
    s.paused = true;
    s.until = now + pauseFor_;
    return true;
}

bool EndpointPauses::succeeded(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = states_.find(id);
    if (it == states_.end()) return false;
    const bool wasPaused = it->second.paused;
    states_.erase(it);
    return wasPaused;
}

bool EndpointPauses::forget(const std::string& id) { return succeeded(id); }

bool EndpointPauses::mayTry(const std::string& id, Clock::time_point now) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = states_.find(id);
    return it == states_.end() || !it->second.paused || now >= it->second.until;
}

bool EndpointPauses::paused(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = states_.find(id);
    return it != states_.end() && it->second.paused;
}

std::optional<Clock::time_point> EndpointPauses::pausedUntil(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = states_.find(id);
    if (it == states_.end() || !it->second.paused) return std::nullopt;
    return it->second.until;
}

int EndpointPauses::failuresInARow(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = states_.find(id);
    return it == states_.end() ? 0 : it->second.failures;
}

std::size_t EndpointPauses::pausedCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (const auto& [id, s] : states_) n += s.paused ? 1 : 0;
    return n;
}

}  // namespace omnigate::crm
