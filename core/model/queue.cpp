#include "model/queue.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <climits>
#include <set>

#include "model/local_day.h"
#include "model/online_figures.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace fields = routing_fields;

namespace {

const std::set<std::string> kSettings{"sources",     "topics",
                                      "service_levels", "max_wait_seconds",
                                      "overflow_queue", "working_hours",
                                      "distribution_mode", "offer_timeout_seconds",
                                      "auto_accept",  "wrap_up",
                                      "resolution_required", "operators_may_take",
                                      "bot_first", "bot_timeout_seconds",
                                      "thresholds", "reset_at"};

std::vector<QueueSource> parseSources(const Poco::JSON::Object::Ptr& object) {
    std::vector<QueueSource> sources;
    const auto list = fields::optionalArray(object, "sources", "sources");
    if (!list) return sources;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string at = "sources[" + std::to_string(i) + "]";
        const Poco::Dynamic::Var value = list->get(static_cast<unsigned>(i));
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
            throw ApiError::badRequest("'" + at + "' must be an object {channel, account?}");
        }
        const auto item = value.extract<Poco::JSON::Object::Ptr>();
        fields::refuseUnknown(item, {"channel", "account"}, "a queue source", at + ".");
        QueueSource source;
        const auto channel = fields::optionalString(item, "channel", at + ".channel");
        if (!channel) throw ApiError::badRequest("'" + at + ".channel' is required");
        if (channel->empty() || channel->size() > 64) {
            throw ApiError::badRequest("'" + at + ".channel' must be a channel type such as webchat");
        }
        source.channel = *channel;
        source.account = fields::optionalString(item, "account", at + ".account").value_or("");
        if (source.account.size() > 64) throw ApiError::badRequest("'" + at + ".account' is longer than 64 characters");
        for (const QueueSource& other : sources) {
            if (other.channel == source.channel && other.account == source.account) {
                throw ApiError::badRequest("'" + at + "' repeats an earlier source");
            }
        }
        sources.push_back(source);
    }
    return sources;
}

std::vector<std::int64_t> parseTopics(const Poco::JSON::Object::Ptr& object) {
    std::vector<std::int64_t> topics;
    const auto list = fields::optionalArray(object, "topics", "topics");
    if (!list) return topics;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string at = "topics[" + std::to_string(i) + "]";
        const std::int64_t id = fields::integer(list->get(static_cast<unsigned>(i)), at, 1, INT64_MAX);
        if (std::find(topics.begin(), topics.end(), id) == topics.end()) topics.push_back(id);
    }
    return topics;
}

std::map<std::string, ServiceLevel> parseServiceLevels(const Poco::JSON::Object::Ptr& object) {
    std::map<std::string, ServiceLevel> levels;
    const auto map = fields::optionalObject(object, "service_levels", "service_levels");
    if (!map) return levels;
    for (const std::string& channel : map->getNames()) {
        const std::string at = "service_levels." + channel;
        if (channel.empty() || channel.size() > 64) {
            throw ApiError::badRequest("'" + at + "': the key must be a channel type or *");
        }
        const auto item = fields::optionalObject(map, channel, at);
        if (!item) throw ApiError::badRequest("'" + at + "' must be an object");
        fields::refuseUnknown(item, {"target_percent", "threshold_seconds", "short_abandon_seconds", "count_abandons"},
                              "a service level", at + ".");
        ServiceLevel level;
        level.targetPercent = static_cast<int>(
            fields::optionalInt(item, "target_percent", at + ".target_percent", 1, 100).value_or(level.targetPercent));
        level.thresholdSeconds = static_cast<int>(
            fields::optionalInt(item, "threshold_seconds", at + ".threshold_seconds", 1, INT_MAX)
                .value_or(level.thresholdSeconds));
        level.shortAbandonSeconds = static_cast<int>(
            fields::optionalInt(item, "short_abandon_seconds", at + ".short_abandon_seconds", 0, INT_MAX)
                .value_or(level.shortAbandonSeconds));
        level.countAbandons =
            fields::optionalBool(item, "count_abandons", at + ".count_abandons").value_or(level.countAbandons);
        levels[channel] = level;
    }
    return levels;
}

