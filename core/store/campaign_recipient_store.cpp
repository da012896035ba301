#include "store/campaign_recipient_store.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <set>

#include "db/db_time.h"
#include "store/client_store.h"

namespace omnigate {

namespace {

std::string dbTimeOf(std::chrono::system_clock::time_point at) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%d %H:%M:%S.%i");
}

std::string idList(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (const std::int64_t id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
}

int rank(const std::string& state) {
    if (state == "sent") return 1;
    if (state == "delivered") return 2;
    if (state == "read") return 3;
    return 0;
}

constexpr std::size_t kInsertRows = 100;

}  // namespace

std::optional<CampaignRecipientRef> CampaignRecipientStore::find(std::int64_t recipientId) {
    sql::PreparedStatement& q =
        session_.prepare("SELECT campaign_id, client_id FROM campaign_recipients WHERE id = ?");
    q.setInt64(1, recipientId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return CampaignRecipientRef{rs->getInt64(1), rs->getInt64(2)};
}

std::string CampaignRecipientStore::addressKindOf(const std::string& channel) {
    // The address each channel's inbound messages come from, and so the one its send() takes.
    if (channel == "whatsapp") return "whatsapp";
    if (channel == "email") return "email";
    if (channel == "vk") return "vk";
    return "";
}

std::int64_t CampaignRecipientStore::audiencePage(const Campaign& campaign, std::int64_t afterClientId,
                                                  std::size_t pageSize,
                                                  const std::function<void(std::int64_t, const Address&)>& take) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT c.id, c.name, c.card, c.flags, a.value FROM clients c "
        "JOIN client_addresses a ON a.client_id = c.id AND a.kind = ? "
        "WHERE c.id > ? AND c.alias_of IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM campaign_opt_outs o WHERE o.client_id = c.id) "
        "ORDER BY c.id, a.id LIMIT ?");
    const std::string kind = addressKindOf(campaign.channel);
    q.setString(1, kind);
    q.setInt64(2, afterClientId);
    q.setInt64(3, static_cast<std::int64_t>(pageSize));
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    struct Candidate {
        std::int64_t id;
        OfferFacts facts;
        std::string address;
    };
    std::vector<Candidate> page;
    std::int64_t last = 0;
    while (rs->next()) {
        const std::int64_t id = rs->getInt64(1);
        last = id;
        if (!page.empty() && page.back().id == id) continue;  // the first address of a client is the one used
        Candidate c{id, {}, rs->getString(5)};
        c.facts.clientName = rs->getString(2);
        c.facts.card = cardFromJson(rs->getString(3));
        c.facts.clientFlags = flagsFromColumn(rs->getString(4));
        page.push_back(std::move(c));
    }
    if (page.empty()) return last;

    std::vector<std::int64_t> ids;
    for (const Candidate& c : page) ids.push_back(c.id);
    std::map<std::int64_t, Candidate*> byId;
    for (Candidate& c : page) byId[c.id] = &c;
    const OfferConditions& segment = campaign.segment;
    // What only some segments look at is read only for them, a page of clients at a time.
    if (!segment.pastTopics.empty()) {
        std::unique_ptr<sql::Statement> s(session_.connection().createStatement());
        std::unique_ptr<sql::ResultSet> topics(s->executeQuery(
            "SELECT DISTINCT i.client_id, t.topic_id FROM interactions i JOIN interaction_topics t "
            "ON t.interaction_id = i.id WHERE i.client_id IN (" + idList(ids) + ")"));
        while (topics->next()) byId[topics->getInt64(1)]->facts.pastTopics.push_back(topics->getInt64(2));
    }
    if (segment.lastContactDaysMax || segment.lastContactDaysMin) {
        std::unique_ptr<sql::Statement> s(session_.connection().createStatement());
        std::unique_ptr<sql::ResultSet> latest(s->executeQuery(
            "SELECT client_id, TIMESTAMPDIFF(SECOND, MAX(created_at), '" + nowDbTime() +
            "') FROM interactions WHERE client_id IN (" + idList(ids) + ") GROUP BY client_id"));
        while (latest->next()) {
            byId[latest->getInt64(1)]->facts.daysSinceLastContact =
                static_cast<double>(latest->getInt64(2)) / (24 * 3600);
        }
    }
    for (const Candidate& c : page) {
        if (!segment.holdFor(c.facts)) continue;
        if (campaign.channel == "vk") {
            // VK lets a community write privately only to those who allowed it (the VK channel keeps their word
            // on the card, from message_allow and from their own private messages).
            const auto allowed = c.facts.card.find("vk_messages_allowed");
            if (allowed == c.facts.card.end() || allowed->second != "true") continue;
        }
        take(c.id, Address{kind, c.address});
    }
    return last;
}

