// A report mailing (docs/mailings.md): periodic (chosen reports with their filters, for a period relative to the
// run, sent as XLSX or CSV attachments on a schedule) or threshold (a mail when a queue's online figure reaches a
// level, and when it is normal again). One validated value, so the REST API, the store and the scheduler read the
// same rules; everything the API sends is checked here before anything is written.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mailings/mail_schedule.h"
#include "model/figure_threshold.h"
#include "reports/report_request.h"

namespace omnigate {

constexpr std::size_t kMaxMailingRecipients = 50;
constexpr std::size_t kMaxMailingReports = 20;

// One report of a periodic mailing: which, over which days relative to the run, narrowed how.
struct MailingReport {
    std::string report;                                    // a name of reportSpecs()
    std::string period;                                    // a name of reportPeriodNames()
    std::map<std::string, std::set<std::string>> filters;  // as the report's query takes them
    int intervalMinutes = 0;                               // 15, 30 or 60 for reports with intervals; 0: default

    // The report's request for a run at `runMicros`, in the centre's days; ApiError 400 as parseReportRequest.
    ReportRequest request(std::int64_t runMicros, int centreOffsetMinutes) const;
};

// Where a threshold mailing stands, kept between evaluations so a restart or another leader sends nothing twice.
struct ThresholdState {
    std::string level;        // the figure's level at the last evaluation: normal, warning or critical
    bool alerting = false;    // an alert went out and no recovery since
    std::string lastAlertAt;  // database time of the last alert; empty: none yet
};

struct Mailing {
    enum class Kind { Periodic, Threshold };

    std::int64_t id = 0;
    Kind kind = Kind::Periodic;
    std::string name;
    bool enabled = true;
    std::vector<std::string> recipients;
    // Periodic.
    MailSchedule schedule;
    std::vector<MailingReport> reports;
    std::string format = "xlsx";  // or csv
    std::string nextRunAt;        // database time; empty while disabled
    // Threshold: the queue's figure, the level that triggers, how often an alert may repeat while it stays.
    std::string queue;
    std::string metric;
    Level level = Level::Warning;
    int retriggerMinutes = 60;
    ThresholdState state;
    int version = 1;
    std::string createdAt;
    std::string updatedAt;

    // The definition from the API's JSON (or the stored one); ApiError 400 naming the field. A schedule without
    // utc_offset takes `centreOffsetMinutes`. Whether the queue has a threshold for the metric is the store's to
    // check (checkThreshold), since it knows the queues.
    static Mailing parse(const Poco::JSON::Object::Ptr& body, int centreOffsetMinutes);
    // 400 naming `metric` or `level` unless `thresholds` (the queue's) give the metric a direction and the level.
    void checkThreshold(const FigureThresholds& thresholds) const;

    // The definition as parse() takes it and the store keeps it.
    Poco::JSON::Object::Ptr definitionJson() const;
    // As the API shows it: the definition with id, version, times, the next run or the threshold's state.
    Poco::JSON::Object::Ptr toJson() const;
};

const char* toString(Mailing::Kind kind);

}  // namespace omnigate
