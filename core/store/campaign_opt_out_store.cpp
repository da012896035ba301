#include "store/campaign_opt_out_store.h"

#include <memory>

#include "db/db_time.h"
#include "db/outbox.h"

namespace omnigate {

std::optional<CampaignOptOut> CampaignOptOutStore::find(std::int64_t clientId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT source, COALESCE(campaign_id, 0), DATE_FORMAT(opted_out_at, '%Y-%m-%d %H:%i:%s.%f') "
        "FROM campaign_opt_outs WHERE client_id = ?");
    q.setInt64(1, clientId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return CampaignOptOut{rs->getString(1), rs->getInt64(2), dbTimeToIso(std::string(rs->getString(3)).substr(0, 23))};
}

bool CampaignOptOutStore::optOut(std::int64_t clientId, const std::string& source, std::int64_t campaignId) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT IGNORE INTO campaign_opt_outs (client_id, source, campaign_id, opted_out_at) "
        "VALUES (?, ?, NULLIF(?, 0), ?)");
    insert.setInt64(1, clientId);
    insert.setString(2, source);
    insert.setInt64(3, campaignId);
    insert.setString(4, now);
    if (insert.executeUpdate() == 0) return false;
    if (campaignId != 0) {
        sql::PreparedStatement& recipient = session_.prepare(
            "UPDATE campaign_recipients SET opted_out_at = ? WHERE campaign_id = ? AND client_id = ? "
            "AND opted_out_at IS NULL");
        recipient.setString(1, now);
        recipient.setInt64(2, campaignId);
        recipient.setInt64(3, clientId);
        recipient.executeUpdate();
    }
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("client_id", clientId);
    data->set("source", source);
    data->set("campaign_id", campaignId == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(campaignId));
    data->set("opted_out_at", dbTimeToIso(now));
    appendEvent(session_, clientTopic(clientId), "client.opted_out", data);
    return true;
}

bool CampaignOptOutStore::optOutByReply(std::int64_t clientId, int windowHours) {
    sql::PreparedStatement& latest = session_.prepare(
        "SELECT campaign_id FROM campaign_recipients WHERE client_id = ? AND sent_at >= ? - INTERVAL ? HOUR "
        "ORDER BY sent_at DESC LIMIT 1");
    latest.setInt64(1, clientId);
    latest.setString(2, nowDbTime());
    latest.setInt(3, windowHours);
    std::unique_ptr<sql::ResultSet> rs(latest.executeQuery());
    return optOut(clientId, "reply", rs->next() ? rs->getInt64(1) : 0);
}

bool CampaignOptOutStore::optIn(std::int64_t clientId) {
    sql::PreparedStatement& remove = session_.prepare("DELETE FROM campaign_opt_outs WHERE client_id = ?");
    remove.setInt64(1, clientId);
    if (remove.executeUpdate() == 0) return false;
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("client_id", clientId);
    data->set("opted_in_at", dbTimeToIso(nowDbTime()));
    appendEvent(session_, clientTopic(clientId), "client.opted_in", data);
    return true;
}

}  // namespace omnigate
