// The reports computed from the aggregates (docs/reports.md): each one reads its scope with ReportReader and
// turns the sums into the figures docs/metrics.md defines, with the same formulas as the online statistics.
#pragma once

#include "db/db_session.h"
#include "reports/report_request.h"
#include "reports/report_table.h"
#include "store/report_reader.h"

namespace omnigate {

// The rows a request's filters admit; its group and branch filters become the operators in them.
ReportScope reportScope(DbSession& session, const ReportRequest& request);

class ReportBuilder {
public:
    explicit ReportBuilder(DbSession& session) : session_(session) {}

    // Every report but interaction_details, a list read in pages (reports/interaction_details.h).
    ReportTable build(const ReportRequest& request);

private:
    ReportTable queueKpis(const ReportRequest& request);
    ReportTable operatorKpis(const ReportRequest& request);
    ReportTable operatorStatuses(const ReportRequest& request);
    ReportTable contactCentreDetailed(const ReportRequest& request);
    ReportTable contactCentreSummary(const ReportRequest& request);
    ReportTable interactionTopics(const ReportRequest& request);
    ReportTable interactionRatings(const ReportRequest& request);
    ReportTable interactionStatuses(const ReportRequest& request);
    ReportTable interactionChannels(const ReportRequest& request);
    ReportTable templateUsage(const ReportRequest& request);

    DbSession& session_;
};

}  // namespace omnigate
