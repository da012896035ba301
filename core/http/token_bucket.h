// Rate limits against floods (web chat sessions per client IP, messages per visitor, failed authentications per
// IP): a token bucket per key that holds up to `burst` tokens and gains `perMinute` a minute; a request spends one.
// A key whose bucket is full again is no different from an unseen one, so those are forgotten when the table
// grows: a flood of distinct keys costs memory only while its keys are being limited.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace omnigate {

class TokenBucket {
public:
    struct Rate {
        int burst = 1;      // tokens a full bucket holds: what a key may spend at once
        int perMinute = 1;  // tokens added a minute
    };
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit TokenBucket(Rate rate, Clock clock = [] { return std::chrono::steady_clock::now(); },
                         std::size_t maxKeys = 100000);

    // Spends a token of `key`: zero when it had one, otherwise how long until it will have one (the Retry-After
    // of a 429), and nothing is spent.
    std::chrono::seconds take(const std::string& key);
    // The same answer without spending: for checking before work whose outcome decides whether to spend.
    std::chrono::seconds wait(const std::string& key);

    std::size_t keys() const;

private:
    struct State {
        double tokens = 0;
        std::chrono::steady_clock::time_point updated;
    };
    State& refilled(const std::string& key, std::chrono::steady_clock::time_point now);
    std::chrono::seconds untilOne(const State& state) const;
    void prune(std::chrono::steady_clock::time_point now);

    const Rate rate_;
    const Clock clock_;
    const std::size_t maxKeys_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, State> buckets_;
};

}  // namespace omnigate
