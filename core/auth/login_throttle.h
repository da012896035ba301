// Slows password guessing: five failed sign-ins for one login from one address within the window lock that pair
// for a while (429 with Retry-After). Keyed by the pair, so a stranger cannot lock a colleague out from elsewhere
// and one address cannot try many passwords of one login. Kept in this daemon's memory: with several daemons an
// attacker gets the allowance once per daemon, which the failed-auth rate limit per address bounds further.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace omnigate {

class LoginThrottle {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    LoginThrottle(int maxFailures, std::chrono::seconds lockFor,
                  Clock clock = [] { return std::chrono::steady_clock::now(); });

    // How long the pair stays locked; nullopt when it may try.
    std::optional<std::chrono::seconds> lockedFor(const std::string& login, const std::string& address);
    void failed(const std::string& login, const std::string& address);
    void succeeded(const std::string& login, const std::string& address);

private:
    struct Entry {
        int failures = 0;
        std::chrono::steady_clock::time_point first;        // of the failures counted
        std::chrono::steady_clock::time_point lockedUntil;  // in the past: not locked
    };
    static std::string key(const std::string& login, const std::string& address);
    void prune(std::chrono::steady_clock::time_point now);

    const int maxFailures_;
    const std::chrono::seconds lockFor_;
    const Clock clock_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace omnigate
