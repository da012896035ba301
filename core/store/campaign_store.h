// The SQL of outbound campaigns (docs/campaigns.md): the campaigns a marketer keeps, their state, and what became
// of their recipients counted for the results. A change of state writes campaign.updated in the same transaction.
// The recipients themselves (chosen, claimed, sent, reported on) are CampaignRecipientStore's.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/campaign.h"

namespace omnigate {

// What became of a campaign's recipients, as the results count them (docs/campaigns.md#results).
struct CampaignTotals {
    std::int64_t targeted = 0;
    std::int64_t pending = 0;    // not tried yet, or waiting to be tried again (a provider's rate limit)
    std::int64_t sending = 0;
    std::int64_t sent = 0;       // sent, delivered or read
    std::int64_t delivered = 0;  // delivered or read
    std::int64_t read = 0;
    std::int64_t failed = 0;
    std::int64_t skipped = 0;
    std::int64_t replied = 0;
    std::int64_t optedOut = 0;
    std::int64_t offersActivated = 0;

    Poco::JSON::Object::Ptr toJson() const;
};

struct CampaignFailure {
    std::string errorCode;
    std::string errorText;  // one provider's text of that code
    std::int64_t count = 0;
};

// One recipient as the export lists it.
struct CampaignRecipientRow {
    std::int64_t id = 0;
    std::int64_t clientId = 0;
    std::string address;
    std::string state;
    int attempts = 0;
    std::string sentAt, deliveredAt, readAt, repliedAt, optedOutAt;  // ISO 8601 or empty
    std::int64_t replyInteractionId = 0;
    std::string errorCode, errorText;
};

class CampaignStore {
public:
    explicit CampaignStore(DbSession& session) : session_(session) {}

    std::vector<Campaign> list();
    std::vector<Campaign> running();
    std::optional<Campaign> find(std::int64_t id, bool forUpdate = false);
    // Whether the shared response template and the topics named exist is checked here (400 naming the field).
    Campaign create(Campaign draft);
    // Name and definition as `next` has them. 409 version_conflict when `expectedVersion` is given and stale.
    Campaign update(const Campaign& next, std::optional<int> expectedVersion);
    // A campaign not running, with its recipients. 409 when it runs.
    void remove(std::int64_t id);

    // Moves it to `state` (launched_at at the first launch, finished_at when it ends) and writes campaign.updated;
    // answers it as now stored. `phase` and `totals` go into the event.
    Campaign setState(const Campaign& campaign, const std::string& state, const std::string& phase);
    // campaign.updated with the current phase and totals, without a change of state (progress while sending).
    void announce(const Campaign& campaign, const std::string& phase);

    CampaignTotals totals(const Campaign& campaign);
    std::vector<CampaignFailure> failures(std::int64_t campaignId);
    // Every recipient in id order, a page at a time so 100,000 of them never sit in memory at once.
    void forEachRecipient(std::int64_t campaignId, const std::function<void(const CampaignRecipientRow&)>& visit);

private:
    // kSelect's campaigns with `tail` (a WHERE and an ORDER BY).
    std::vector<Campaign> select(const std::string& tail);
    void check(const Campaign& campaign);

    DbSession& session_;
};

}  // namespace omnigate