DistributionMode parseMode(const std::string& text) {
    for (DistributionMode mode :
         {DistributionMode::LongestIdle, DistributionMode::LeastBusy, DistributionMode::RoundRobin}) {
        if (text == toString(mode)) return mode;
    }
    throw ApiError::badRequest("'distribution_mode' must be longest_idle, least_busy or round_robin, not '" + text +
                               "'");
}

void parseWrapUp(const Poco::JSON::Object::Ptr& object, Queue& queue) {
    const auto wrapUp = fields::optionalObject(object, "wrap_up", "wrap_up");
    if (!wrapUp) return;
    fields::refuseUnknown(wrapUp, {"mode", "seconds"}, "wrap_up", "wrap_up.");
    const std::string mode = fields::optionalString(wrapUp, "mode", "wrap_up.mode").value_or("none");
    const auto seconds = fields::optionalInt(wrapUp, "seconds", "wrap_up.seconds", 0, 86400);
    if (mode == "none" || mode == "manual") {
        if (seconds && *seconds != 0) {
            throw ApiError::badRequest("'wrap_up.seconds' applies only to mode fixed (the mode is " + mode + ")");
        }
        queue.wrapUp = mode == "none" ? WrapUpMode::None : WrapUpMode::Manual;
        queue.wrapUpSeconds = 0;
    } else if (mode == "fixed") {
        if (!seconds || *seconds <= 0) {
            throw ApiError::badRequest("'wrap_up.seconds' is required for mode fixed: from 1 to 86400");
        }
        queue.wrapUp = WrapUpMode::Fixed;
        queue.wrapUpSeconds = static_cast<int>(*seconds);
    } else {
        throw ApiError::badRequest("'wrap_up.mode' must be none, fixed or manual, not '" + mode + "'");
    }
}

}  // namespace

const char* toString(DistributionMode mode) {
    switch (mode) {
        case DistributionMode::LongestIdle: return "longest_idle";
        case DistributionMode::LeastBusy: return "least_busy";
        case DistributionMode::RoundRobin: return "round_robin";
    }
    return "longest_idle";
}

const char* toString(WrapUpMode mode) {
    switch (mode) {
        case WrapUpMode::None: return "none";
        case WrapUpMode::Fixed: return "fixed";
        case WrapUpMode::Manual: return "manual";
    }
    return "none";
}

bool Queue::accepts(const std::string& channel, const std::string& account,
                    const std::vector<std::int64_t>& interactionTopics) const {
    const bool sourced = std::any_of(sources.begin(), sources.end(), [&](const QueueSource& s) {
        return s.channel == channel && (s.account.empty() || s.account == account);
    });
    if (!sourced) return false;
    if (topics.empty()) return true;
    return std::any_of(interactionTopics.begin(), interactionTopics.end(), [&](std::int64_t topic) {
        return std::find(topics.begin(), topics.end(), topic) != topics.end();
    });
}

