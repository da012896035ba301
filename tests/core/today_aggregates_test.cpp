// The day's sums the online snapshot keeps between reads (TodayAggregates), against the real MariaDB: what they add
// up to equals summing the whole day afresh, also when a status that was in progress when the sums were taken ends
// later and writes its time into the quarter hours already summed.
#include <gtest/gtest.h>

#include <Poco/DateTimeParser.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>

#include "db/connection_pool.h"
#include "db/migrator.h"
#include "stats/today_aggregates.h"
#include "store/report_reader.h"
#include "store/stats_facts.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

// A day far from the real one, so that nothing else written today is in it.
constexpr const char* kMidnight = "2031-03-10 00:00:00.000";

std::int64_t micros(const std::string& dbTime) {
    int tz = 0;
    return Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S.%i", dbTime, tz).timestamp().epochMicroseconds();
}

class TodayAggregatesTest : public ::testing::Test {
protected:
    TodayAggregatesTest() : pool_(database()) {}
    void SetUp() override {
        session_ = pool_.connect();
        Migrator(*session_, [](const std::string&) {}).apply(builtInMigrations());
        op_ = "op-today-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
    }
    static DatabaseConfig database() {
        DatabaseConfig db;
        db.port = test::requireEnvInt("OMNIGATE_DB_PORT");
        db.name = test::requireEnv("OMNIGATE_DB_NAME");
        db.user = test::requireEnv("OMNIGATE_DB_USER");
        db.password = test::requireEnv("OMNIGATE_DB_PASSWORD");
        return db;
    }

    // The operator is in `status` since `since`, as the routing store leaves it.
    void setStatus(const std::string& status, const std::string& since) {
        sql::PreparedStatement& upsert = session_->prepare(
            "INSERT INTO operators (id, name, capacities, status, status_since, created_at, updated_at) VALUES (?, ?, "
            "'{}', ?, ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), status_since = VALUES(status_since)");
        upsert.setString(1, op_);
        upsert.setString(2, op_);
        upsert.setString(3, status);
        upsert.setString(4, since);
        upsert.setString(5, since);
        upsert.setString(6, since);
        upsert.executeUpdate();
    }
    void endStatus(const std::string& status, const std::string& since, const std::string& now) {
        StatsFacts(*session_).statusEnded(op_, status, "", since, now);
    }

    // The operator's figures as the snapshot makes them: the sums, and the current status from where they stop.
    OperatorCounts kept(TodayAggregates& today, const std::string& now, const std::string& status,
                        const std::string& since) {
        const TodayAggregates::Day day = today.read(*session_, {}, micros(kMidnight), micros(now));
        OperatorCounts out = day.operators.count(op_) != 0 ? day.operators.at(op_) : OperatorCounts{};
        const std::int64_t from = std::max(micros(since), day.currentStatusFrom);
        if (from < micros(now)) out.addStatusTime(status, (micros(now) - from) / 1000);
        return out;
    }
    // The same summed afresh from every row of the day.
    OperatorCounts afresh(const std::string& now, const std::string& status, const std::string& since) {
        ReportScope scope;
        scope.from = kMidnight;
        scope.to = "9999-12-31 00:00:00";
        scope.operators = {op_};
        const auto all = ReportReader(*session_).operators(scope);
        OperatorCounts out = all.count(op_) != 0 ? all.at(op_) : OperatorCounts{};
        const std::int64_t from = std::max(micros(since), micros(kMidnight));
        out.addStatusTime(status, (micros(now) - from) / 1000);
        return out;
    }

    ConnectionPool pool_;
    std::unique_ptr<DbSession> session_;
    std::string op_;
};

void expectSame(const OperatorCounts& a, const OperatorCounts& b, const std::string& when) {
    EXPECT_EQ(a.readyMs, b.readyMs) << when;
    EXPECT_EQ(a.busyMs, b.busyMs) << when;
    EXPECT_EQ(a.breakMs, b.breakMs) << when;
    EXPECT_EQ(a.notResponding, b.notResponding) << when;
}

TEST_F(TodayAggregatesTest, KeptSumsAddUpToTheWholeDayAfterAStatusInProgressEnds) {
    TodayAggregates today;
    // Busy from before midnight to 08:05 (only the day's part counts), then ready.
    endStatus("busy", "2031-03-09 23:50:00.000", "2031-03-10 08:05:00.000");
    setStatus("ready", "2031-03-10 08:05:00.000");

    // 10:20: the sums are taken up to 10:15, with the ready time up to then that its end will write.
    OperatorCounts now = kept(today, "2031-03-10 10:20:00.000", "ready", "2031-03-10 08:05:00.000");
    expectSame(now, afresh("2031-03-10 10:20:00.000", "ready", "2031-03-10 08:05:00.000"), "10:20");
    EXPECT_EQ(now.busyMs, (8 * 60 + 5) * 60 * 1000) << "from midnight";
    EXPECT_EQ(now.readyMs, (2 * 60 + 15) * 60 * 1000);

    // 10:22 the ready status ends (writing 08:05 to 10:22 across the quarter hours, most of them summed already),
    // a break begins, an offer lapses; read again at 10:25 with the same sums kept.
    endStatus("ready", "2031-03-10 08:05:00.000", "2031-03-10 10:22:00.000");
    setStatus("break", "2031-03-10 10:22:00.000");
    StatsFacts(*session_).notResponding(op_, "2031-03-10 10:23:00.000");
    now = kept(today, "2031-03-10 10:25:00.000", "break", "2031-03-10 10:22:00.000");
    expectSame(now, afresh("2031-03-10 10:25:00.000", "break", "2031-03-10 10:22:00.000"), "10:25");
    EXPECT_EQ(now.readyMs, (2 * 60 + 17) * 60 * 1000) << "the ready time counted once";
    EXPECT_EQ(now.breakMs, 3 * 60 * 1000);
    EXPECT_EQ(now.notResponding, 1);

    // At the next quarter hour the sums are taken again from the rows: the same figures.
    now = kept(today, "2031-03-10 10:50:00.000", "break", "2031-03-10 10:22:00.000");
    expectSame(now, afresh("2031-03-10 10:50:00.000", "break", "2031-03-10 10:22:00.000"), "10:50");
    EXPECT_EQ(now.breakMs, 28 * 60 * 1000);
}

}  // namespace
}  // namespace omnigate
