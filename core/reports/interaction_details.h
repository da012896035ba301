// The interaction details report (7.4): one row per interaction opened in the period, with what became of it.
// Unlike the other reports it is a list as long as the period's traffic (a million rows a month in a large centre),
// so it is read in pages by a keyset on (created_at, id): neither the database nor the daemon ever holds more than
// one page, and a page costs the same at the start of a month as at its end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "reports/report_request.h"
#include "reports/report_table.h"
#include "store/report_reader.h"

namespace omnigate {

class InteractionDetails {
public:
    // Where a page ends: the last row's creation time (database format) and id. Empty: before the first row.
    struct Cursor {
        std::string createdAt;
        std::int64_t id = 0;

        bool empty() const { return id == 0; }
        // An opaque token for the next page's `after`; parse() throws a 400 naming `after` for anything else.
        std::string format() const;
        static Cursor parse(const std::string& token);
    };

    struct Page {
        std::vector<std::vector<ReportCell>> rows;
        Cursor last;  // of the page's last row; empty when the page is empty
    };

    // A JSON page is at most this long.
    static constexpr int kMaxPageRows = 1000;

    static const std::vector<ReportColumn>& columns();

    InteractionDetails(const ReportRequest& request, ReportScope scope);

    // Up to `limit` rows after `after`, in the order they were opened.
    Page page(DbSession& session, const Cursor& after, int limit) const;

private:
    ReportRequest request_;
    ReportScope scope_;
};

}  // namespace omnigate
