// The campaigns' background job (docs/campaigns.md). One daemon of a deployment runs it, elected like the mailings
// by a named lock of the database ('omnigate.campaigns') held on a connection of its own. Several times a second
// it looks at the running campaigns: chooses a launched campaign's recipients once, waits for its start and its
// allowed hours, claims as many recipients as the campaign's pace allows and hands them to a few sending threads,
// finishes a campaign when every recipient was tried or its schedule ended, and links the clients' replies.
// A recipient is marked 'sending' before its message goes to the channel: a daemon that dies mid-send leaves it
// so, and the next leader fails it as interrupted instead of sending it twice.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "campaigns/campaign_pace.h"
#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/leader_lock.h"
#include "db/transaction_runner.h"
#include "interactions/message_service.h"
#include "model/campaign.h"
#include "store/campaign_recipient_store.h"
#include "store/file_store.h"

namespace omnigate {

class CampaignRunner {
public:
    CampaignRunner(ConnectionPool& pool, TransactionRunner& transactions, MessageService::ChannelLookup channels,
                   FileStore& files, const CampaignsConfig& config);
    ~CampaignRunner();

    void start();
    // Finishes the messages in flight (their outcome recorded), then stops.
    void stop();
    // A campaign was launched, paused, resumed or cancelled here: look again now rather than at the next round.
    void wake();

    // What an email's unsubscribe address is for a recipient; empty when campaigns.public_url or the secret is
    // missing.
    std::string unsubscribeUrl(std::int64_t recipientId) const;

private:
    struct Message;
    struct Running {
        std::shared_ptr<const Message> message;  // shared with the sends in flight
        CampaignPace pace;
        std::chrono::steady_clock::time_point lastAnnounced{};
        bool sentSinceAnnounced = false;
        std::chrono::steady_clock::time_point restUntil{};  // none due: not asked again before
        std::chrono::steady_clock::time_point markedSending{};  // last_sent_at written (at most once a second)
    };

    void loop();
    void work();
    bool lead();
    void round();
    void reload();
    // One campaign's turn: what it does now, for campaign.updated ("" when it finished).
    std::string step(Running& running);
    void prepare(Campaign& campaign);
    void finish(Running& running, const std::string& why);
    // On a sending thread: one recipient's message to the channel, and its outcome recorded.
    void deliver(const Message& message, const CampaignDelivery& delivery);
    OutboundMessage render(const Message& message, const CampaignDelivery& delivery);
    // True when the client's own allowed hours are closed: put back until they open.
    bool outsideHours(const Campaign& campaign, const CampaignDelivery& delivery);
    void linkReplies();

    ConnectionPool& pool_;
    TransactionRunner& transactions_;
    MessageService::ChannelLookup channels_;
    FileStore& files_;
    const CampaignsConfig& config_;

    LeaderLock lock_;
    std::chrono::steady_clock::time_point lastLeadCheck_{};
    bool leading_ = false;
    std::chrono::steady_clock::time_point lastReload_{};
    std::chrono::steady_clock::time_point lastReplySearch_{};
    std::map<std::int64_t, Running> running_;  // the loop thread's only

    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    bool stopping_ = false;
    bool woken_ = false;
    bool slotFreed_ = false;  // a sending thread finished a job: the loop may claim again
    std::deque<std::function<void()>> jobs_;
    std::size_t inFlight_ = 0;  // jobs queued or running
    std::vector<std::int64_t> slowed_;   // campaigns whose provider refused for now, for the loop to slow
    std::vector<std::int64_t> refunds_;  // campaigns that claimed a client outside their own hours
    std::vector<std::thread> workers_;
    std::thread thread_;
};

}  // namespace omnigate
