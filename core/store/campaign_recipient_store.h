// The SQL of a campaign's recipients (docs/campaigns.md): choosing them from the segment, claiming the next ones
// to send (each marked 'sending' before it goes out, so a send is never repeated after a crash), recording what the
// channel and later the provider said, and linking the clients' replies. Each method is one short statement or
// a page of them; the campaign runner calls them on connections of its own, outside the inbound writers' lanes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/campaign.h"
#include "omnigate/sdk/messages.h"

namespace omnigate {

// A recipient claimed for sending, with what its message needs.
struct CampaignDelivery {
    std::int64_t id = 0;
    std::int64_t clientId = 0;
    Address to;
    int attempts = 0;  // before this one
    std::string clientName;
    std::map<std::string, std::string> card;
};

// Whose a recipient row is.
struct CampaignRecipientRef {
    std::int64_t campaignId = 0;
    std::int64_t clientId = 0;
};

class CampaignRecipientStore {
public:
    explicit CampaignRecipientStore(DbSession& session) : session_(session) {}

    std::optional<CampaignRecipientRef> find(std::int64_t recipientId);

    // The address kind a campaign on `channel` reaches its clients at.
    static std::string addressKindOf(const std::string& channel);

    // Clients of the segment the channel reaches (an address of its kind, not merged away, not opted out; on VK
    // only those who allowed the community's messages), a page after `afterClientId`; calls `take` for each with
    // its first such address. Answers the last client id seen, 0 when there were none.
    std::int64_t audiencePage(const Campaign& campaign, std::int64_t afterClientId, std::size_t pageSize,
                              const std::function<void(std::int64_t clientId, const Address&)>& take);
    // Adds the page's clients as pending recipients (a client already one is kept as is).
    void addRecipients(std::int64_t campaignId, const std::vector<std::pair<std::int64_t, Address>>& clients);
    // The recipients are all chosen: prepared, with their count.
    std::int64_t markPrepared(std::int64_t campaignId);

    // Up to `limit` pending recipients due now, marked 'sending' with one more attempt, skipping (as 'skipped')
    // those who opted out meanwhile. Run inside a transaction: the rows are locked while claimed.
    std::vector<CampaignDelivery> claim(std::int64_t campaignId, std::size_t limit);
    // The channel's answer: sent (with the provider's id) or failed with its reason.
    void recordSent(std::int64_t recipientId, const std::string& externalId);
    void recordFailed(std::int64_t recipientId, const std::string& code, const std::string& text);
    // Not sent after all (outside the client's allowed hours, a provider's rate limit): pending again, tried at
    // `at`; `keepAttempt` counts the try (a rate limit) or gives it back (hours).
    void putBack(std::int64_t recipientId, std::chrono::system_clock::time_point at, bool keepAttempt,
                 const std::string& code = "", const std::string& text = "");
    // Recipients left 'sending' by a daemon that stopped mid-send: failed as interrupted, never sent again. How many.
    int failInterrupted();
    // Pending or sending recipients left; none means every one was tried.
    bool anyUnfinished(std::int64_t campaignId);
    // The earliest time a pending recipient is due; nothing when none is pending.
    std::optional<std::string> nextDue(std::int64_t campaignId);
    void markSentAt(std::int64_t campaignId);

    // A provider's report on a campaign's message: true when one recipient had that provider id (and moved on:
    // delivered, read or failed; never backwards).
    bool applyStatus(const std::string& channel, const std::string& account, const std::string& externalId,
                     DeliveryStatus status, const std::string& errorCode, const std::string& errorText);

    // Links the interactions opened after `afterInteractionId` (and at least five seconds ago) to the campaign
    // message their client received on the same channel and account within `windowHours` before: the interaction
    // gets campaign_id, the recipient replied. Answers the last interaction id looked at (the next call's start).
    std::int64_t linkReplies(std::int64_t afterInteractionId, int windowHours);
    // Where linkReplies left off, and saving it.
    std::int64_t replyCursor();
    void saveReplyCursor(std::int64_t interactionId);
    // Whether any campaign sent within the window: otherwise no reply can be linked and the search rests.
    bool sentWithin(int windowHours);

private:
    DbSession& session_;
};

}  // namespace omnigate
