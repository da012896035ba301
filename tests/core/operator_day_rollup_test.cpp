// The operators' rows per local day against the real MariaDB (docs/reports.md, "Rows per day"): over four local
// days at +03:00, with statuses that cross midnight and the period's edges, the operator figures a report reads
// through the day rows are the ones the quarter hours give, before and after a long status that ends later reaches
// back into the rolled-up days; two sessions rolling up the same days at once count each day once; long statuses
// that end while their days are being rolled up are counted in both; and a part of a day, as the online snapshot
// asks, never rolls anything up. The days are in 2001, which nothing else counts in:
// each test empties their rollups first and uses operators of its own.
#include <gtest/gtest.h>

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <sstream>
#include <thread>

#include "db/connection_pool.h"
#include "db/migrator.h"
#include "store/operator_day_rollup.h"
#include "store/report_reader.h"
#include "store/stats_facts.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

// 2001-03-01 to 2001-03-04, local days at +03:00: from 2001-02-28 21:00 UTC, four days.
const std::string kFrom = "2001-02-28 21:00:00", kTo = "2001-03-04 21:00:00";

std::int64_t micros(const std::string& dbTime) {
    int tz = 0;
    return Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S", dbTime, tz).timestamp().epochMicroseconds();
}

std::string describe(const std::map<std::string, OperatorCounts>& counts) {
    std::ostringstream out;
    for (const auto& [op, c] : counts) {
        out << op << ": handled " << c.handled << " handle " << c.handleMs << " first " << c.firstResponses << "/"
            << c.firstResponseMs << " ratings " << c.ratings << "/" << c.ratingSum << "/" << c.ratingsTopTwo
            << " lapsed " << c.notResponding << " ready " << c.readyMs << " busy " << c.busyMs << " wrap-up "
            << c.wrapUpMs << " break " << c.breakMs << " not responding " << c.notRespondingMs << "\n";
    }
    return out.str();
}

class OperatorDayRollupTest : public ::testing::Test {
protected:
    void SetUp() override {
        DatabaseConfig db;
        db.port = test::requireEnvInt("OMNIGATE_DB_PORT");
        db.name = test::requireEnv("OMNIGATE_DB_NAME");
        db.user = test::requireEnv("OMNIGATE_DB_USER");
        db.password = test::requireEnv("OMNIGATE_DB_PASSWORD");
        pool_ = std::make_unique<ConnectionPool>(db);
        session_ = pool_->connect();
        Migrator(*session_, [](const std::string&) {}).apply(builtInMigrations());
        const std::string tag = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
        a_ = "rollup-a-" + tag;
        b_ = "rollup-b-" + tag;
        for (const char* table : {"stats_operator_days", "stats_operator_status_days", "stats_operator_rolled_days"}) {
            session_->execute(std::string("DELETE FROM ") + table + " WHERE day_start >= '2001-01-01' AND day_start < "
                                                                    "'2002-01-01'");
        }
    }

