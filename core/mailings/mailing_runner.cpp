#include "mailings/mailing_runner.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Timestamp.h>
#include <cppconn/exception.h>

#include <chrono>
#include <sstream>

#include "api/report_export.h"
#include "db/db_time.h"
#include "mailings/mail_composer.h"
#include "mailings/smtp_client.h"
#include "model/internal_error.h"
#include "model/local_day.h"
#include "reports/report_builder.h"
#include "store/queue_store.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.mailings"); }

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

// Runs `work` in a transaction of its own on a pooled connection, committed before it returns.
template <typename Work>
auto inTransaction(ConnectionPool& pool, Work&& work) {
    PooledSession session = pool.acquire();
    session->execute("START TRANSACTION");
    try {
        auto result = work(*session);
        session->execute("COMMIT");
        return result;
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        try {
            session->execute("ROLLBACK");
        } catch (const sql::SQLException&) {
            session->markBroken();
        }
        throw InternalError::unavailable("recording the mailing's run failed", e.what());
    } catch (...) {
        session->execute("ROLLBACK");
        throw;
    }
}

std::string number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// "2026-12-07 12:15 (+03:00)" for a UTC time in microseconds, at the centre's offset.
std::string localTime(std::int64_t micros, int offsetMinutes) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros + std::int64_t{offsetMinutes} * 60 * 1000000),
                                           "%Y-%m-%d %H:%M") +
           " (" + formatUtcOffset(offsetMinutes) + ")";
}

Poco::JSON::Array::Ptr recipientsJson(const Mailing& m) {
    Poco::JSON::Array::Ptr to = new Poco::JSON::Array;
    for (const std::string& r : m.recipients) to->add(r);
    return to;
}

}  // namespace

MailingRunner::MailingRunner(ConnectionPool& pool, SmtpConfig smtp, int centreOffsetMinutes)
    : pool_(pool), smtp_(std::move(smtp)), centreOffsetMinutes_(centreOffsetMinutes) {
    // POCO's NetSSL counts its users; held for the runner's life so no TLS session sees it torn down.
    Poco::Net::initializeSSL();
}

MailingRunner::~MailingRunner() { Poco::Net::uninitializeSSL(); }

void MailingRunner::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
}

std::optional<MailingRun> MailingRunner::sendReports(const Mailing& mailing, const std::string& trigger,
                                                     const std::function<bool(MailingStore&)>& claim) {
    Poco::JSON::Object::Ptr contents = object();
    contents->set("recipients", recipientsJson(mailing));
    const std::optional<std::int64_t> runId = inTransaction(pool_, [&](DbSession& session) -> std::optional<std::int64_t> {
        MailingStore store(session);
        if (claim && !claim(store)) return std::nullopt;
        return store.startRun(mailing.id, trigger, contents);
    });
    if (!runId) return std::nullopt;
    MailingRun run;
    run.id = *runId;
    run.mailingId = mailing.id;
    run.trigger = trigger;
    run.status = "sending";
    run.contents = contents;

    const std::int64_t now = Poco::Timestamp().epochMicroseconds();
    std::vector<MailAttachment> attachments;
    std::string body = mailing.name + "\r\n\r\n";
    Poco::JSON::Array::Ptr sent = new Poco::JSON::Array;
    try {
        PooledSession session = pool_.acquire();
        for (const MailingReport& report : mailing.reports) {
            const ReportRequest request = report.request(now, centreOffsetMinutes_);
            ReportTable table;
            try {
                table = ReportBuilder(*session).build(request);
            } catch (const sql::SQLException& e) {
                if (isConnectionError(e)) session->markBroken();
                throw;
            }
            const SpreadsheetExport sheet = reportSpreadsheet(*request.spec, table);
            MailAttachment a;
            a.fileName = reportFileName(request, mailing.format);
            if (mailing.format == "xlsx") {
                a.mimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                a.bytes = sheet.xlsx();
            } else {
                a.mimeType = "text/csv; charset=UTF-8";
                a.bytes = sheet.csv();
            }
            Poco::JSON::Object::Ptr item = object();
            item->set("report", request.spec->name);
            item->set("title", request.spec->title);
            item->set("period", report.period);
            item->set("from", request.fromDate);
            item->set("to", request.toDate);
            item->set("file", a.fileName);
            item->set("rows", table.rows.size());
            sent->add(item);
            body += "- " + request.spec->title + ", " + request.fromDate +
                    (request.toDate == request.fromDate ? "" : " to " + request.toDate) + ": " +
                    std::to_string(table.rows.size()) + " row(s), " + a.fileName + "\r\n";
            attachments.push_back(std::move(a));
        }
    } catch (const std::exception& e) {
        run.status = "failed";
        run.reply = std::string("building the reports failed: ") + e.what();
        finish(run);
        return run;
    }
    contents->set("attachments", sent);
    body += "\r\nDays are the centre's local days (" + formatUtcOffset(centreOffsetMinutes_) +
            "); sent by omnigate's report mailing " + std::to_string(mailing.id) + ".\r\n";
    const std::string subject = mailing.name + " — " + localTime(now, centreOffsetMinutes_);
    return deliver(run, mailing.recipients, composeMail(smtp_, mailing.recipients, subject, body, attachments));
}

