// Endpoints that fail on and on are left alone for a while instead of being hammered: after N failed attempts in
// a row an endpoint is paused (nothing is leased for it) for a set time, then tried again; it counts as paused, on
// /readyz and /metrics, until an attempt succeeds. Thread-safe: the worker writes, the admin API reads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "retry_policy.h"

namespace omnigate::crm {

class EndpointPauses {
public:
    EndpointPauses(int threshold, std::chrono::milliseconds pauseFor) : threshold_(threshold), pauseFor_(pauseFor) {}

    // A failed attempt of endpoint `id`; true when it paused the endpoint (for the first time or again).
    bool failed(const std::string& id, Clock::time_point now);
    // A successful attempt; true when the endpoint was paused until now.
    bool succeeded(const std::string& id);
    // Forgets the endpoint (deleted, or its URL changed); true when it was paused.
    bool forget(const std::string& id);

    // False while its pause runs.
    bool mayTry(const std::string& id, Clock::time_point now) const;
    bool paused(const std::string& id) const;
    std::optional<Clock::time_point> pausedUntil(const std::string& id) const;
    int failuresInARow(const std::string& id) const;
    std::size_t pausedCount() const;

private:
    struct State {
        int failures = 0;
        bool paused = false;
        Clock::time_point until{};
    };

    const int threshold_;
    const std::chrono::milliseconds pauseFor_;
    mutable std::mutex mutex_;
    std::map<std::string, State> states_;
};

}  // namespace omnigate::crm
