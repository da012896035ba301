#include "retry_policy.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace omnigate::crm {

namespace {

bool allDigits(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

Clock::time_point toTimePoint(const Poco::DateTime& at) {
    return Clock::time_point(std::chrono::microseconds(at.timestamp().epochMicroseconds()));
}

std::string describe(const AttemptOutcome& outcome) {
    if (!outcome.answered) return outcome.error;
    std::string text = "HTTP " + std::to_string(outcome.status);
    if (outcome.status >= 300 && outcome.status < 400)
        text += " (a redirect: not followed; point the URL at the target)";
    return text;
}

}  // namespace

std::optional<std::chrono::milliseconds> parseRetryAfter(const std::string& raw, Clock::time_point now) {
    const std::string value = trimmed(raw);
    if (value.empty()) return std::nullopt;
    if (allDigits(value)) {
        if (value.size() > 9) return std::chrono::milliseconds(std::chrono::hours(24 * 365));  // absurd: a year
        return std::chrono::milliseconds(std::stoll(value) * 1000);
    }
    // Poco's parser accepts nearly anything, so the three HTTP date forms (RFC 9110 5.6.7) are matched first.
    static const std::regex imf(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)");
    static const std::regex rfc850(R"([A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT)");
    static const std::regex ansiC(R"([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})");
    const std::pair<const std::regex*, std::string> forms[] = {{&imf, Poco::DateTimeFormat::HTTP_FORMAT},
                                                               {&rfc850, Poco::DateTimeFormat::RFC850_FORMAT},
                                                               {&ansiC, Poco::DateTimeFormat::ASCTIME_FORMAT}};
    for (const auto& [pattern, format] : forms) {
        if (!std::regex_match(value, *pattern)) continue;
        Poco::DateTime at;
        int tzd = 0;
        if (!Poco::DateTimeParser::tryParse(format, value, at, tzd)) continue;
        at.makeUTC(tzd);
        const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(toTimePoint(at) - now);
        return std::max(delay, std::chrono::milliseconds(0));
    }
    return std::nullopt;
}

std::optional<Clock::time_point> parseIsoTime(const std::string& iso) {
    static const std::regex form(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
    if (!std::regex_match(iso, form)) return std::nullopt;
    Poco::DateTime at;
    int tzd = 0;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, iso, at, tzd) &&
        !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, iso, at, tzd)) {
        return std::nullopt;
    }
    at.makeUTC(tzd);
    return toTimePoint(at);
}

std::chrono::milliseconds RetryPolicy::ceiling(int failedBefore) const {
    // Doubling past the cap stops early, so large attempt counts cannot overflow.
    std::chrono::milliseconds ceiling = base_;
    for (int i = 0; i < failedBefore && ceiling < max_; ++i) ceiling *= 2;
    return std::min(ceiling, max_);
}

std::chrono::milliseconds RetryPolicy::backoff(int failedBefore, double unit) const {
    unit = std::clamp(unit, 0.0, 1.0);
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(ceiling(failedBefore).count()) * unit));
}

Decision RetryPolicy::decide(const AttemptOutcome& outcome, int failedBefore, Clock::time_point created,
                             Clock::time_point now, double unit) const {
    Decision d;
    if (outcome.answered && outcome.status >= 200 && outcome.status < 300) return d;

    d.error = describe(outcome);
    // The receiver understood and refused: sending the same event again cannot help, so an administrator looks.
    const bool refused = outcome.answered && outcome.status >= 400 && outcome.status < 500 && outcome.status != 429;
    if (refused) {
        d.kind = Decision::Kind::DeadLetter;
        d.error += ": refused by the receiver, not retried";
        return d;
    }
    d.endpointFailed = true;
    const Clock::time_point deadline = created + retryFor_;
    if (now >= deadline) {
        d.kind = Decision::Kind::DeadLetter;
        d.error += " (gave up after " + std::to_string(failedBefore + 1) + " attempts: the retry window is over)";
        return d;
    }
    std::chrono::milliseconds delay = backoff(failedBefore, unit);
    if (outcome.answered && (outcome.status == 429 || outcome.status == 503)) {
        if (const auto asked = parseRetryAfter(outcome.retryAfter, now)) delay = *asked;
    }
    d.kind = Decision::Kind::Retry;
    // The last try happens at the end of the window, not after it.
    d.notBefore = std::min(now + delay, deadline);
    return d;
}

}  // namespace omnigate::crm