void CampaignRecipientStore::addRecipients(std::int64_t campaignId,
                                           const std::vector<std::pair<std::int64_t, Address>>& clients) {
    const std::string now = nowDbTime();
    std::size_t at = 0;
    while (at < clients.size()) {
        const std::size_t rows = clients.size() - at >= kInsertRows ? kInsertRows : 1;
        std::string sql =
            "INSERT IGNORE INTO campaign_recipients (campaign_id, client_id, address_kind, address_value, "
            "next_attempt_at) VALUES ";
        for (std::size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
        sql::PreparedStatement& insert = session_.prepare(sql);
        for (std::size_t i = 0; i < rows; ++i) {
            const auto& [clientId, address] = clients[at + i];
            const unsigned base = static_cast<unsigned>(i * 5);
            insert.setInt64(base + 1, campaignId);
            insert.setInt64(base + 2, clientId);
            insert.setString(base + 3, address.kind);
            insert.setString(base + 4, address.value);
            insert.setString(base + 5, now);
        }
        insert.executeUpdate();
        at += rows;
    }
}

std::int64_t CampaignRecipientStore::markPrepared(std::int64_t campaignId) {
    sql::PreparedStatement& count = session_.prepare("SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = ?");
    count.setInt64(1, campaignId);
    std::unique_ptr<sql::ResultSet> rs(count.executeQuery());
    const std::int64_t targeted = rs->next() ? rs->getInt64(1) : 0;
    sql::PreparedStatement& update =
        session_.prepare("UPDATE campaigns SET prepared = 1, targeted = ? WHERE id = ?");
    update.setInt64(1, targeted);
    update.setInt64(2, campaignId);
    update.executeUpdate();
    return targeted;
}

std::vector<CampaignDelivery> CampaignRecipientStore::claim(std::int64_t campaignId, std::size_t limit) {
    sql::PreparedStatement& due = session_.prepare(
        "SELECT id, client_id, address_kind, address_value, attempts FROM campaign_recipients "
        "WHERE campaign_id = ? AND state = 'pending' AND next_attempt_at <= ? "
        "ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE");
    due.setInt64(1, campaignId);
    due.setString(2, nowDbTime());
    due.setInt64(3, static_cast<std::int64_t>(limit));
    std::unique_ptr<sql::ResultSet> rs(due.executeQuery());
    std::vector<CampaignDelivery> claimed;
    while (rs->next()) {
        CampaignDelivery d;
        d.id = rs->getInt64(1);
        d.clientId = rs->getInt64(2);
        d.to = Address{rs->getString(3), rs->getString(4)};
        d.attempts = rs->getInt(5);
        claimed.push_back(std::move(d));
    }
    if (claimed.empty()) return claimed;

    std::vector<std::int64_t> clientIds;
    for (const CampaignDelivery& d : claimed) clientIds.push_back(d.clientId);
    std::unique_ptr<sql::Statement> s(session_.connection().createStatement());
    std::set<std::int64_t> optedOut;
    {
        std::unique_ptr<sql::ResultSet> out(s->executeQuery(
            "SELECT client_id FROM campaign_opt_outs WHERE client_id IN (" + idList(clientIds) + ")"));
        while (out->next()) optedOut.insert(out->getInt64(1));
    }
    {
        std::unique_ptr<sql::ResultSet> clients(
            s->executeQuery("SELECT id, name, card FROM clients WHERE id IN (" + idList(clientIds) + ")"));
        std::map<std::int64_t, std::pair<std::string, std::string>> found;
        while (clients->next()) found[clients->getInt64(1)] = {clients->getString(2), clients->getString(3)};
        for (CampaignDelivery& d : claimed) {
            d.clientName = found[d.clientId].first;
            d.card = cardFromJson(found[d.clientId].second);
        }
    }
    std::vector<std::int64_t> sending;
    std::vector<std::int64_t> skipped;
    for (const CampaignDelivery& d : claimed) (optedOut.count(d.clientId) ? skipped : sending).push_back(d.id);
    if (!skipped.empty()) {
        s->execute("UPDATE campaign_recipients SET state = 'skipped', error_code = 'opted_out', error_text = "
                   "'the client opted out of campaigns before this one reached them' WHERE id IN (" +
                   idList(skipped) + ")");
    }
    if (!sending.empty()) {
        s->execute("UPDATE campaign_recipients SET state = 'sending', attempts = attempts + 1 WHERE id IN (" +
                   idList(sending) + ")");
    }
    claimed.erase(std::remove_if(claimed.begin(), claimed.end(),
                                 [&](const CampaignDelivery& d) { return optedOut.count(d.clientId) != 0; }),
                  claimed.end());
    return claimed;
}

void CampaignRecipientStore::recordSent(std::int64_t recipientId, const std::string& externalId) {
    sql::PreparedStatement& q = session_.prepare(
        "UPDATE campaign_recipients SET state = 'sent', external_id = NULLIF(?, ''), sent_at = ?, error_code = '', "
        "error_text = '' WHERE id = ? AND state = 'sending'");
    q.setString(1, externalId.substr(0, 255));
    q.setString(2, nowDbTime());
    q.setInt64(3, recipientId);
    q.executeUpdate();
}

void CampaignRecipientStore::recordFailed(std::int64_t recipientId, const std::string& code, const std::string& text) {
    sql::PreparedStatement& q = session_.prepare(
        "UPDATE campaign_recipients SET state = 'failed', error_code = ?, error_text = ? "
        "WHERE id = ? AND state = 'sending'");
    q.setString(1, code.substr(0, 64));
    q.setString(2, text.substr(0, 1000));
    q.setInt64(3, recipientId);
    q.executeUpdate();
}

void CampaignRecipientStore::putBack(std::int64_t recipientId, std::chrono::system_clock::time_point at,
                                     bool keepAttempt, const std::string& code, const std::string& text) {
    sql::PreparedStatement& q = session_.prepare(
        "UPDATE campaign_recipients SET state = 'pending', next_attempt_at = ?, attempts = attempts - ?, "
        "error_code = ?, error_text = ? WHERE id = ? AND state = 'sending'");
    q.setString(1, dbTimeOf(at));
    q.setInt(2, keepAttempt ? 0 : 1);
    q.setString(3, code.substr(0, 64));
    q.setString(4, text.substr(0, 1000));
    q.setInt64(5, recipientId);
    q.executeUpdate();
}

int CampaignRecipientStore::failInterrupted() {
    sql::PreparedStatement& q = session_.prepare(
        "UPDATE campaign_recipients SET state = 'failed', error_code = 'interrupted', error_text = 'the daemon "
        "stopped while this message was being sent; it is not sent again, so the client never gets it twice' "
        "WHERE state = 'sending'");
    return q.executeUpdate();
}

bool CampaignRecipientStore::anyUnfinished(std::int64_t campaignId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT 1 FROM campaign_recipients WHERE campaign_id = ? AND state IN ('pending', 'sending') LIMIT 1");
    q.setInt64(1, campaignId);
    return std::unique_ptr<sql::ResultSet>(q.executeQuery())->next();
}

std::optional<std::string> CampaignRecipientStore::nextDue(std::int64_t campaignId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT DATE_FORMAT(MIN(next_attempt_at), '%Y-%m-%d %H:%i:%s.%f') FROM campaign_recipients "
        "WHERE campaign_id = ? AND state = 'pending'");
    q.setInt64(1, campaignId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next() || rs->isNull(1)) return std::nullopt;
    return std::string(rs->getString(1)).substr(0, 23);
}

