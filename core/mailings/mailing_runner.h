// Runs a mailing once: a periodic one's reports built with ReportBuilder as of now and attached as XLSX or CSV
// through the reports' own export, a threshold one's alert or recovery; sends it through the SMTP account with
// retries and records the run. The run is written as `sending` (in its own committed transaction) before the first
// byte goes to the server, and finished with the outcome, so a daemon that dies in between leaves a trace and
// never an unexplained second mail.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "mailings/mailing.h"
#include "mailings/mailing_store.h"
#include "mailings/queue_readings.h"

namespace omnigate {

class MailingRunner {
public:
    MailingRunner(ConnectionPool& pool, SmtpConfig smtp, int centreOffsetMinutes);
    ~MailingRunner();
    MailingRunner(const MailingRunner&) = delete;
    MailingRunner& operator=(const MailingRunner&) = delete;

    // `claim` runs in the transaction that records the run (the scheduler moves the next run there); when it
    // answers false nothing is recorded or sent, and the answer is empty.
    std::optional<MailingRun> sendReports(const Mailing& mailing, const std::string& trigger,
                                          const std::function<bool(MailingStore&)>& claim = {});

    // A threshold mailing's mail about `reading` of its figure: trigger alert, recovery or manual (a try-out).
    // `state`, when given, is saved in the transaction that records the run.
    MailingRun sendAlert(const Mailing& mailing, const std::string& trigger, const FigureReading& reading,
                         const std::string& queueName, const std::string& asOf,
                         const std::optional<ThresholdState>& state = std::nullopt);

    // Ends the waits between retries at once: a stopping daemon fails the run rather than waiting out a backoff.
    void stop();

private:
    // Sends with retries and finishes the run with the outcome.
    MailingRun deliver(MailingRun run, const std::vector<std::string>& recipients, const std::string& data);
    void finish(const MailingRun& run);

    ConnectionPool& pool_;
    const SmtpConfig smtp_;
    const int centreOffsetMinutes_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

}  // namespace omnigate
