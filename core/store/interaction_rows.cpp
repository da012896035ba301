#include "store/interaction_rows.h"

#include "db/db_time.h"

namespace omnigate {

const char* const kInteractionColumns =
    "SELECT id, channel, account, kind, client_id, address_kind, address_value, thread_key, subject, status, "
    "COALESCE(queue, ''), COALESCE(operator, ''), priority, COALESCE(resolution, ''), "
    "COALESCE(DATE_FORMAT(postponed_until, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(previous_interaction_id, 0), "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(DATE_FORMAT(first_response_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(closed_at, '%Y-%m-%d %H:%i:%s.%f'), ''), rating, COALESCE(rating_comment, ''), version, "
    "COALESCE(DATE_FORMAT(rating_requested_at, '%Y-%m-%d %H:%i:%s.%f'), ''), priority_step, "
    "COALESCE(routing_rule_id, 0), COALESCE(DATE_FORMAT(queued_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(queue_entered_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(offer_expires_at, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(declined_by, ''), "
    "COALESCE(DATE_FORMAT(accepted_at, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(bot, ''), COALESCE(campaign_id, 0) "
    "FROM interactions ";

// DATE_FORMAT's %f gives microseconds; the API speaks milliseconds.
std::string isoOrEmpty(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

Interaction readInteraction(sql::ResultSet& rs) {
    Interaction i;
    i.id = rs.getInt64(1);
    i.channel = rs.getString(2);
    i.account = rs.getString(3);
    i.kind = rs.getString(4) == "public" ? InteractionKind::Public : InteractionKind::Private;
    i.clientId = rs.getInt64(5);
    i.address = {rs.getString(6), rs.getString(7)};
    i.threadKey = rs.getString(8);
    i.subject = rs.getString(9);
    i.status = parseInteractionStatus(rs.getString(10)).value_or(InteractionStatus::New);
    i.queue = rs.getString(11);
    i.operatorId = rs.getString(12);
    i.priority = rs.getInt(13);
    i.resolution = rs.getString(14);
    i.postponedUntil = isoOrEmpty(rs.getString(15));
    i.previousInteractionId = rs.getInt64(16);
    i.createdAt = isoOrEmpty(rs.getString(17));
    i.updatedAt = isoOrEmpty(rs.getString(18));
    i.firstResponseAt = isoOrEmpty(rs.getString(19));
    i.closedAt = isoOrEmpty(rs.getString(20));
    if (!rs.isNull(21)) i.rating = rs.getInt(21);
    i.ratingComment = rs.getString(22);
    i.version = rs.getInt(23);
    i.ratingRequestedAt = isoOrEmpty(rs.getString(24));
    i.priorityStep = rs.getDouble(25);
    i.routingRuleId = rs.getInt64(26);
    i.queuedAt = isoOrEmpty(rs.getString(27));
    i.queueEnteredAt = isoOrEmpty(rs.getString(28));
    i.offerExpiresAt = isoOrEmpty(rs.getString(29));
    i.declinedBy = rs.getString(30);
    i.acceptedAt = isoOrEmpty(rs.getString(31));
    i.bot = rs.getString(32);
    i.campaignId = rs.getInt64(33);
    return i;
}

}  // namespace omnigate
