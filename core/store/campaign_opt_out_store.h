// The clients who opted out of campaigns (docs/campaigns.md#consent-and-replies): by a STOP word in a reply, an
// email's one-click unsubscribe, or a person on their behalf. Each change writes client.opted_out or
// client.opted_in on the client's topic in the same transaction, so the CRM keeps the same consent as we do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/db_session.h"

namespace omnigate {

struct CampaignOptOut {
    std::string source;  // reply, unsubscribe, api
    std::int64_t campaignId = 0;  // the campaign it answered; 0: none
    std::string optedOutAt;  // ISO 8601
};

class CampaignOptOutStore {
public:
    explicit CampaignOptOutStore(DbSession& session) : session_(session) {}

    std::optional<CampaignOptOut> find(std::int64_t clientId);
    // Records it (once: a client opted out already stays as first recorded) and marks the recipient of
    // `campaignId` (0: none) opted out. True when the client was not opted out before.
    bool optOut(std::int64_t clientId, const std::string& source, std::int64_t campaignId);
    // A client's STOP word: the campaign it answers is the latest that reached them within `windowHours`, if any.
    bool optOutByReply(std::int64_t clientId, int windowHours);
    // False when the client had not opted out.
    bool optIn(std::int64_t clientId);

private:
    DbSession& session_;
};

}  // namespace omnigate
