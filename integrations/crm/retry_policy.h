// What one delivery attempt's outcome means: delivered, try again later (when, with exponential backoff and full
// jitter, or as the receiver's Retry-After says), or give up now (a 4xx other than 429, or the retry window is over).
// Kept free of I/O so the bounds are unit-tested.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace omnigate::crm {

using Clock = std::chrono::system_clock;

// What came back from one attempt (http_transfers.h fills it).
struct AttemptOutcome {
    bool answered = false;   // a whole HTTP response arrived
    long status = 0;         // its status when answered
    std::string retryAfter;  // its Retry-After header, if any
    std::string error;       // when not answered: timed out, refused, too large, not HTTP, …
};

struct Decision {
    enum class Kind { Complete, Retry, DeadLetter };
    Kind kind = Kind::Complete;
    Clock::time_point notBefore{};  // Retry: when
    std::string error;              // Retry, DeadLetter: what went wrong, for the failed-deliveries listing
    bool endpointFailed = false;    // counts towards pausing the endpoint (it is down, not refusing)
};

// Retry-After as delay-seconds or an HTTP date (RFC 9110 10.2.3), as a delay from `now` (never negative);
// nothing when absent or unreadable.
std::optional<std::chrono::milliseconds> parseRetryAfter(const std::string& value, Clock::time_point now);

// "2026-11-26T01:02:03.456Z" as a time point; nothing when unreadable.
std::optional<Clock::time_point> parseIsoTime(const std::string& iso);

class RetryPolicy {
public:
    RetryPolicy(std::chrono::milliseconds base, std::chrono::milliseconds max, std::chrono::milliseconds retryFor)
        : base_(base), max_(max), retryFor_(retryFor) {}

    // Full jitter: uniform in [0, min(max, base * 2^failedBefore)]; `unit` is a random number in [0, 1).
    std::chrono::milliseconds backoff(int failedBefore, double unit) const;
    // The ceiling the jitter draws under, for tests and logs.
    std::chrono::milliseconds ceiling(int failedBefore) const;

    // `failedBefore`: failed attempts before this one; `created`: when the event was created.
    Decision decide(const AttemptOutcome& outcome, int failedBefore, Clock::time_point created, Clock::time_point now,
                    double unit) const;

private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds max_;
    std::chrono::milliseconds retryFor_;
};

}  // namespace omnigate::crm
