#include "reports/interaction_details.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "omnigate/sdk/api_error.h"
#include "store/stats_facts.h"

namespace omnigate {

namespace {

std::optional<double> optionalNumber(sql::ResultSet& rs, unsigned column) {
    if (rs.isNull(column)) return std::nullopt;
    return rs.getDouble(column);
}

}  // namespace

std::string InteractionDetails::Cursor::format() const {
    // "2026-12-07 10:15:00.123000" and 42 -> "20261207101500123000_42".
    std::string digits;
    for (char c : createdAt) {
        if (c >= '0' && c <= '9') digits += c;
    }
    return digits + "_" + std::to_string(id);
}

InteractionDetails::Cursor InteractionDetails::Cursor::parse(const std::string& token) {
    const auto refuse = [&] {
        return ApiError::badRequest("'after' must be the `next` of the previous page, not '" + token.substr(0, 64) + "'");
    };
    const std::size_t underscore = token.find('_');
    if (underscore != 20 || token.size() < 22 || token.size() > 39 ||
        token.find_first_not_of("0123456789_") != std::string::npos || token.find('_', 21) != std::string::npos) {
        throw refuse();
    }
    Cursor cursor;
    const std::string d = token.substr(0, 20);
    cursor.createdAt = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2) + " " + d.substr(8, 2) + ":" +
                       d.substr(10, 2) + ":" + d.substr(12, 2) + "." + d.substr(14, 6);
    cursor.id = std::stoll(token.substr(21));
    if (cursor.id <= 0) throw refuse();
    return cursor;
}

const std::vector<ReportColumn>& InteractionDetails::columns() {
    static const std::vector<ReportColumn> columns{
        {"id", "Interaction", ""},
        {"created_at", "Opened", ""},
        {"channel", "Channel", ""},
        {"account", "Account", ""},
        {"client", "Client", ""},
        {"address", "Address", ""},
        {"subject", "Subject", ""},
        {"queue", "Queue", ""},
        {"operator", "Operator", ""},
        {"status", "Status", ""},
        {"topics", "Topics", ""},
        {"resolution", "Resolution", ""},
        {"wait_seconds", "Wait in queues, s", "0.0"},
        {"first_response_seconds", "First response time, s", "0.0"},
        {"handle_seconds", "Handle time, s", "0.0"},
        {"rating", "Rating", ""},
        {"closed_at", "Closed", ""},
    };
    return columns;
}

InteractionDetails::InteractionDetails(const ReportRequest& request, ReportScope scope)
    : request_(request), scope_(std::move(scope)) {}

InteractionDetails::Page InteractionDetails::page(DbSession& session, const Cursor& after, int limit) const {
    // The figures as docs/metrics.md defines them for one interaction: wait is the sum of its queue visits, first
    // response from its opening to the first operator's message, handle time as the aggregates count it.
    std::string sql =
        "SELECT i.id, DATE_FORMAT(i.created_at + INTERVAL ? MINUTE, '%Y-%m-%d %H:%i:%s'), i.channel, i.account, "
        "c.name, i.address_value, i.subject, COALESCE(i.queue, ''), COALESCE(i.operator, ''), i.status, "
        "(SELECT GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR '; ') FROM interaction_topics it JOIN topics t ON "
        "t.id = it.topic_id WHERE it.interaction_id = i.id), COALESCE(i.resolution, ''), "
        "(SELECT ROUND(SUM(v.wait_ms) / 1000, 1) FROM queue_visits v WHERE v.interaction_id = i.id), "
        "ROUND(TIMESTAMPDIFF(MICROSECOND, i.created_at, i.first_response_at) / 1000000, 1), "
        "IF(i.closed_at IS NOT NULL AND i.accepted_at IS NOT NULL AND i.operator IS NOT NULL, ROUND(";
    sql += kInteractionHandleMsSql;
    sql +=
        " / 1000, 1), NULL), i.rating, DATE_FORMAT(i.closed_at + INTERVAL ? MINUTE, '%Y-%m-%d %H:%i:%s'), "
        "DATE_FORMAT(i.created_at, '%Y-%m-%d %H:%i:%s.%f') FROM interactions i JOIN clients c ON c.id = i.client_id "
        "WHERE i.created_at >= ? AND i.created_at < ?";
    if (!after.empty()) sql += " AND (i.created_at > ? OR (i.created_at = ? AND i.id > ?))";
    sql += reportInClause("i.queue", scope_.queues) + reportInClause("i.channel", scope_.channels) +
           reportInClause("i.operator", scope_.operators);
    if (!scope_.topics.empty()) {
        sql += " AND EXISTS (SELECT 1 FROM interaction_topics ft WHERE ft.interaction_id = i.id" +
               reportInClause("ft.topic_id", scope_.topics) + ")";
    }
    sql += " ORDER BY i.created_at, i.id LIMIT " + std::to_string(limit);

    // Not through the session's statement cache: the text differs with the filters.
    std::unique_ptr<sql::PreparedStatement> q(session.connection().prepareStatement(sql));
    unsigned p = 1;
    q->setInt(p++, request_.utcOffsetMinutes);
    q->setInt(p++, request_.utcOffsetMinutes);
    q->setString(p++, scope_.from);
    q->setString(p++, scope_.to);
    if (!after.empty()) {
        q->setString(p++, after.createdAt);
        q->setString(p++, after.createdAt);
        q->setInt64(p++, after.id);
    }
    for (const std::set<std::string>* set : {&scope_.queues, &scope_.channels, &scope_.operators, &scope_.topics}) {
        for (const std::string& value : *set) q->setString(p++, value);
    }
    std::unique_ptr<sql::ResultSet> rs(q->executeQuery());
    Page page;
    while (rs->next()) {
        std::vector<ReportCell> row;
        row.push_back(ReportCell::of(static_cast<double>(rs->getInt64(1))));
        for (unsigned c = 2; c <= 12; ++c) row.push_back(ReportCell::of(std::string(rs->getString(c))));
        for (unsigned c = 13; c <= 16; ++c) row.push_back(ReportCell::of(optionalNumber(*rs, c)));
        row.push_back(ReportCell::of(rs->isNull(17) ? std::string() : std::string(rs->getString(17))));
        page.last = Cursor{rs->getString(18), rs->getInt64(1)};
        page.rows.push_back(std::move(row));
    }
    return page;
}

}  // namespace omnigate
