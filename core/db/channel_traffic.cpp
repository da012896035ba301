#include "db/channel_traffic.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <cctype>

#include "db/db_time.h"
#include "model/local_day.h"

namespace omnigate {

namespace {

const std::string kInteractionTopicPrefix = "omnigate/v1/interactions/";

// "YYYY-MM-DD HH:MM:00", as quarterHourOf makes of a well-formed time.
bool wellFormedQuarter(const std::string& quarter) {
    static const std::string shape = "0000-00-00 00:00:00";
    if (quarter.size() != shape.size()) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if ((shape[i] == '0') != (std::isdigit(static_cast<unsigned char>(quarter[i])) != 0)) return false;
        if (shape[i] != '0' && quarter[i] != shape[i]) return false;
    }
    return true;
}

std::optional<TrafficFact> factOf(const std::string& type, const Poco::JSON::Object::Ptr& data,
                                  const std::string& eventTime) {
    const bool created = type == "interaction.created";
    if ((!created && type != "message.created") || !data) return std::nullopt;
    // The row's own time, as a rebuild from the tables counts it; the event's is a moment later.
    const std::string createdAt = data->optValue<std::string>("created_at", "");
    TrafficFact fact;
    fact.quarter = quarterHourOf(createdAt.empty() ? eventTime : isoToDbTime(createdAt));
    // A time the aggregate's DATETIME would refuse must not stop the relay that counts it.
    if (!wellFormedQuarter(fact.quarter)) return std::nullopt;
    fact.channel = data->optValue<std::string>("channel", "");
    fact.account = data->optValue<std::string>("account", "");
    if (created) {
        fact.kind = TrafficFact::Kind::Created;
    } else {
        fact.kind = data->optValue<std::string>("direction", "") == "in" ? TrafficFact::Kind::Inbound
                                                                           : TrafficFact::Kind::Outbound;
    }
    return fact;
}

}  // namespace

std::optional<TrafficFact> trafficOf(const CommittedEvent& event) {
    if (event.operatorCopy) return std::nullopt;
    return factOf(event.type, event.data, event.createdAt);
}

std::optional<TrafficFact> trafficOfPublished(const std::string& topic, const std::string& payload) {
    // An operator's copy of an interaction's event is on the operator's topic: only the original counts.
    if (topic.compare(0, kInteractionTopicPrefix.size(), kInteractionTopicPrefix) != 0) return std::nullopt;
    try {
        const auto event = Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
        if (!event) return std::nullopt;
        return factOf(event->optValue<std::string>("type", ""), event->getObject("data"),
                      isoToDbTime(event->optValue<std::string>("time", "")));
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

void ChannelTrafficTally::add(const TrafficFact& fact, int sign) {
    Counts& c = counts_[{fact.quarter, fact.channel, fact.account}];
    switch (fact.kind) {
        case TrafficFact::Kind::Created: c.created += sign; break;
        case TrafficFact::Kind::Inbound: c.inbound += sign; break;
        case TrafficFact::Kind::Outbound: c.outbound += sign; break;
    }
}

void ChannelTrafficTally::write(DbSession& session) {
    if (counts_.empty()) return;
    // One statement; its text depends only on the number of rows, so a few prepared statements serve every
    // round (what the relay deletes at once spans one or two quarter hours and a handful of accounts).
    std::string sql =
        "INSERT INTO stats_channel_intervals (interval_start, channel, account, created, inbound_messages, "
        "outbound_messages) VALUES (?, ?, ?, ?, ?, ?)";
    for (std::size_t i = 1; i < counts_.size(); ++i) sql += ", (?, ?, ?, ?, ?, ?)";
    sql += " ON DUPLICATE KEY UPDATE created = created + VALUES(created), "
           "inbound_messages = inbound_messages + VALUES(inbound_messages), "
           "outbound_messages = outbound_messages + VALUES(outbound_messages)";
    sql::PreparedStatement& upsert = session.prepare(sql);
    int p = 0;
    for (const auto& [key, c] : counts_) {
        upsert.setString(++p, std::get<0>(key));
        upsert.setString(++p, std::get<1>(key));
        upsert.setString(++p, std::get<2>(key));
        upsert.setInt(++p, c.created);
        upsert.setInt(++p, c.inbound);
        upsert.setInt(++p, c.outbound);
    }
    upsert.executeUpdate();
    counts_.clear();
}

}  // namespace omnigate
