// bench/reports: a month of a large contact centre, written straight into the tables the statistics are rebuilt
// from (interactions with their status histories, queue visits, topics and ratings; operators with their status
// histories), plus the live state of the moment: thousands waiting, the operators at work. Bulk multi-row INSERTs:
// this is seeding, not the write path, which keeps the aggregates as facts commit; `omnigate --rebuild-stats` then
// counts the aggregates from these facts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "operator_shifts.h"

namespace omnigate::bench {

struct MonthShape {
    std::int64_t interactions = 1000000;  // in all: the month's closed ones, those at work and those waiting now
    int waiting = 10000;                  // queued now
    int days = 30;                        // local days ending today
    int utcOffsetMinutes = 180;           // the daemon's stats.utc_offset
    std::int64_t now = 0;                 // UTC microseconds
};

// What went in, for the summary and the checks after the rebuild.
struct SeededCounts {
    std::int64_t interactions = 0, closed = 0, inWork = 0, waiting = 0, statusChanges = 0, queueVisits = 0,
                 topicFilings = 0, ratings = 0, operatorChanges = 0, clients = 0;
};

class MonthSeeder {
public:
    using Progress = std::function<void(const std::string& line)>;

    MonthSeeder(DbSession& session, const MonthShape& shape, Progress progress);
    ~MonthSeeder();

    // The catalogs (50 queues, 10 groups, 500 operators, break reasons, a topic tree), the clients, the month's
    // closed interactions, the operators' histories and the live state, each in transactions of a few thousand rows.
    SeededCounts run();

    static constexpr int kQueues = 50;
    static constexpr int kGroups = 10;
    static constexpr int kOperators = 500;

private:
    class Rows;

    void catalogs();
    void clients();
    void closedInteractions(std::int64_t count);
    void operatorHistories(const std::vector<std::vector<StatusChange>>& changes);
    void liveState(const std::vector<std::vector<StatusChange>>& changes, std::int64_t firstId);

    std::vector<std::int64_t> creationTimes(std::int64_t count);
    int pickQueue();
    std::string pickChannel(int queue);

    DbSession& session_;
    MonthShape shape_;
    Progress progress_;
    std::int64_t monthStart_ = 0;  // UTC microseconds of the first local midnight
    OperatorShifts shifts_;
    std::mt19937_64 random_{20261207};
    std::unique_ptr<Rows> interactions_, history_, visits_, topics_;
    SeededCounts counts_;
};

}  // namespace omnigate::bench
