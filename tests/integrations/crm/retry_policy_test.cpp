// When a failed webhook is tried again decides how hard a recovering CRM is hit and how long events wait: the
// backoff stays within its exponential ceiling and cap, Retry-After is honoured in both of its forms, only a
// refusal (4xx but 429) gives up at once, and nothing is retried past the retry window.
#include "retry_policy.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <gtest/gtest.h>

namespace omnigate::crm {
namespace {

using namespace std::chrono_literals;

const RetryPolicy policy(1000ms, 60000ms, 24h);

AttemptOutcome answered(long status, const std::string& retryAfter = "") {
    AttemptOutcome o;
    o.answered = true;
    o.status = status;
    o.retryAfter = retryAfter;
    return o;
}

AttemptOutcome broken(const std::string& error) {
    AttemptOutcome o;
    o.error = error;
    return o;
}

TEST(RetryPolicy, BackoffIsFullJitterUnderAnExponentialCeilingWithACap) {
    EXPECT_EQ(policy.ceiling(0), 1000ms);
    EXPECT_EQ(policy.ceiling(1), 2000ms);
    EXPECT_EQ(policy.ceiling(5), 32000ms);
    EXPECT_EQ(policy.ceiling(6), 60000ms);
    EXPECT_EQ(policy.ceiling(1000000), 60000ms);  // no overflow however many attempts failed
    for (int attempts : {0, 3, 10, 500}) {
        EXPECT_EQ(policy.backoff(attempts, 0.0), 0ms);
        EXPECT_LE(policy.backoff(attempts, 0.999999), policy.ceiling(attempts));
        EXPECT_GE(policy.backoff(attempts, 0.999999), policy.ceiling(attempts) - 1ms);
        EXPECT_EQ(policy.backoff(attempts, 0.5).count(), policy.ceiling(attempts).count() / 2);
    }
}

TEST(RetryPolicy, RetryAfterInSecondsOrAsAnHttpDate) {
    const auto now = Clock::now();
    EXPECT_EQ(parseRetryAfter("120", now), std::optional<std::chrono::milliseconds>(120000ms));
    EXPECT_EQ(parseRetryAfter(" 0\r\n", now), std::optional<std::chrono::milliseconds>(0ms));
    const Poco::DateTime later(Poco::Timestamp::fromEpochTime(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() + 90));
    const auto fromDate =
        parseRetryAfter(Poco::DateTimeFormatter::format(later, Poco::DateTimeFormat::HTTP_FORMAT), now);
    ASSERT_TRUE(fromDate.has_value());
    EXPECT_GE(*fromDate, 89000ms);
    EXPECT_LE(*fromDate, 90000ms);
    // A date in the past means "now", never a negative wait.
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), std::optional<std::chrono::milliseconds>(0ms));
    EXPECT_FALSE(parseRetryAfter("", now).has_value());
    EXPECT_FALSE(parseRetryAfter("soon", now).has_value());
    EXPECT_FALSE(parseRetryAfter("-5", now).has_value());
}

TEST(RetryPolicy, TwoHundredsComplete) {
    const auto now = Clock::now();
    for (long status : {200L, 201L, 204L, 299L}) {
        EXPECT_EQ(policy.decide(answered(status), 3, now, now, 0.5).kind, Decision::Kind::Complete) << status;
    }
}

TEST(RetryPolicy, ARefusalIsDeadLetteredAtOnceAndDoesNotCountAgainstTheEndpoint) {
    const auto now = Clock::now();
    for (long status : {400L, 401L, 404L, 410L, 422L}) {
        const Decision d = policy.decide(answered(status), 0, now, now, 0.5);
        EXPECT_EQ(d.kind, Decision::Kind::DeadLetter) << status;
        EXPECT_FALSE(d.endpointFailed);
        EXPECT_NE(d.error.find("HTTP " + std::to_string(status)), std::string::npos) << d.error;
    }
}

TEST(RetryPolicy, ServerErrorsTimeoutsRedirectsAndGarbageAreRetriedWithinTheCeiling) {
    const auto now = Clock::now();
    for (const AttemptOutcome& o : {answered(500), answered(502), answered(503), answered(302), answered(101),
                                    broken("timed out"), broken("Connection refused"), broken("not HTTP")}) {
        const Decision d = policy.decide(o, 2, now, now, 0.75);
        EXPECT_EQ(d.kind, Decision::Kind::Retry) << d.error;
        EXPECT_TRUE(d.endpointFailed);
        EXPECT_EQ(d.notBefore, now + policy.backoff(2, 0.75));
        EXPECT_FALSE(d.error.empty());
    }
    EXPECT_NE(policy.decide(answered(302), 0, now, now, 0.5).error.find("redirect"), std::string::npos);
}

TEST(RetryPolicy, TooManyRequestsHonoursRetryAfter) {
    const auto now = Clock::now();
    const Decision d = policy.decide(answered(429, "7"), 0, now, now, 0.0);
    EXPECT_EQ(d.kind, Decision::Kind::Retry);
    EXPECT_EQ(d.notBefore, now + 7s);
    // Without a readable Retry-After, the usual backoff.
    EXPECT_EQ(policy.decide(answered(429, "later"), 4, now, now, 0.5).notBefore, now + policy.backoff(4, 0.5));
}

TEST(RetryPolicy, NothingIsRetriedPastTheWindow) {
    const auto created = Clock::now();
    // Near the end: the retry is moved to the end of the window, not after it.
    const Decision late = policy.decide(answered(503, "7200"), 30, created, created + 23h + 30min, 0.5);
    EXPECT_EQ(late.kind, Decision::Kind::Retry);
    EXPECT_EQ(late.notBefore, created + 24h);
    // At or after the end: dead-lettered, and the error says why.
    const Decision over = policy.decide(broken("timed out"), 31, created, created + 24h, 0.5);
    EXPECT_EQ(over.kind, Decision::Kind::DeadLetter);
    EXPECT_NE(over.error.find("timed out"), std::string::npos);
    EXPECT_NE(over.error.find("retry window"), std::string::npos);
}

TEST(RetryPolicy, ReadsTheStoresIsoTimes) {
    const auto at = parseIsoTime("2026-11-26T01:02:03.456Z");
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count(), 1795654923456LL);
    EXPECT_FALSE(parseIsoTime("yesterday").has_value());
}

}  // namespace
}  // namespace omnigate::crm
