// The administrator's lists the pipeline consults for every message (black list, spam words, auto-reply
// templates), held in memory: reading them from MariaDB per message would cost round trips on the hottest path.
// A change through the admin API invalidates the snapshot at once; a periodic reload covers other daemons.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/connection_pool.h"
#include "model/working_hours.h"

namespace omnigate {

struct AutoReplyTemplate {
    std::int64_t id = 0;
    std::string channel;
    std::string account;
    std::string queue;    // empty: any queue
    std::string trigger;  // new_interaction, out_of_hours
    std::string body;
    std::optional<WorkingHours> workingHours;
};

struct Catalog {
    std::set<std::pair<std::string, std::string>> blacklist;  // (kind, normalised value)
    std::vector<std::string> spamWords;                        // lower-cased
    std::vector<AutoReplyTemplate> autoReplies;                // active ones only
};

class CatalogCache {
public:
    CatalogCache(ConnectionPool& pool, std::chrono::milliseconds maxAge);

    // The current snapshot, reloaded first when invalidated or older than maxAge. When a reload fails the last
    // snapshot stays in use; with none at all, ApiError 503.
    std::shared_ptr<const Catalog> current();
    void invalidate();

private:
    std::shared_ptr<const Catalog> load();

    ConnectionPool& pool_;
    const std::chrono::milliseconds maxAge_;
    std::mutex mutex_;
    std::shared_ptr<const Catalog> snapshot_;
    std::chrono::steady_clock::time_point loadedAt_;
    bool stale_ = true;
};

}  // namespace omnigate