void CampaignRecipientStore::markSentAt(std::int64_t campaignId) {
    sql::PreparedStatement& q = session_.prepare("UPDATE campaigns SET last_sent_at = ? WHERE id = ?");
    q.setString(1, nowDbTime());
    q.setInt64(2, campaignId);
    q.executeUpdate();
}

bool CampaignRecipientStore::applyStatus(const std::string& channel, const std::string& account,
                                         const std::string& externalId, DeliveryStatus status,
                                         const std::string& errorCode, const std::string& errorText) {
    if (externalId.empty()) return false;
    sql::PreparedStatement& find = session_.prepare(
        "SELECT r.id, r.state, c.channel, c.account FROM campaign_recipients r JOIN campaigns c "
        "ON c.id = r.campaign_id WHERE r.external_id = ? FOR UPDATE");
    find.setString(1, externalId);
    std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
    std::int64_t id = 0;
    std::string state;
    while (rs->next()) {
        // A provider's ids are unique within an account only.
        if (std::string(rs->getString(3)) != channel || std::string(rs->getString(4)) != account) continue;
        id = rs->getInt64(1);
        state = rs->getString(2);
    }
    if (id == 0) return false;
    const std::string now = nowDbTime();
    if (status == DeliveryStatus::Failed) {
        if (state != "sent" && state != "delivered") return true;  // read is as far as it goes
        sql::PreparedStatement& q = session_.prepare(
            "UPDATE campaign_recipients SET state = 'failed', error_code = ?, error_text = ? WHERE id = ?");
        q.setString(1, (errorCode.empty() ? std::string("failed") : errorCode).substr(0, 64));
        q.setString(2, errorText.substr(0, 1000));
        q.setInt64(3, id);
        q.executeUpdate();
        return true;
    }
    const std::string next = status == DeliveryStatus::Read ? "read" : status == DeliveryStatus::Delivered ? "delivered" : "";
    if (next.empty() || rank(state) == 0 || rank(next) <= rank(state)) return true;
    sql::PreparedStatement& q = session_.prepare(
        "UPDATE campaign_recipients SET state = ?, delivered_at = COALESCE(delivered_at, ?), "
        "read_at = IF(? = 'read', ?, read_at) WHERE id = ?");
    q.setString(1, next);
    q.setString(2, now);
    q.setString(3, next);
    q.setString(4, now);
    q.setInt64(5, id);
    q.executeUpdate();
    return true;
}