    // The facts, through the write path's own code: statuses cut at quarter hours, some across midnight (21:00
    // UTC) and across the period's edges; handled, ratings and first responses on two channels; lapsed offers.
    void record() {
        StatsFacts facts(*session_);
        facts.statusEnded(a_, "ready", "", "2001-02-28 20:10:00.250", "2001-03-01 02:07:30.125");
        facts.statusEnded(a_, "break", "Lunch", "2001-03-01 09:00:00.000", "2001-03-01 09:45:10.333");
        facts.statusEnded(a_, "busy", "", "2001-03-02 20:50:00.000", "2001-03-03 23:30:00.500");
        facts.statusEnded(a_, "wrap_up", "", "2001-03-03 23:30:00.500", "2001-03-03 23:31:07.001");
        facts.statusEnded(b_, "wrap_up", "", "2001-03-02 20:59:59.999", "2001-03-04 19:00:00.001");
        facts.statusEnded(b_, "ready", "", "2001-03-04 20:00:00.000", "2001-03-05 01:00:00.000");
        facts.statusEnded(b_, "not_responding", "", "2001-03-01 12:00:00.000", "2001-03-01 12:00:30.000");
        for (const char* at : {"2001-02-28 20:59:00.000", "2001-03-01 12:00:00.000", "2001-03-02 21:00:00.000",
                               "2001-03-04 20:59:59.999", "2001-03-04 21:00:00.000"}) {
            facts.notResponding(b_, at);
        }
        const auto counts = [&](const std::string& at, const std::string& op, const char* channel, int handled,
                                int handleMs, int rating) {
            sql::PreparedStatement& q = session_->prepare(
                "INSERT INTO stats_operator_intervals (interval_start, operator, channel, handled, handle_ms, "
                "first_responses, first_response_ms, ratings, rating_sum, ratings_top_two) VALUES (?, ?, ?, ?, ?, 1, "
                "?, 1, ?, ?) ON DUPLICATE KEY UPDATE handled = handled + VALUES(handled)");
            q.setString(1, at);
            q.setString(2, op);
            q.setString(3, channel);
            q.setInt(4, handled);
            q.setInt(5, handleMs);
            q.setInt(6, handleMs / 7);
            q.setInt(7, rating);
            q.setInt(8, rating >= 4 ? 1 : 0);
            q.executeUpdate();
        };
        counts("2001-02-28 20:45:00", a_, "webchat", 3, 91000, 5);
        counts("2001-02-28 21:00:00", a_, "webchat", 2, 61000, 4);
        counts("2001-02-28 21:00:00", a_, "email", 1, 3600000, 2);
        counts("2001-03-02 08:15:00", a_, "webchat", 7, 700001, 3);
        counts("2001-03-03 20:45:00", b_, "whatsapp", 4, 120000, 5);
        counts("2001-03-04 20:45:00", b_, "webchat", 1, 1000, 1);
        counts("2001-03-04 21:00:00", b_, "webchat", 9, 9000, 5);
    }

    ReportScope scope(bool wholeDays) const {
        ReportScope s;
        s.from = kFrom;
        s.to = kTo;
        s.wholeDays = wholeDays;
        s.fromMicros = micros(kFrom);
        s.toMicros = micros(kTo);
        s.operators = {a_, b_};
        return s;
    }

    // The figures from the quarter hours alone must be the figures through the day rows, to the millisecond.
    void expectSameEitherWay() {
        ReportReader reader(*session_);
        const auto quarters = reader.operators(scope(false));
        const auto days = reader.operators(scope(true));
        EXPECT_EQ(describe(days), describe(quarters));
        EXPECT_EQ(reader.statusTimes(scope(true)), reader.statusTimes(scope(false)));
        EXPECT_EQ(quarters.size(), 2u) << describe(quarters);
    }

    std::int64_t scalar(const std::string& sql) {
        std::unique_ptr<sql::Statement> q(session_->connection().createStatement());
        std::unique_ptr<sql::ResultSet> rs(q->executeQuery(sql));
        rs->next();
        return rs->getInt64(1);
    }

    std::int64_t rolledDays() {
        return scalar("SELECT COUNT(*) FROM stats_operator_rolled_days WHERE day_start >= '" + kFrom +
                      "' AND day_start < '" + kTo + "'");
    }

    std::unique_ptr<ConnectionPool> pool_;
    std::unique_ptr<DbSession> session_;
    std::string a_, b_;
};

TEST_F(OperatorDayRollupTest, TheDayRowsGiveWhatTheQuarterHoursGiveAlsoAfterALateStatus) {
    record();
    expectSameEitherWay();
    ASSERT_EQ(rolledDays(), 4) << "each whole day of the period was rolled up";
    EXPECT_GT(scalar("SELECT COUNT(*) FROM stats_operator_status_days WHERE operator = '" + b_ + "'"), 0);
    EXPECT_GT(scalar("SELECT COUNT(*) FROM stats_operator_days WHERE operator = '" + a_ + "'"), 0);

    // A break that began in the first day ends in the fourth: its time goes back into the rolled-up days too.
    const auto before = ReportReader(*session_).statusTimes(scope(true));
    StatsFacts(*session_).statusEnded(b_, "break", "Meeting", "2001-03-01 23:00:00.000", "2001-03-04 03:00:00.000");
    expectSameEitherWay();
    const auto after = ReportReader(*session_).statusTimes(scope(true));
    const auto meeting = after.find({b_, "break", "Meeting"});
    ASSERT_NE(meeting, after.end());
    EXPECT_EQ(meeting->second, 52LL * 3600 * 1000);
    EXPECT_EQ(before.count({b_, "break", "Meeting"}), 0u);
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(duration_ms), 0) FROM stats_operator_status_days WHERE operator = '" + b_ +
                     "' AND reason = 'Meeting'"),
              52LL * 3600 * 1000)
        << "the day rows hold it, not only the quarter hours";
}

