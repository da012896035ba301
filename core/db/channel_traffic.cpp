#include "db/channel_traffic.h"

#include <map>
#include <string>
#include <tuple>

#include "db/db_time.h"
#include "model/local_day.h"

namespace omnigate {

namespace {

struct Traffic {
    int created = 0;
    int inbound = 0;
    int outbound = 0;
};

std::string field(const CommittedEvent& event, const char* name) {
    return event.data ? event.data->optValue<std::string>(name, "") : std::string();
}

}  // namespace

void countChannelTraffic(DbSession& session, const std::vector<CommittedEvent>& events) {
    // Ordered keys: two transactions counting the same rows lock them in the same order and never deadlock.
    std::map<std::tuple<std::string, std::string, std::string>, Traffic> counts;
    for (const CommittedEvent& event : events) {
        if (event.operatorCopy) continue;
        const bool created = event.type == "interaction.created";
        if (!created && event.type != "message.created") continue;
        // The row's own time, as a rebuild from the tables counts it; the event's is a moment later.
        const std::string createdAt = field(event, "created_at");
        const std::string when = createdAt.empty() ? event.createdAt : isoToDbTime(createdAt);
        Traffic& t = counts[{quarterHourOf(when), field(event, "channel"), field(event, "account")}];
        if (created) {
            ++t.created;
        } else if (field(event, "direction") == "in") {
            ++t.inbound;
        } else {
            ++t.outbound;
        }
    }
    if (counts.empty()) return;
    // One statement for the transaction; its text depends only on the number of rows, so a few prepared
    // statements serve every batch (a group commit spans one or two quarter hours and a handful of accounts).
    std::string sql =
        "INSERT INTO stats_channel_intervals (interval_start, channel, account, created, inbound_messages, "
        "outbound_messages) VALUES (?, ?, ?, ?, ?, ?)";
    for (std::size_t i = 1; i < counts.size(); ++i) sql += ", (?, ?, ?, ?, ?, ?)";
    sql += " ON DUPLICATE KEY UPDATE created = created + VALUES(created), "
           "inbound_messages = inbound_messages + VALUES(inbound_messages), "
           "outbound_messages = outbound_messages + VALUES(outbound_messages)";
    sql::PreparedStatement& upsert = session.prepare(sql);
    int p = 0;
    for (const auto& [key, t] : counts) {
        upsert.setString(++p, std::get<0>(key));
        upsert.setString(++p, std::get<1>(key));
        upsert.setString(++p, std::get<2>(key));
        upsert.setInt(++p, t.created);
        upsert.setInt(++p, t.inbound);
        upsert.setInt(++p, t.outbound);
    }
    upsert.executeUpdate();
}

}  // namespace omnigate
