// A fake BotHost for the chatbot's unit tests: in-memory plugin state, the routes the plugin registers, a queue of
// deliveries to hand out, the interactions the store would know, and a record of what the bot did through the host.
#pragma once

#include <map>
#include <mutex>
#include <optional>

#include "omnigate/sdk/api_error.h"
#include "support/unused_host.h"

namespace omnigate::chatbot::test {

class FakeHost : public omnigate::test::UnusedBotHost {
public:
    void log(LogLevel, const std::string& message) override {
        std::lock_guard<std::mutex> lock(mutex);
        logged.push_back(message);
    }
    const std::vector<AccountConfig>& accounts() const override { return entries; }
    void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) override {
        routes[method + " " + pattern] = std::move(handler);
    }
    bool isAdmin(const HttpRequest& request) const override { return request.bearerToken() == "admin-token"; }
    void setGauge(const std::string& name, const std::string&, double value) override {
        std::lock_guard<std::mutex> lock(mutex);
        gauges[name] = value;
    }
    std::optional<std::string> loadState(const std::string& key) override {
        std::lock_guard<std::mutex> lock(mutex);
        const auto it = state.find(key);
        return it == state.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void saveState(const std::string& key, const std::string& value) override {
        std::lock_guard<std::mutex> lock(mutex);
        state[key] = value;
    }
    void eraseState(const std::string& key) override {
        std::lock_guard<std::mutex> lock(mutex);
        state.erase(key);
    }
    void subscribeEvents(const std::string& sink, const std::vector<std::string>& types) override {
        std::lock_guard<std::mutex> lock(mutex);
        subscriptions[sink] = types;
    }
    std::vector<EventDelivery> leaseDeliveries(const std::string&, std::size_t limit, std::chrono::seconds) override {
        std::lock_guard<std::mutex> lock(mutex);
        // As the host does: of one topic only the oldest, so a topic's events are handled in order.
        std::vector<EventDelivery> out;
        for (auto it = queued.begin(); it != queued.end() && out.size() < limit;) {
            bool topicTaken = false;
            for (const EventDelivery& d : out) topicTaken = topicTaken || d.topic == it->topic;
            if (topicTaken) {
                ++it;
                continue;
            }
            out.push_back(*it);
            it = queued.erase(it);
        }
        return out;
    }
    void completeDelivery(std::int64_t id) override {
        std::lock_guard<std::mutex> lock(mutex);
        completed.push_back(id);
    }
    void retryDelivery(std::int64_t id, std::chrono::system_clock::time_point, const std::string&) override {
        std::lock_guard<std::mutex> lock(mutex);
        retried.push_back(id);
    }
    std::optional<std::string> interaction(std::int64_t id) override {
        std::lock_guard<std::mutex> lock(mutex);
        const auto it = interactions.find(id);
        return it == interactions.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    std::vector<StoredMessage> messages(std::int64_t, std::size_t limit) override {
        std::lock_guard<std::mutex> lock(mutex);
        std::vector<StoredMessage> out = history;
        if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<long>(limit));
        return out;
    }
    bool holdForBot(const std::string& bot, std::int64_t id) override {
        std::lock_guard<std::mutex> lock(mutex);
        const auto it = holders.find(id);
        if (it != holders.end() && it->second != bot) return false;
        holders[id] = bot;
        return true;
    }
    StoredMessage replyAsBot(const std::string& bot, std::int64_t id, const std::string& text) override {
        std::lock_guard<std::mutex> lock(mutex);
        actedAs.push_back(bot);
        if (notHeld) throw ApiError(409, "not_held_by_bot", "interaction is queued, not with the bot");
        replies.emplace_back(id, text);
        StoredMessage m;
        m.id = 900;
        m.interactionId = id;
        m.direction = Direction::Outbound;
        m.author = AuthorKind::Bot;
        m.text = text;
        return m;
    }
    void handOffToPeople(const std::string& bot, std::int64_t id, const HandOff& handOff) override {
        std::lock_guard<std::mutex> lock(mutex);
        actedAs.push_back(bot);
        if (notHeld) throw ApiError(409, "not_held_by_bot", "interaction is queued, not with the bot");
        handOffs.emplace_back(id, handOff);
    }
    void closeAsBot(const std::string& bot, std::int64_t id, const std::string& resolution) override {
        std::lock_guard<std::mutex> lock(mutex);
        actedAs.push_back(bot);
        if (notHeld) throw ApiError(409, "not_held_by_bot", "interaction is queued, not with the bot");
        closes.emplace_back(id, resolution);
    }

    std::mutex mutex;
    std::vector<AccountConfig> entries;  // the plugin's entries under `integrations:`
    std::vector<std::string> logged;
    std::map<std::string, HttpHandler> routes;
    std::map<std::string, double> gauges;
    std::map<std::string, std::string> state;
    std::map<std::string, std::vector<std::string>> subscriptions;
    std::vector<EventDelivery> queued;
    std::vector<std::int64_t> completed;
    std::vector<std::int64_t> retried;
    std::map<std::int64_t, std::string> interactions;
    std::vector<StoredMessage> history;
    bool notHeld = false;  // every bot action answers 409, as the host does for what the bot does not hold
    std::map<std::int64_t, std::string> holders;  // interaction -> the entry whose bot holds it (holdForBot)
    std::vector<std::string> actedAs;             // the entry named by each bot action, in order
    std::vector<std::pair<std::int64_t, std::string>> replies;
    std::vector<std::pair<std::int64_t, HandOff>> handOffs;
    std::vector<std::pair<std::int64_t, std::string>> closes;
};

}  // namespace omnigate::chatbot::test