TEST_F(OperatorDayRollupTest, TwoSessionsRollingUpTheSameDaysCountEachOnce) {
    record();
    std::vector<std::map<std::string, OperatorCounts>> results(2);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&, i] {
            auto session = pool_->connect();
            results[i] = ReportReader(*session).operators(scope(true));
        });
    }
    for (std::thread& t : threads) t.join();
    const auto quarters = ReportReader(*session_).operators(scope(false));
    EXPECT_EQ(describe(results[0]), describe(quarters));
    EXPECT_EQ(describe(results[1]), describe(quarters));
    EXPECT_EQ(rolledDays(), 4);
}

TEST_F(OperatorDayRollupTest, LongStatusesEndingWhileTheirDaysAreRolledUpAreCountedInBoth) {
    // Sixty days rolled up on one connection while another ends long statuses across them, each in a read-committed
    // transaction of its own as the write path runs them (and retried after a deadlock as it retries them).
    constexpr int kDays = 60;
    const std::int64_t from = micros(kFrom), to = from + kDays * OperatorDayRollup::kDayMicros;
    std::thread writer([&] {
        auto session = pool_->connect();
        for (int i = 0; i < 200; ++i) {
            const std::int64_t since = from + (i * 7919LL % (kDays * 24)) * 3600 * 1000 * 1000 + i * 1000;
            const auto text = [](std::int64_t t) {
                return Poco::DateTimeFormatter::format(Poco::Timestamp(t), "%Y-%m-%d %H:%M:%S.%i");
            };
            for (int attempt = 0;; ++attempt) {
                try {
                    session->execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
                    session->execute("START TRANSACTION");
                    StatsFacts(*session).statusEnded(a_, i % 2 ? "ready" : "busy", "", text(since),
                                                     text(since + (1 + i % 40) * 3600LL * 1000 * 1000));
                    session->execute("COMMIT");
                    break;
                } catch (const sql::SQLException& e) {
                    session->execute("ROLLBACK");
                    if (!isTransactionAborted(e) || attempt == 5) throw;
                }
            }
        }
    });
    std::size_t rolled = 0;
    {
        auto session = pool_->connect();
        rolled = OperatorDayRollup(*session).days(from, to, Poco::Timestamp().epochMicroseconds()).size();
    }
    writer.join();
    EXPECT_GT(rolled, 0u);
    ReportScope days = scope(true), quarters = scope(false);
    days.toMicros = to;
    quarters.to = days.to = Poco::DateTimeFormatter::format(Poco::Timestamp(to), "%Y-%m-%d %H:%M:%S");
    ReportReader reader(*session_);
    EXPECT_EQ(reader.statusTimes(days), reader.statusTimes(quarters));
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM stats_operator_rolled_days WHERE day_start >= '" + kFrom +
                     "' AND day_start < '" + days.to + "'"),
              kDays);
}

TEST_F(OperatorDayRollupTest, APartOfADayRollsNothingUp) {
    record();
    ReportScope part = scope(false);
    part.to = "2001-03-01 12:00:00";
    ReportReader(*session_).operators(part);
    EXPECT_EQ(rolledDays(), 0);
    // Nor does a day that has not ended two hours ago.
    const std::int64_t now = micros(kTo) + OperatorDayRollup::kSettleMicros - 1;
    EXPECT_EQ(OperatorDayRollup(*session_).days(micros(kFrom), micros(kTo), now).size(), 3u);
}

}  // namespace
}  // namespace omnigate