Queue Queue::parseSettings(const Poco::JSON::Object::Ptr& object) {
    Queue queue;
    if (object.isNull()) return queue;
    fields::refuseUnknown(object, kSettings, "a queue's settings");
    queue.sources = parseSources(object);
    queue.topics = parseTopics(object);
    queue.serviceLevels = parseServiceLevels(object);
    queue.maxWaitSeconds =
        static_cast<int>(fields::optionalInt(object, "max_wait_seconds", "max_wait_seconds", 0, INT_MAX).value_or(0));
    if (const auto overflow = fields::optionalString(object, "overflow_queue", "overflow_queue")) {
        fields::checkId(*overflow, "overflow_queue");
        queue.overflowQueue = *overflow;
    }
    if (object->has("working_hours") && !object->isNull("working_hours")) {
        const auto hours = fields::optionalObject(object, "working_hours", "working_hours");
        queue.workingHours = WorkingHours::parse(hours);
    }
    if (const auto mode = fields::optionalString(object, "distribution_mode", "distribution_mode")) {
        queue.mode = parseMode(*mode);
    }
    queue.offerTimeoutSeconds = static_cast<int>(
        fields::optionalInt(object, "offer_timeout_seconds", "offer_timeout_seconds", 1, 3600).value_or(30));
    queue.autoAccept = fields::optionalBool(object, "auto_accept", "auto_accept").value_or(false);
    parseWrapUp(object, queue);
    queue.resolutionRequired = fields::optionalBool(object, "resolution_required", "resolution_required").value_or(false);
    queue.operatorsMayTake = fields::optionalBool(object, "operators_may_take", "operators_may_take").value_or(false);
    queue.botFirst = fields::optionalBool(object, "bot_first", "bot_first").value_or(false);
    queue.botTimeoutSeconds = static_cast<int>(
        fields::optionalInt(object, "bot_timeout_seconds", "bot_timeout_seconds", 1, 3600).value_or(30));
    if (const auto thresholds = fields::optionalObject(object, "thresholds", "thresholds")) {
        const std::vector<std::string>& names = queueFigureNames();
        queue.thresholds = parseFigureThresholds(thresholds, "thresholds", {names.begin(), names.end()});
    }
    if (const auto resetAt = fields::optionalString(object, "reset_at", "reset_at")) {
        const auto minutes = parseQuarterHour(*resetAt);
        if (!minutes) {
            throw ApiError::badRequest("'reset_at' must be a time of day HH:MM on a quarter hour (00, 15, 30 or 45 "
                                       "minutes), not '" + *resetAt + "'");
        }
        queue.resetMinutes = *minutes;
    }
    return queue;
}

ServiceLevel Queue::serviceLevel(const std::string& channel) const {
    auto found = serviceLevels.find(channel);
    if (found == serviceLevels.end()) found = serviceLevels.find("*");
    return found == serviceLevels.end() ? ServiceLevel{} : found->second;
}

Poco::JSON::Object::Ptr Queue::settingsJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr sourceList = new Poco::JSON::Array;
    for (const QueueSource& s : sources) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("channel", s.channel);
        if (!s.account.empty()) item->set("account", s.account);
        sourceList->add(item);
    }
    o->set("sources", sourceList);
    Poco::JSON::Array::Ptr topicList = new Poco::JSON::Array;
    for (std::int64_t t : topics) topicList->add(t);
    o->set("topics", topicList);
    Poco::JSON::Object::Ptr levels = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [channel, level] : serviceLevels) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("target_percent", level.targetPercent);
        item->set("threshold_seconds", level.thresholdSeconds);
        item->set("short_abandon_seconds", level.shortAbandonSeconds);
        item->set("count_abandons", level.countAbandons);
        levels->set(channel, item);
    }
    o->set("service_levels", levels);
    o->set("max_wait_seconds", maxWaitSeconds);
    o->set("overflow_queue", overflowQueue.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(overflowQueue));
    o->set("working_hours", workingHours ? Poco::Dynamic::Var(workingHours->toJson()) : Poco::Dynamic::Var());
    o->set("distribution_mode", std::string(toString(mode)));
    o->set("offer_timeout_seconds", offerTimeoutSeconds);
    o->set("auto_accept", autoAccept);
    Poco::JSON::Object::Ptr wrap = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    wrap->set("mode", std::string(toString(wrapUp)));
    wrap->set("seconds", wrapUpSeconds);
    o->set("wrap_up", wrap);
    o->set("resolution_required", resolutionRequired);
    o->set("operators_may_take", operatorsMayTake);
    o->set("bot_first", botFirst);
    o->set("bot_timeout_seconds", botTimeoutSeconds);
    o->set("thresholds", figureThresholdsJson(thresholds));
    o->set("reset_at", formatTimeOfDay(resetMinutes));
    return o;
}

Poco::JSON::Object::Ptr Queue::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("name", name);
    o->set("version", version);
    o->set("created_at", createdAt);
    o->set("updated_at", updatedAt);
    const Poco::JSON::Object::Ptr settings = settingsJson();
    for (const std::string& key : settings->getNames()) o->set(key, settings->get(key));
    return o;
}

}  // namespace omnigate
