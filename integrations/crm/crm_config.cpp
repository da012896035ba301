#include "crm_config.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "subscription_rules.h"

namespace omnigate::crm {

namespace {

void failIf(const ConfigNode& node, const std::optional<std::string>& problem) {
    if (problem) node.fail(*problem);
}

Subscription parseSubscription(const ConfigNode& node) {
    node.expectMap();
    node.expectKeys({"id", "url", "secret", "events", "active"});
    Subscription s;
    s.fromConfig = true;
    s.id = node.getString("id");
    failIf(node["id"], checkSubscriptionId(s.id));
    s.url = node.getString("url");
    failIf(node["url"], checkUrl(s.url));
    s.secret = node.getString("secret");
    failIf(node["secret"], checkSecret(s.secret));
    const ConfigNode events = node.child("events");
    for (const ConfigNode& event : events.elements()) {
        const std::string type = event.asString();
        failIf(event, checkEventType(type));
        if (std::find(s.events.begin(), s.events.end(), type) == s.events.end()) s.events.push_back(type);
    }
    if (s.events.empty()) events.fail("expected at least one event type");
    s.active = node.getBool("active", true);
    return s;
}

std::chrono::milliseconds millis(const ConfigNode& settings, const char* key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) {
    return std::chrono::milliseconds(settings.getInt(key, fallback, min, max));
}

}  // namespace

CrmConfig parseCrmConfig(const ConfigNode& settings) {
    settings.expectKeys({"subscriptions", "connect_timeout_ms", "timeout_ms", "retry_for_hours", "backoff_base_ms",
                         "backoff_max_ms", "pause_after_failures", "pause_seconds", "max_response_bytes", "concurrency",
                         "poll_interval_ms", "client_lookup"});
    CrmConfig c;
    std::set<std::string> ids;
    for (const ConfigNode& item : settings["subscriptions"].elements()) {
        Subscription s = parseSubscription(item);
        if (!ids.insert(s.id).second) item["id"].fail("'" + s.id + "' is configured twice in this list");
        c.subscriptions.push_back(std::move(s));
    }
    c.connectTimeout = millis(settings, "connect_timeout_ms", 2000, 10, 600000);
    c.timeout = millis(settings, "timeout_ms", 10000, 10, 600000);
    if (c.connectTimeout > c.timeout) {
        settings["connect_timeout_ms"].fail("must not be longer than timeout_ms (" + std::to_string(c.timeout.count()) +
                                            "), which bounds the whole attempt");
    }
    const ConfigNode retryFor = settings["retry_for_hours"];
    if (retryFor.defined()) {
        // A fraction is allowed (0.5: half an hour), so tests and impatient receivers can shorten it.
        const double hours = retryFor.asDouble();
        if (!(hours > 0) || hours > 720) retryFor.fail("expected a number of hours above 0 and at most 720");
        c.retryFor = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(hours * 3600 * 1000)));
        if (c.retryFor.count() < 1) retryFor.fail("is shorter than a millisecond");
    }
    c.backoffBase = millis(settings, "backoff_base_ms", 1000, 1, 3600000);
    c.backoffMax = millis(settings, "backoff_max_ms", 600000, 1, 24LL * 3600000);
    if (c.backoffBase > c.backoffMax) {
        settings["backoff_base_ms"].fail("must not be longer than backoff_max_ms (" +
                                         std::to_string(c.backoffMax.count()) + ")");
    }
    c.pauseAfterFailures = static_cast<int>(settings.getInt("pause_after_failures", 10, 1, 1000000));
    c.pauseFor = std::chrono::seconds(settings.getInt("pause_seconds", 60, 1, 86400));
    c.maxResponseBytes = static_cast<std::size_t>(settings.getInt("max_response_bytes", 65536, 1, 64LL << 20));
    c.concurrency = static_cast<std::size_t>(settings.getInt("concurrency", 8, 1, 256));
    c.pollInterval = millis(settings, "poll_interval_ms", 500, 10, 60000);

    const ConfigNode lookup = settings["client_lookup"];
    if (lookup.defined()) {
        lookup.expectMap();
        lookup.expectKeys({"url", "secret", "timeout_ms", "cache_seconds"});
        ClientLookupConfig l;
        l.url = lookup.getString("url");
        failIf(lookup["url"], checkUrl(l.url));
        l.secret = lookup.getString("secret");
        failIf(lookup["secret"], checkSecret(l.secret));
        l.timeout = millis(lookup, "timeout_ms", 3000, 10, 600000);
        l.cacheFor = std::chrono::seconds(lookup.getInt("cache_seconds", 300, 0, 7 * 86400));
        c.clientLookup = std::move(l);
    }
    return c;
}

}  // namespace omnigate::crm
