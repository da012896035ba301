#include "mailings/mailing_scheduler.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <chrono>

#include "db/db_time.h"
#include "model/internal_error.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.mailings"); }

// At least this often, whether or not a snapshot came: "every minute" with room for a slow round.
constexpr auto kWakeAtLeastEvery = std::chrono::seconds(30);

std::int64_t micros(const std::string& dbTime) {
    int tz = 0;
    return Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S.%i", dbTime, tz).timestamp().epochMicroseconds();
}

std::string dbTimeOf(std::int64_t micros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%d %H:%M:%S.%i");
}

}  // namespace

MailingScheduler::MailingScheduler(ConnectionPool& pool, MailingRunner& runner)
    : pool_(pool), runner_(runner), lock_(pool, "omnigate.mailings") {}

MailingScheduler::~MailingScheduler() { stop(); }

void MailingScheduler::start() { thread_ = std::thread([this] { loop(); }); }

void MailingScheduler::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    runner_.stop();
    if (thread_.joinable()) thread_.join();
}

void MailingScheduler::offer(QueueReadings readings) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        offered_ = std::move(readings);  // only the latest counts
    }
    wake_.notify_one();
}

void MailingScheduler::loop() {
    bool warned = false;
    for (;;) {
        std::optional<QueueReadings> readings;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait_for(lock, kWakeAtLeastEvery, [this] { return stopping_ || offered_.has_value(); });
            if (stopping_) break;
            readings.swap(offered_);
        }
        try {
            if (!lead()) continue;
            sendDue();
            if (readings) judge(*readings);
            warned = false;
        } catch (const std::exception& e) {
            // Once per outage, not at every wake-up; what was due is still due at the next.
            if (!warned) logger().warning("mailings: a round failed (tried again at the next): %s", withCause(e));
            warned = true;
        }
    }
    lock_.release();
}

bool MailingScheduler::lead() {
    const LeaderLock::Lead lead = lock_.lead();
    if (lead != LeaderLock::Lead::Taken) return lead == LeaderLock::Lead::Kept;
    // The daemon that led before may have died while sending: its runs say so, and are not sent again.
    PooledSession session = pool_.acquire();
    const int interrupted = MailingStore(*session).failInterrupted();
    logger().information("mailings: this daemon sends the mailings now%s",
                         interrupted > 0 ? " (" + std::to_string(interrupted) + " run(s) left sending by a daemon "
                                           "that stopped are marked failed)"
                                         : std::string());
    return true;
}

void MailingScheduler::sendDue() {
    std::vector<Mailing> due;
    {
        PooledSession session = pool_.acquire();
        due = MailingStore(*session).due();
    }
    for (const Mailing& m : due) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) return;
        }
        // Once, however many runs were missed while no daemon led: the next run is the first after now.
        const std::string next = dbTimeOf(m.schedule.nextAfter(Poco::Timestamp().epochMicroseconds()));
        const auto run = runner_.sendReports(m, "schedule", [&](MailingStore& store) {
            return store.claimRun(m.id, m.nextRunAt, next);
        });
        if (run && run->status == "sent") {
            logger().information("mailing %Ld (%s) sent to %z recipient(s), run %Ld", m.id, m.name,
                                 m.recipients.size(), run->id);
        }
    }
}

void MailingScheduler::judge(const QueueReadings& readings) {
    std::vector<Mailing> watching;
    {
        PooledSession session = pool_.acquire();
        watching = MailingStore(*session).thresholdMailings();
    }
    const std::int64_t now = Poco::Timestamp().epochMicroseconds();
    for (const Mailing& m : watching) {
        const std::optional<FigureReading> reading = readings.find(m.queue, m.metric);
        if (!reading || !reading->value) continue;  // nothing to judge: no level either
        ThresholdState next = m.state;
        next.level = toString(reading->level);
        const bool reached = static_cast<int>(reading->level) >= static_cast<int>(m.level);
        const bool quiet = !m.state.lastAlertAt.empty() &&
                           now - micros(m.state.lastAlertAt) < std::int64_t{m.retriggerMinutes} * 60 * 1000000;
        const auto name = readings.names.find(m.queue);
        const std::string queueName = name == readings.names.end() ? m.queue : name->second;
        if (reached && !quiet) {
            next.alerting = true;
            next.lastAlertAt = nowDbTime();
            runner_.sendAlert(m, "alert", *reading, queueName, readings.asOf, next);
        } else if (reading->level == Level::Normal && m.state.alerting) {
            next.alerting = false;
            runner_.sendAlert(m, "recovery", *reading, queueName, readings.asOf, next);
        } else if (next.level != m.state.level) {
            PooledSession session = pool_.acquire();
            MailingStore(*session).saveState(m.id, next);
        }
    }
}

}  // namespace omnigate
