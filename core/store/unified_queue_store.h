// The supervisor's unified queue [единая очередь]: every interaction still waiting for or held by an operator, in
// the order the distributor would hand them out (effective priority, then the longest waiting), and the same set
// counted per queue, channel, operator, status or account. Also each operator's own open interactions and the
// counters of their day. Read-only: it never locks a row, so watching the queue cannot slow routing down.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

// What the unified queue is narrowed by; an empty member narrows nothing.
struct UnifiedQueueFilter {
    std::vector<std::string> statuses;  // a subset of UnifiedQueueStore::statuses(); empty: all of those
    std::string queue;
    std::string channel;
    std::string account;
    std::string operatorId;
    std::int64_t minWaitSeconds = 0;
    std::optional<bool> unassigned;  // true: only those without an operator; false: only those with one
};

// One line of the queue. Times are ISO 8601 (empty when not set); waitedSeconds and effectivePriority are as of
// the page's moment (UnifiedQueuePage::asOf).
struct QueueEntry {
    std::int64_t id = 0;
    std::string channel;
    std::string account;
    std::string kind;
    std::int64_t clientId = 0;
    std::string clientName;
    std::string subject;
    std::string status;
    std::string queue;
    std::string operatorId;
    int priority = 0;
    double priorityStep = 0;
    std::int64_t effectivePriority = 0;
    std::int64_t waitedSeconds = 0;
    std::string createdAt;
    std::string queuedAt;
    std::string offerExpiresAt;

    Poco::JSON::Object::Ptr toJson() const;
};

// Where the previous page stopped. The moment travels with it: effective priorities grow while interactions wait,
// so the next page must be ordered as of the same moment or lines would repeat or go missing between pages.
struct QueueCursor {
    std::string asOf;  // database time (UTC) the first page was read at
    std::int64_t effectivePriority = 0;
    std::string waitingSince;  // database time: COALESCE(queued_at, created_at)
    std::int64_t id = 0;

    std::string encode() const;
    // Throws ApiError 400 naming 'cursor' when the text is not a cursor encode() made.
    static QueueCursor decode(const std::string& text);
};

struct UnifiedQueuePage {
    std::string asOf;  // database time
    std::vector<QueueEntry> entries;
    std::optional<QueueCursor> next;  // set when more lines follow
};

struct QueueGroup {
    std::optional<std::string> key;  // empty for interactions without a queue / operator
    std::int64_t count = 0;
    std::int64_t maxWaitedSeconds = 0;
    std::int64_t oldestInteractionId = 0;  // the one waiting longest

    Poco::JSON::Object::Ptr toJson() const;
};

struct OperatorDayStats {
    std::int64_t handledToday = 0;
    std::optional<double> averageHandlingSecondsToday;  // empty when nothing was handled
    std::map<std::string, std::int64_t> openByChannel;
};

class UnifiedQueueStore {
public:
    explicit UnifiedQueueStore(DbSession& session) : session_(session) {}

    // The statuses the unified queue shows: new, queued, offered, assigned, waiting, postponed, transferred.
    static const std::vector<std::string>& statuses();
    // What an operator still has on their desk: offered, assigned, waiting, postponed.
    static const std::vector<std::string>& operatorOpenStatuses();
    // The columns group() may group by: queue, channel, operator, status, account.
    static const std::vector<std::string>& groupColumns();

    // At most `limit` lines, highest effective priority first, then the longest waiting, then the lowest id;
    // continuing after `after` when given (and as of its moment). `asOf` (database time) is the moment of a first
    // page; empty: now.
    UnifiedQueuePage page(const UnifiedQueueFilter& filter, std::size_t limit,
                          const std::optional<QueueCursor>& after = std::nullopt, const std::string& asOf = "");

    // The filtered lines counted per value of `column` (one of groupColumns()), ordered by that value (no value
    // first), as of `asOf` (database time).
    std::vector<QueueGroup> group(const UnifiedQueueFilter& filter, const std::string& column,
                                  const std::string& asOf);

    bool operatorExists(const std::string& operatorId);
    // Closed by the operator within [dayStart, dayEnd) (database times), and what they have open now per channel.
    OperatorDayStats operatorStats(const std::string& operatorId, const std::string& dayStart,
                                   const std::string& dayEnd);

private:
    DbSession& session_;
};

}  // namespace omnigate
