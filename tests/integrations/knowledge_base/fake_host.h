// A fake IntegrationHost for the suggester's unit tests: an in-memory plugin state, the core's shared templates and
// their uses, a queue of deliveries to hand out, the interactions the store would know, and a record of what was
// published, completed and retried. `failStore` makes every store call throw as the real host does when MariaDB is
// down.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "omnigate/sdk/api_error.h"
#include "support/unused_host.h"

namespace omnigate::knowledge_base::test {

class FakeHost : public omnigate::test::UnusedIntegrationHost {
public:
    struct Published {
        std::string topic;
        std::string type;
        std::string data;
    };

    void log(LogLevel, const std::string& message) override {
        std::lock_guard<std::mutex> lock(mutex);
        logged.push_back(message);
    }
    const std::vector<AccountConfig>& accounts() const override { return entries; }
    void setGauge(const std::string& name, const std::string&, double value) override {
        std::lock_guard<std::mutex> lock(mutex);
        gauges[name] = value;
    }

    std::optional<std::string> loadState(const std::string& key) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        const auto it = state.find(key);
        return it == state.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void saveState(const std::string& key, const std::string& value) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        state[key] = value;
    }
    void eraseState(const std::string& key) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        state.erase(key);
    }
    std::vector<std::pair<std::string, std::string>> listState(const std::string& prefix) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        std::vector<std::pair<std::string, std::string>> rows;
        for (auto it = state.lower_bound(prefix); it != state.end() && it->first.rfind(prefix, 0) == 0; ++it) {
            rows.emplace_back(it->first, it->second);
        }
        return rows;
    }

    void subscribeEvents(const std::string& sink, const std::vector<std::string>& types) override {
        std::lock_guard<std::mutex> lock(mutex);
        subscriptions[sink] = types;
    }
    std::vector<EventDelivery> leaseDeliveries(const std::string& sink, std::size_t limit,
                                               std::chrono::seconds) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        std::vector<EventDelivery> out;
        while (!queued.empty() && out.size() < limit) {
            out.push_back(queued.front());
            out.back().sink = sink;
            queued.erase(queued.begin());
        }
        return out;
    }
    void completeDelivery(std::int64_t id) override {
        std::lock_guard<std::mutex> lock(mutex);
        completed.push_back(id);
    }
    void retryDelivery(std::int64_t id, std::chrono::system_clock::time_point, const std::string& error) override {
        std::lock_guard<std::mutex> lock(mutex);
        retried.emplace_back(id, error);
    }
    void deadLetterDelivery(std::int64_t id, const std::string&) override {
        std::lock_guard<std::mutex> lock(mutex);
        dead.push_back(id);
    }

    std::vector<SharedTemplate> sharedTemplates() override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        return shared;
    }
    std::map<std::string, std::int64_t> templateUses(const std::string& operatorId, const std::string& queue) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        std::map<std::string, std::int64_t> out;
        for (const auto& [key, n] : uses) {
            if (key.first == operatorId || key.first == queue) out[key.second] += n;
        }
        return out;
    }
    // As the core: once per legacy id; a queue it does not know is a 400.
    bool importTemplate(const std::string& legacyId, const SharedTemplate& templ) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        for (const std::string& queue : templ.queues) {
            if (!knownQueues.count(queue)) throw ApiError::badRequest("'queues': there is no queue '" + queue + "'");
        }
        if (!imported.insert(legacyId).second) return false;
        SharedTemplate stored = templ;
        stored.id = std::to_string(shared.size() + 1);
        shared.push_back(stored);
        return true;
    }

    std::optional<std::string> interaction(std::int64_t id) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkStore();
        const auto it = interactions.find(id);
        return it == interactions.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void publish(const std::string& topic, const std::string& type, const std::string& data) override {
        std::lock_guard<std::mutex> lock(mutex);
        if (failPublish) throw ApiError::unavailable("the outbox is down");
        published.push_back({topic, type, data});
    }

    std::vector<AccountConfig> entries;
    std::map<std::string, std::string> state;
    std::vector<SharedTemplate> shared;
    std::map<std::pair<std::string, std::string>, std::int64_t> uses;  // {operator or queue, template id} -> uses
    std::set<std::string> imported;     // legacy ids moved in
    std::set<std::string> knownQueues;  // what importTemplate accepts
    std::map<std::string, std::vector<std::string>> subscriptions;
    std::vector<EventDelivery> queued;
    std::map<std::int64_t, std::string> interactions;
    std::vector<Published> published;
    std::vector<std::int64_t> completed;
    std::vector<std::pair<std::int64_t, std::string>> retried;
    std::vector<std::int64_t> dead;
    std::map<std::string, double> gauges;
    std::vector<std::string> logged;
    bool failStore = false;
    bool failPublish = false;
    std::mutex mutex;

private:
    void checkStore() const {
        if (failStore) throw ApiError::unavailable("the database is down");
    }
};

}  // namespace omnigate::knowledge_base::test