std::int64_t CampaignRecipientStore::linkReplies(std::int64_t afterInteractionId, int windowHours) {
    // A page of the interactions opened since, each with the campaign messages its client got on any channel
    // within the window before it; the newest message on the interaction's own channel and account wins.
    constexpr std::int64_t kPage = 5000;
    sql::PreparedStatement& q = session_.prepare(
        "SELECT i.id, i.channel, i.account, DATE_FORMAT(i.created_at, '%Y-%m-%d %H:%i:%s.%f'), r.id, c.id, "
        "c.channel, c.account FROM interactions i "
        "JOIN campaign_recipients r ON r.client_id = i.client_id AND r.sent_at IS NOT NULL "
        "AND r.sent_at <= i.created_at AND r.sent_at >= i.created_at - INTERVAL ? HOUR AND r.replied_at IS NULL "
        "JOIN campaigns c ON c.id = r.campaign_id "
        "WHERE i.id > ? AND i.id <= ? AND i.campaign_id IS NULL ORDER BY i.id, r.sent_at DESC");
    // Only interactions a few seconds old: the writers' lanes commit side by side, so a lower id may still be
    // committing when a higher one is read, and the cursor must not pass it.
    sql::PreparedStatement& top = session_.prepare(
        "SELECT id FROM interactions WHERE created_at <= ? - INTERVAL 5 SECOND ORDER BY created_at DESC, id DESC "
        "LIMIT 1");
    top.setString(1, nowDbTime());
    std::unique_ptr<sql::ResultSet> highest(top.executeQuery());
    const std::int64_t newest = highest->next() ? highest->getInt64(1) : 0;
    const std::int64_t until = std::min(newest, afterInteractionId + kPage);
    if (until <= afterInteractionId) return afterInteractionId;
    q.setInt(1, windowHours);
    q.setInt64(2, afterInteractionId);
    q.setInt64(3, until);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::int64_t current = 0;
    bool linked = false;
    std::set<std::int64_t> recipientsTaken;
    sql::PreparedStatement& interaction =
        session_.prepare("UPDATE interactions SET campaign_id = ? WHERE id = ? AND campaign_id IS NULL");
    sql::PreparedStatement& recipient = session_.prepare(
        "UPDATE campaign_recipients SET replied_at = ?, reply_interaction_id = ? WHERE id = ? AND replied_at IS NULL");
    while (rs->next()) {
        const std::int64_t interactionId = rs->getInt64(1);
        if (interactionId != current) {
            current = interactionId;
            linked = false;
        }
        const std::int64_t recipientId = rs->getInt64(5);
        if (linked || recipientsTaken.count(recipientId)) continue;
        if (std::string(rs->getString(2)) != std::string(rs->getString(7)) ||
            std::string(rs->getString(3)) != std::string(rs->getString(8))) {
            continue;
        }
        interaction.setInt64(1, rs->getInt64(6));
        interaction.setInt64(2, interactionId);
        interaction.executeUpdate();
        recipient.setString(1, std::string(rs->getString(4)).substr(0, 23));
        recipient.setInt64(2, interactionId);
        recipient.setInt64(3, recipientId);
        recipient.executeUpdate();
        recipientsTaken.insert(recipientId);
        linked = true;
    }
    return until;
}

