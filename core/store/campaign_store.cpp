#include "store/campaign_store.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <limits>
#include <sstream>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/marketing_references.h"

namespace omnigate {

namespace {

const char* const kSelect =
    "SELECT id, name, channel, account, definition, state, prepared, targeted, created_by, version, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(DATE_FORMAT(launched_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(finished_at, '%Y-%m-%d %H:%i:%s.%f'), '') FROM campaigns ";

std::string isoOf(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

std::string isoOrEmpty(sql::ResultSet& rs, unsigned column) {
    return rs.isNull(column) ? std::string() : isoOf(std::string(rs.getString(column)));
}

Campaign readRow(sql::ResultSet& rs) {
    // The definition was checked when stored; its times are in the normalized form already.
    Poco::JSON::Object::Ptr definition =
        Poco::JSON::Parser().parse(std::string(rs.getString(5))).extract<Poco::JSON::Object::Ptr>();
    definition->set("name", std::string(rs.getString(2)));
    definition->set("channel", std::string(rs.getString(3)));
    definition->set("account", std::string(rs.getString(4)));
    const Campaign::TimeReader asStored = [](const std::string& text, const std::string&) { return text; };
    Campaign c = Campaign::parse(definition, asStored, {0, std::numeric_limits<int>::max()});
    c.id = rs.getInt64(1);
    c.state = rs.getString(6);
    c.prepared = rs.getBoolean(7);
    c.targeted = rs.getInt64(8);
    c.createdBy = rs.getString(9);
    c.version = rs.getInt(10);
    c.createdAt = isoOf(rs.getString(11));
    c.updatedAt = isoOf(rs.getString(12));
    c.launchedAt = isoOf(rs.getString(13));
    c.finishedAt = isoOf(rs.getString(14));
    return c;
}

std::string definitionText(const Campaign& campaign) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(campaign.definitionJson(), out);
    return out.str();
}

std::string topicOf(std::int64_t id) { return "omnigate/v1/campaigns/" + std::to_string(id); }

}  // namespace

Poco::JSON::Object::Ptr CampaignTotals::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("targeted", targeted);
    o->set("pending", pending + sending);
    o->set("sent", sent);
    o->set("delivered", delivered);
    o->set("read", read);
    o->set("failed", failed);
    o->set("skipped", skipped);
    o->set("replied", replied);
    o->set("opted_out", optedOut);
    o->set("offers_activated", offersActivated);
    return o;
}

std::vector<Campaign> CampaignStore::list() { return select("ORDER BY id DESC"); }

std::vector<Campaign> CampaignStore::running() { return select("WHERE state = 'running' ORDER BY id"); }

std::vector<Campaign> CampaignStore::select(const std::string& tail) {
    std::unique_ptr<sql::ResultSet> rs(session_.prepare(std::string(kSelect) + tail).executeQuery());
    std::vector<Campaign> campaigns;
    while (rs->next()) campaigns.push_back(readRow(*rs));
    return campaigns;
}

std::optional<Campaign> CampaignStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kSelect) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readRow(*rs);
}

void CampaignStore::check(const Campaign& campaign) {
    if (campaign.message.templateId != 0) {
        requireSharedTemplate(session_, campaign.message.templateId, "message.template_id");
    }
    requireTopics(session_, campaign.segment.pastTopics, "segment.past_topics");
}

Campaign CampaignStore::create(Campaign draft) {
    check(draft);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO campaigns (name, channel, account, definition, state, created_by, version, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, 'draft', ?, 1, ?, ?) RETURNING id");
    insert.setString(1, draft.name);
    insert.setString(2, draft.channel);
    insert.setString(3, draft.account);
    insert.setString(4, definitionText(draft));
    insert.setString(5, draft.createdBy.substr(0, 64));
    insert.setString(6, now);
    insert.setString(7, now);
    draft.id = DbSession::insertReturningId(insert);
    draft.state = "draft";
    draft.version = 1;
    draft.createdAt = draft.updatedAt = dbTimeToIso(now);
    return draft;
}