MailingRun MailingRunner::sendAlert(const Mailing& mailing, const std::string& trigger, const FigureReading& reading,
                                    const std::string& queueName, const std::string& asOf,
                                    const std::optional<ThresholdState>& state) {
    Poco::JSON::Object::Ptr contents = object();
    contents->set("recipients", recipientsJson(mailing));
    std::optional<FigureThreshold> threshold;
    const std::int64_t runId = inTransaction(pool_, [&](DbSession& session) {
        const std::optional<Queue> queue = QueueStore(session).find(mailing.queue);
        if (queue) {
            const auto found = queue->thresholds.find(mailing.metric);
            if (found != queue->thresholds.end()) threshold = found->second;
        }
        MailingStore store(session);
        if (state) store.saveState(mailing.id, *state);
        return store.startRun(mailing.id, trigger, contents);
    });
    const std::string value = reading.value ? number(*reading.value) : "no value";
    const std::string level = reading.value ? toString(reading.level) : "none";
    Poco::JSON::Object::Ptr alert = object();
    alert->set("queue", mailing.queue);
    alert->set("metric", mailing.metric);
    alert->set("value", reading.value ? Poco::Dynamic::Var(*reading.value) : Poco::Dynamic::Var());
    alert->set("level", reading.value ? Poco::Dynamic::Var(level) : Poco::Dynamic::Var());
    alert->set("as_of", asOf);
    std::string thresholdText = "none set";
    if (threshold) {
        Poco::JSON::Object::Ptr t = object();
        t->set("direction", threshold->higherIsWorse ? "above" : "below");
        if (threshold->warning) t->set("warning", *threshold->warning);
        if (threshold->critical) t->set("critical", *threshold->critical);
        alert->set("threshold", t);
        thresholdText = std::string(threshold->higherIsWorse ? "higher" : "lower") + " is worse";
        if (threshold->warning) thresholdText += ", warning at " + number(*threshold->warning);
        if (threshold->critical) thresholdText += ", critical at " + number(*threshold->critical);
    }
    contents->set("alert", alert);

    const std::string queueLabel = (queueName.empty() ? mailing.queue : queueName) + " (" + mailing.queue + ")";
    std::string subject;
    if (trigger == "recovery") {
        subject = "Queue " + queueLabel + ": " + mailing.metric + " is back to normal (" + value + ")";
    } else if (trigger == "alert") {
        subject = "Queue " + queueLabel + ": " + mailing.metric + " is " + level + " (" + value + ")";
    } else {
        subject = "Try-out of \"" + mailing.name + "\": queue " + queueLabel + ", " + mailing.metric + " is " + level +
                  " (" + value + ")";
    }
    std::int64_t asOfMicros = Poco::Timestamp().epochMicroseconds();
    try {
        int tz = 0;
        asOfMicros = Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, asOf, tz)
                         .timestamp()
                         .epochMicroseconds();
    } catch (const Poco::SyntaxException&) {
        // The snapshot's own time is always ISO 8601; now is close enough otherwise.
    }
    const std::string body = "Queue: " + queueLabel + "\r\nMetric: " + mailing.metric + "\r\nValue: " + value +
                             "\r\nLevel: " + level + " (this mailing alerts at " + toString(mailing.level) +
                             ")\r\nThreshold: " + thresholdText + "\r\nTime: " + localTime(asOfMicros, centreOffsetMinutes_) +
                             ", " + asOf + "\r\n\r\nSent by omnigate's threshold mailing \"" + mailing.name + "\" (" +
                             std::to_string(mailing.id) + "): an alert at most every " +
                             std::to_string(mailing.retriggerMinutes) +
                             " minutes while the level stays, and one mail when it is normal again.\r\n";
    MailingRun run;
    run.id = runId;
    run.mailingId = mailing.id;
    run.trigger = trigger;
    run.status = "sending";
    run.contents = contents;
    return deliver(run, mailing.recipients, composeMail(smtp_, mailing.recipients, subject, body, {}));
}

MailingRun MailingRunner::deliver(MailingRun run, const std::vector<std::string>& recipients, const std::string& data) {
    const SmtpClient client(smtp_);
    std::chrono::seconds backoff = smtp_.retryBackoff;
    for (;;) {
        ++run.attempts;
        const SmtpResult result = client.send(recipients, data);
        run.replyCode = result.code != 0 ? std::optional<int>(result.code) : std::nullopt;
        run.reply = result.reply;
        if (result.kind == SmtpResult::Kind::Sent) {
            run.status = "sent";
            break;
        }
        run.status = "failed";
        if (result.kind == SmtpResult::Kind::Permanent || run.attempts > smtp_.retries) break;
        std::unique_lock<std::mutex> lock(mutex_);
        if (wake_.wait_for(lock, backoff, [this] { return stopping_; })) break;
        backoff *= 2;
    }
    if (run.status == "failed") {
        logger().warning("mailing %Ld: run %Ld failed after %d attempt(s): %s", run.mailingId, run.id, run.attempts,
                         run.reply);
    }
    finish(run);
    return run;
}

void MailingRunner::finish(const MailingRun& run) {
    inTransaction(pool_, [&](DbSession& session) {
        MailingStore(session).finishRun(run);
        return true;
    });
}

}  // namespace omnigate
