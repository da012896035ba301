#include "subscription_registry.h"

#include "event_mapping.h"
#include "omnigate/sdk/api_error.h"
#include "subscription_json.h"

namespace omnigate::crm {

namespace {

const std::string kStatePrefix = "subscription/";

}  // namespace

const char* const kLookupSink = "lookup";

std::string sinkOf(const std::string& subscriptionId) { return "sub:" + subscriptionId; }

SubscriptionRegistry::SubscriptionRegistry(IntegrationHost& host, std::vector<Subscription> fromConfig) : host_(host) {
    for (Subscription& s : fromConfig) {
        const std::string id = s.id;
        config_.emplace(id, std::move(s));
    }
}

void SubscriptionRegistry::subscribe(const Subscription& s) {
    // An inactive subscription queues nothing: what happens while it is off is not sent later.
    host_.subscribeEvents(sinkOf(s.id), s.active ? queuedTypes(s.events) : std::vector<std::string>{});
}

void SubscriptionRegistry::refresh() {
    std::map<std::string, Subscription> stored;
    for (const auto& [key, value] : host_.listState(kStatePrefix)) {
        std::optional<Subscription> s = fromStateJson(value);
        if (!s) {
            host_.log(LogLevel::Warning, "crm: ignored the unreadable stored subscription '" + key + "'");
            continue;
        }
        if (config_.count(s->id) > 0) continue;  // the file wins; create() refuses such ids anyway
        stored.emplace(s->id, std::move(*s));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, s] : config_) subscribe(s);
    for (const auto& [id, old] : api_) {
        if (stored.count(id) == 0) host_.subscribeEvents(sinkOf(id), {});
    }
    for (const auto& [id, s] : stored) {
        const auto old = api_.find(id);
        if (old == api_.end() || old->second.version != s.version || old->second.active != s.active ||
            old->second.events != s.events) {
            subscribe(s);
        }
    }
    api_ = std::move(stored);
}

std::vector<Subscription> SubscriptionRegistry::all() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Subscription> out;
    for (const auto& [id, s] : config_) out.push_back(s);
    for (const auto& [id, s] : api_) out.push_back(s);
    return out;
}

std::optional<Subscription> SubscriptionRegistry::find(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = config_.find(id); it != config_.end()) return it->second;
    if (const auto it = api_.find(id); it != api_.end()) return it->second;
    return std::nullopt;
}

Subscription SubscriptionRegistry::create(Subscription s) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (config_.count(s.id) > 0 || api_.count(s.id) > 0 || host_.loadState(kStatePrefix + s.id)) {
        throw ApiError(409, "subscription_exists", "a subscription with the id '" + s.id + "' already exists");
    }
    s.fromConfig = false;
    s.version = 1;
    host_.saveState(kStatePrefix + s.id, stateJson(s));
    subscribe(s);
    api_[s.id] = s;
    return s;
}

Subscription& SubscriptionRegistry::editable(const std::string& id) {
    if (config_.count(id) > 0) {
        throw ApiError(409, "defined_in_config",
                       "the subscription '" + id + "' is defined in the config file: change it there");
    }
    const auto it = api_.find(id);
    if (it == api_.end()) throw ApiError::notFound("no subscription '" + id + "'");
    return it->second;
}

Subscription SubscriptionRegistry::update(const std::string& id, const std::function<void(Subscription&)>& change) {
    std::lock_guard<std::mutex> lock(mutex_);
    editable(id);
    // Read afresh: another daemon on the same database may have changed it since the last refresh.
    const std::optional<std::string> current = host_.loadState(kStatePrefix + id);
    std::optional<Subscription> s = current ? fromStateJson(*current) : std::nullopt;
    if (!s) {
        api_.erase(id);
        host_.subscribeEvents(sinkOf(id), {});
        throw ApiError::notFound("no subscription '" + id + "'");
    }
    change(*s);
    s->fromConfig = false;
    ++s->version;
    host_.saveState(kStatePrefix + id, stateJson(*s));
    subscribe(*s);
    api_[id] = *s;
    return *s;
}

void SubscriptionRegistry::remove(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    editable(id);
    host_.eraseState(kStatePrefix + id);
    host_.subscribeEvents(sinkOf(id), {});
    // What was queued for it would otherwise wait for ever, and reach a new subscription of the same id.
    host_.purgeDeliveries(sinkOf(id));
    api_.erase(id);
}

}  // namespace omnigate::crm