Campaign CampaignStore::update(const Campaign& next, std::optional<int> expectedVersion) {
    const auto current = find(next.id, true);
    if (!current) throw ApiError::notFound("no campaign " + std::to_string(next.id));
    if (expectedVersion && *expectedVersion != current->version) {
        throw ApiError(409, "version_conflict", "campaign " + std::to_string(next.id) + " is at version " +
                                                    std::to_string(current->version) + ", not " +
                                                    std::to_string(*expectedVersion) + ": read it again");
    }
    if (current->state != "draft" && current->state != "paused") {
        throw ApiError(409, "campaign_not_editable", "campaign " + std::to_string(next.id) + " is " + current->state +
                                                         ": only a draft or a paused campaign changes");
    }
    check(next);
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE campaigns SET name = ?, channel = ?, account = ?, definition = ?, version = version + 1, "
        "updated_at = ? WHERE id = ?");
    update.setString(1, next.name);
    update.setString(2, next.channel);
    update.setString(3, next.account);
    update.setString(4, definitionText(next));
    update.setString(5, now);
    update.setInt64(6, next.id);
    update.executeUpdate();
    return *find(next.id);
}

void CampaignStore::remove(std::int64_t id) {
    const auto current = find(id, true);
    if (!current) throw ApiError::notFound("no campaign " + std::to_string(id));
    if (current->state == "running") {
        throw ApiError(409, "campaign_running", "campaign " + std::to_string(id) +
                                                   " is running: pause or cancel it before deleting it");
    }
    // Its replies stay interactions of their own; they no longer name a campaign that is gone.
    sql::PreparedStatement& unlink = session_.prepare("UPDATE interactions SET campaign_id = NULL WHERE campaign_id = ?");
    unlink.setInt64(1, id);
    unlink.executeUpdate();
    sql::PreparedStatement& remove = session_.prepare("DELETE FROM campaigns WHERE id = ?");
    remove.setInt64(1, id);
    remove.executeUpdate();
}

Campaign CampaignStore::setState(const Campaign& campaign, const std::string& state, const std::string& phase) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE campaigns SET state = ?, version = version + 1, updated_at = ?, "
        "launched_at = IF(? = 'running', COALESCE(launched_at, ?), launched_at), "
        "finished_at = IF(? IN ('finished', 'cancelled'), ?, finished_at) WHERE id = ?");
    update.setString(1, state);
    update.setString(2, now);
    update.setString(3, state);
    update.setString(4, now);
    update.setString(5, state);
    update.setString(6, now);
    update.setInt64(7, campaign.id);
    update.executeUpdate();
    if (state == "cancelled" || state == "finished") {
        // Who was never tried now never will be.
        sql::PreparedStatement& skip = session_.prepare(
            "UPDATE campaign_recipients SET state = 'skipped', error_code = ?, error_text = ? "
            "WHERE campaign_id = ? AND state = 'pending'");
        skip.setString(1, state == "cancelled" ? "cancelled" : "ended");
        skip.setString(2, state == "cancelled" ? "the campaign was cancelled before this client was reached"
                                               : "the campaign's schedule ended before this client was reached");
        skip.setInt64(3, campaign.id);
        skip.executeUpdate();
    }
    const Campaign stored = *find(campaign.id);
    announce(stored, phase);
    return stored;
}

void CampaignStore::announce(const Campaign& campaign, const std::string& phase) {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("id", campaign.id);
    data->set("name", campaign.name);
    data->set("channel", campaign.channel);
    data->set("account", campaign.account);
    data->set("state", campaign.state);
    data->set("phase", phase.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(phase));
    data->set("results", totals(campaign).toJson());
    appendEvent(session_, topicOf(campaign.id), "campaign.updated", data);
}