std::int64_t CampaignRecipientStore::replyCursor() {
    sql::PreparedStatement& q = session_.prepare("SELECT last_interaction_id FROM campaign_reply_cursor WHERE id = 1");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (rs->next()) return rs->getInt64(1);
    // No reply can come before the first campaign: the search starts at the interactions there are now.
    sql::PreparedStatement& top = session_.prepare("SELECT COALESCE(MAX(id), 0) FROM interactions");
    std::unique_ptr<sql::ResultSet> highest(top.executeQuery());
    const std::int64_t start = highest->next() ? highest->getInt64(1) : 0;
    saveReplyCursor(start);
    return start;
}

void CampaignRecipientStore::saveReplyCursor(std::int64_t interactionId) {
    sql::PreparedStatement& q = session_.prepare(
        "INSERT INTO campaign_reply_cursor (id, last_interaction_id) VALUES (1, ?) "
        "ON DUPLICATE KEY UPDATE last_interaction_id = VALUES(last_interaction_id)");
    q.setInt64(1, interactionId);
    q.executeUpdate();
}

bool CampaignRecipientStore::sentWithin(int windowHours) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT 1 FROM campaigns WHERE last_sent_at >= ? - INTERVAL ? HOUR LIMIT 1");
    q.setString(1, nowDbTime());
    q.setInt(2, windowHours);
    return std::unique_ptr<sql::ResultSet>(q.executeQuery())->next();
}

}  // namespace omnigate
