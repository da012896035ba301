#include "auth/login_throttle.h"

#include <Poco/UTF8String.h>

namespace omnigate {

namespace {

// Pairs tracked at most: beyond it the stale ones go first, then all (a flood of invented logins must not grow
// memory without bound; losing counts then only gives a guesser a fresh allowance, which the per-address
// failed-auth rate limit still bounds).
constexpr std::size_t kMaxEntries = 100000;

}  // namespace

LoginThrottle::LoginThrottle(int maxFailures, std::chrono::seconds lockFor, Clock clock)
    : maxFailures_(maxFailures), lockFor_(lockFor), clock_(std::move(clock)) {}

std::string LoginThrottle::key(const std::string& login, const std::string& address) {
    return Poco::UTF8::toLower(login) + '\n' + address;
}

std::optional<std::chrono::seconds> LoginThrottle::lockedFor(const std::string& login, const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(key(login, address));
    const auto now = clock_();
    if (it == entries_.end() || it->second.lockedUntil <= now) return std::nullopt;
    const auto left = std::chrono::ceil<std::chrono::seconds>(it->second.lockedUntil - now);
    return std::max(left, std::chrono::seconds(1));
}

void LoginThrottle::failed(const std::string& login, const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = clock_();
    if (entries_.size() >= kMaxEntries) prune(now);
    Entry& entry = entries_[key(login, address)];
    // Failures older than the lock time no longer count: a typo a day does not add up to a lock.
    if (entry.failures == 0 || now - entry.first > lockFor_) {
        entry.failures = 0;
        entry.first = now;
    }
    if (++entry.failures >= maxFailures_) {
        entry.lockedUntil = now + lockFor_;
        entry.failures = 0;
    }
}

void LoginThrottle::succeeded(const std::string& login, const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(key(login, address));
}

void LoginThrottle::prune(std::chrono::steady_clock::time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        const bool stale = it->second.lockedUntil <= now && now - it->second.first > lockFor_;
        it = stale ? entries_.erase(it) : std::next(it);
    }
    if (entries_.size() >= kMaxEntries) entries_.clear();
}

}  // namespace omnigate