CampaignTotals CampaignStore::totals(const Campaign& campaign) {
    CampaignTotals t;
    t.targeted = campaign.targeted;
    sql::PreparedStatement& states = session_.prepare(
        "SELECT state, COUNT(*), COUNT(replied_at), COUNT(opted_out_at) FROM campaign_recipients "
        "WHERE campaign_id = ? GROUP BY state");
    states.setInt64(1, campaign.id);
    std::unique_ptr<sql::ResultSet> rs(states.executeQuery());
    while (rs->next()) {
        const std::string state = rs->getString(1);
        const std::int64_t count = rs->getInt64(2);
        t.replied += rs->getInt64(3);
        t.optedOut += rs->getInt64(4);
        if (state == "pending") t.pending += count;
        if (state == "sending") t.sending += count;
        if (state == "sent" || state == "delivered" || state == "read") t.sent += count;
        if (state == "delivered" || state == "read") t.delivered += count;
        if (state == "read") t.read += count;
        if (state == "failed") t.failed += count;
        if (state == "skipped") t.skipped += count;
    }
    // Offers the operators activated in the interactions the campaign's replies opened.
    sql::PreparedStatement& offers = session_.prepare(
        "SELECT COUNT(*) FROM campaign_recipients r JOIN offer_actions a ON a.interaction_id = r.reply_interaction_id "
        "WHERE r.campaign_id = ? AND r.reply_interaction_id IS NOT NULL AND a.kind = 'activated'");
    offers.setInt64(1, campaign.id);
    std::unique_ptr<sql::ResultSet> activated(offers.executeQuery());
    if (activated->next()) t.offersActivated = activated->getInt64(1);
    return t;
}

std::vector<CampaignFailure> CampaignStore::failures(std::int64_t campaignId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT error_code, MAX(error_text), COUNT(*) FROM campaign_recipients WHERE campaign_id = ? "
        "AND state = 'failed' GROUP BY error_code ORDER BY COUNT(*) DESC, error_code");
    q.setInt64(1, campaignId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<CampaignFailure> out;
    while (rs->next()) out.push_back({rs->getString(1), rs->getString(2), rs->getInt64(3)});
    return out;
}

void CampaignStore::forEachRecipient(std::int64_t campaignId,
                                     const std::function<void(const CampaignRecipientRow&)>& visit) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT id, client_id, CONCAT(address_kind, ':', address_value), state, attempts, "
        "DATE_FORMAT(sent_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(delivered_at, '%Y-%m-%d %H:%i:%s.%f'), "
        "DATE_FORMAT(read_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(replied_at, '%Y-%m-%d %H:%i:%s.%f'), "
        "DATE_FORMAT(opted_out_at, '%Y-%m-%d %H:%i:%s.%f'), COALESCE(reply_interaction_id, 0), error_code, "
        "error_text FROM campaign_recipients WHERE campaign_id = ? AND id > ? ORDER BY id LIMIT 1000");
    std::int64_t after = 0;
    for (;;) {
        q.setInt64(1, campaignId);
        q.setInt64(2, after);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        std::size_t rows = 0;
        while (rs->next()) {
            CampaignRecipientRow row;
            row.id = rs->getInt64(1);
            row.clientId = rs->getInt64(2);
            row.address = rs->getString(3);
            row.state = rs->getString(4);
            row.attempts = rs->getInt(5);
            row.sentAt = isoOrEmpty(*rs, 6);
            row.deliveredAt = isoOrEmpty(*rs, 7);
            row.readAt = isoOrEmpty(*rs, 8);
            row.repliedAt = isoOrEmpty(*rs, 9);
            row.optedOutAt = isoOrEmpty(*rs, 10);
            row.replyInteractionId = rs->getInt64(11);
            row.errorCode = rs->getString(12);
            row.errorText = rs->getString(13);
            visit(row);
            after = row.id;
            ++rows;
        }
        if (rows < 1000) return;
    }
}

}  // namespace omnigate
