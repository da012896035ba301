#include "campaigns/campaign_runner.h"

#include <Poco/Logger.h>

#include <algorithm>

#include "campaigns/unsubscribe_token.h"
#include "db/db_time.h"
#include "model/internal_error.h"
#include "model/template_text.h"
#include "omnigate/sdk/api_error.h"
#include "store/campaign_store.h"
#include "store/response_template_store.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.campaigns"); }

using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

constexpr auto kTick = std::chrono::milliseconds(100);
constexpr auto kLeadCheckEvery = std::chrono::seconds(2);
constexpr auto kReloadEvery = std::chrono::seconds(1);
constexpr auto kReplySearchEvery = std::chrono::seconds(2);
constexpr auto kAnnounceEvery = std::chrono::seconds(10);
constexpr auto kRestWhenNoneDue = std::chrono::seconds(1);
constexpr std::size_t kClaimAtMost = 50;
constexpr std::size_t kAudiencePage = 1000;
constexpr int kMaxAttempts = 10;

std::string nowIso() { return dbTimeToIso(nowDbTime()); }

// After a provider's refusal for now: 5 s, doubling, at most 10 minutes.
SystemClock::duration retryDelay(int attempts) {
    return std::chrono::seconds(std::min(600, 5 << std::min(attempts, 7)));
}

std::map<std::string, std::string> variablesOf(const Campaign& campaign, const CampaignDelivery& delivery) {
    std::map<std::string, std::string> values{{"client.name", delivery.clientName},
                                              {"client.id", std::to_string(delivery.clientId)},
                                              {"channel", campaign.channel},
                                              {"account", campaign.account}};
    for (const auto& [field, value] : delivery.card) values["client.card." + field] = value;
    return values;
}

}  // namespace

// What every recipient of a campaign is sent, worked out once per version of the campaign rather than per message.
struct CampaignRunner::Message {
    Campaign campaign;
    std::string body;                     // the text or the shared template's, variables not yet filled
    std::vector<Attachment> attachments;  // the template's files that can still be sent (email, VK)
    std::string refusal;                  // why nothing can be sent (the template is gone); empty: fine
};

CampaignRunner::CampaignRunner(ConnectionPool& pool, TransactionRunner& transactions,
                               MessageService::ChannelLookup channels, FileStore& files, const CampaignsConfig& config)
    : pool_(pool),
      transactions_(transactions),
      channels_(std::move(channels)),
      files_(files),
      config_(config),
      lock_(pool, "omnigate.campaigns") {}

CampaignRunner::~CampaignRunner() { stop(); }

void CampaignRunner::start() {
    for (int i = 0; i < config_.workers; ++i) workers_.emplace_back([this] { work(); });
    thread_ = std::thread([this] { loop(); });
}

void CampaignRunner::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    for (std::thread& worker : workers_) {
        if (worker.joinable()) worker.join();
    }
    workers_.clear();
    lock_.release();
}

void CampaignRunner::wake() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

std::string CampaignRunner::unsubscribeUrl(std::int64_t recipientId) const {
    if (config_.publicUrl.empty() || config_.unsubscribeSecret.empty()) return "";
    return config_.publicUrl + "/api/v1/unsubscribe/" + UnsubscribeToken::make(config_.unsubscribeSecret, recipientId);
}

void CampaignRunner::loop() {
    bool warned = false;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            // A sending thread that finished is a slot to fill now, not at the next tick: the workers' latency,
            // not the tick, bounds how fast a campaign may go.
            wake_.wait_for(lock, kTick, [this] { return stopping_ || woken_ || slotFreed_; });
            if (stopping_) break;
            if (woken_) lastReload_ = {};
            woken_ = false;
            slotFreed_ = false;
        }
        try {
            if (!lead()) continue;
            round();
            warned = false;
        } catch (const std::exception& e) {
            // Once per outage, not at every tick; what was due is still due at the next.
            if (!warned) logger().warning("campaigns: a round failed (tried again at the next): %s", withCause(e));
            warned = true;
        }
    }
    // The messages in flight finish and are recorded; nothing new is claimed.
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return inFlight_ == 0; });
}

void CampaignRunner::work() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return !jobs_.empty() || (stopping_ && inFlight_ == 0); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            --inFlight_;
            slotFreed_ = true;
        }
        idle_.notify_all();
        wake_.notify_all();
    }
}

bool CampaignRunner::lead() {
    const auto now = SteadyClock::now();
    if (now - lastLeadCheck_ < kLeadCheckEvery) return leading_;
    lastLeadCheck_ = now;
    const LeaderLock::Lead lead = lock_.lead();
    if (lead == LeaderLock::Lead::No) running_.clear();
    leading_ = lead != LeaderLock::Lead::No;
    if (lead != LeaderLock::Lead::Taken) return leading_;
    // The daemon that led before may have died mid-send: those recipients are failed, never sent twice.
    PooledSession session = pool_.acquire();
    const int interrupted = CampaignRecipientStore(*session).failInterrupted();
    logger().information("campaigns: this daemon sends the campaigns now%s",
                         interrupted > 0 ? " (" + std::to_string(interrupted) + " message(s) a daemon that stopped "
                                           "left mid-send are failed as interrupted, not sent again)"
                                         : std::string());
    running_.clear();
    lastReload_ = {};
    return true;
}

void CampaignRunner::reload() {
    std::vector<Campaign> campaigns;
    {
        PooledSession session = pool_.acquire();
        campaigns = CampaignStore(*session).running();
    }
    const auto now = SteadyClock::now();
    std::map<std::int64_t, Running> next;
    for (Campaign& campaign : campaigns) {
        auto found = running_.find(campaign.id);
        if (found != running_.end() && found->second.message->campaign.version == campaign.version) {
            next.emplace(campaign.id, std::move(found->second));
            continue;
        }
        auto message = std::make_shared<Message>();
        if (campaign.message.templateId != 0) {
            PooledSession session = pool_.acquire();
            const auto found = ResponseTemplateStore(*session).find(campaign.message.templateId);
            if (!found || !found->owner.empty()) {
                message->refusal = "the campaign sends shared response template " +
                                   std::to_string(campaign.message.templateId) + ", which no longer exists";
            } else {
                message->body = found->text;
                message->attachments = files_.sendable(found->files);
            }
        } else {
            message->body = campaign.message.text;
        }
        message->campaign = campaign;
        if (found != running_.end()) {
            found->second.pace.setRate(campaign.ratePerMinute, now);
            found->second.message = message;
            next.emplace(campaign.id, std::move(found->second));
        } else {
            next.emplace(campaign.id, Running{message, CampaignPace(campaign.ratePerMinute, now)});
        }
    }
    running_ = std::move(next);
    lastReload_ = now;
}

void CampaignRunner::round() {
    const auto now = SteadyClock::now();
    if (now - lastReload_ >= kReloadEvery) reload();
    std::vector<std::int64_t> slowed;
    std::vector<std::int64_t> refunds;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        slowed.swap(slowed_);
        refunds.swap(refunds_);
    }
    // A client whose own hours were closed took no message: the pace is theirs to give to the next.
    for (const std::int64_t id : refunds) {
        if (const auto found = running_.find(id); found != running_.end()) found->second.pace.giveBack(1);
    }
    for (const std::int64_t id : slowed) {
        const auto found = running_.find(id);
        if (found == running_.end()) continue;
        found->second.pace.slowDown(now);
        logger().information("campaign %Ld: the provider limits the rate; slowing down to %.1f message(s) a minute",
                             id, found->second.pace.perMinute());
    }
    std::vector<std::int64_t> done;
    for (auto& [id, running] : running_) {
        const std::string phase = step(running);
        if (phase.empty()) {
            done.push_back(id);
            continue;
        }
        if (running.sentSinceAnnounced && SteadyClock::now() - running.lastAnnounced >= kAnnounceEvery) {
            running.lastAnnounced = SteadyClock::now();
            running.sentSinceAnnounced = false;
            transactions_.run([&](DbSession& session) {
                CampaignStore store(session);
                if (const auto current = store.find(id)) store.announce(*current, phase);
            });
        }
    }
    for (const std::int64_t id : done) running_.erase(id);
    if (SteadyClock::now() - lastReplySearch_ >= kReplySearchEvery) {
        lastReplySearch_ = SteadyClock::now();
        linkReplies();
    }
}

std::string CampaignRunner::step(Running& running) {
    const Campaign& campaign = running.message->campaign;
    const std::string now = nowIso();
    if (!campaign.schedule.startsAt.empty() && now < campaign.schedule.startsAt) return "scheduled";
    if (!campaign.schedule.endsAt.empty() && now >= campaign.schedule.endsAt) {
        finish(running, "its schedule ended");
        return "";
    }
    if (!campaign.prepared) {
        auto message = std::make_shared<Message>(*running.message);
        prepare(message->campaign);
        running.message = message;
        running.sentSinceAnnounced = true;
        running.lastAnnounced = {};
        return "preparing";
    }
    const auto& hours = campaign.schedule.allowedHours;
    if (hours && !campaign.schedule.clientTimeZone && !hours->contains(SystemClock::now())) return "waiting";
    if (SteadyClock::now() < running.restUntil) return "waiting";

    std::size_t free = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const std::size_t workers = static_cast<std::size_t>(config_.workers);
        free = inFlight_ < workers ? workers - inFlight_ : 0;
    }
    const std::size_t allowed = running.pace.take(std::min(free, kClaimAtMost), SteadyClock::now());
    if (allowed == 0) return "sending";
    std::vector<CampaignDelivery> claimed;
    transactions_.run([&](DbSession& session) { claimed = CampaignRecipientStore(session).claim(campaign.id, allowed); });
    if (claimed.size() < allowed) running.pace.giveBack(allowed - claimed.size());
    if (claimed.empty()) {
        PooledSession session = pool_.acquire();
        if (!CampaignRecipientStore(*session).anyUnfinished(campaign.id)) {
            finish(running, "every recipient was tried");
            return "";
        }
        running.restUntil = SteadyClock::now() + kRestWhenNoneDue;
        return "waiting";
    }
    // When it last sent, for the reply search: a second's precision is plenty for a window of hours.
    if (SteadyClock::now() - running.markedSending >= std::chrono::seconds(1)) {
        PooledSession session = pool_.acquire();
        CampaignRecipientStore(*session).markSentAt(campaign.id);
        running.markedSending = SteadyClock::now();
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const CampaignDelivery& delivery : claimed) {
            jobs_.push_back([this, message = running.message, delivery] { deliver(*message, delivery); });
            ++inFlight_;
        }
    }
    wake_.notify_all();
    running.sentSinceAnnounced = true;
    return "sending";
}

void CampaignRunner::prepare(Campaign& campaign) {
    logger().information("campaign %Ld (%s): choosing its recipients", campaign.id, campaign.name);
    PooledSession session = pool_.acquire();
    CampaignRecipientStore store(*session);
    std::int64_t after = 0;
    std::int64_t chosen = 0;
    std::int64_t reported = 0;
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) return;  // the next leader goes on: recipients already added are kept once
        }
        std::vector<std::pair<std::int64_t, Address>> page;
        after = store.audiencePage(campaign, after, kAudiencePage,
                                   [&](std::int64_t clientId, const Address& to) { page.emplace_back(clientId, to); });
        if (after == 0) break;
        store.addRecipients(campaign.id, page);
        chosen += static_cast<std::int64_t>(page.size());
        if (chosen - reported >= 10000) {
            reported = chosen;
            logger().information("campaign %Ld: %Ld recipient(s) chosen so far", campaign.id, chosen);
        }
    }
    campaign.targeted = store.markPrepared(campaign.id);
    campaign.prepared = true;
    logger().information("campaign %Ld (%s): %Ld recipient(s) on %s account %s", campaign.id, campaign.name,
                         campaign.targeted, campaign.channel, campaign.account);
}

void CampaignRunner::finish(Running& running, const std::string& why) {
    const std::int64_t id = running.message->campaign.id;
    bool finished = false;
    transactions_.run([&](DbSession& session) {
        CampaignStore store(session);
        const auto current = store.find(id, true);
        if (!current || current->state != "running") return;
        store.setState(*current, "finished", "");
        finished = true;
    });
    if (finished) logger().information("campaign %Ld (%s) finished: %s", id, running.message->campaign.name, why);
}

bool CampaignRunner::outsideHours(const Campaign& campaign, const CampaignDelivery& delivery) {
    if (!campaign.schedule.clientTimeZone) return false;
    const auto offset = delivery.card.find("utc_offset");
    const auto hours = campaign.hoursFor(offset == delivery.card.end() ? "" : offset->second);
    const auto now = SystemClock::now();
    if (!hours || hours->contains(now)) return false;
    const auto opening = Campaign::nextOpening(*hours, now);
    PooledSession session = pool_.acquire();
    // Never inside the hours (no weekday left before the end): tried again in a day, when an edit may have
    // changed them, rather than failed for a setting.
    CampaignRecipientStore(*session).putBack(delivery.id, opening.value_or(now + std::chrono::hours(24)), false);
    std::lock_guard<std::mutex> lock(mutex_);
    refunds_.push_back(campaign.id);
    return true;
}

OutboundMessage CampaignRunner::render(const Message& message, const CampaignDelivery& delivery) {
    const Campaign& campaign = message.campaign;
    const auto values = variablesOf(campaign, delivery);
    OutboundMessage out;
    out.account = campaign.account;
    out.to = delivery.to;
    out.author = AuthorKind::System;
    out.authorId = "campaign:" + std::to_string(campaign.id);
    out.campaignId = campaign.id;
    out.campaignRecipientId = delivery.id;
    out.subject = renderTemplate(campaign.message.subject, values, Campaign::isVariable);
    if (campaign.channel == "whatsapp") {
        out.templateName = campaign.message.whatsappTemplate;
        out.templateLanguage = campaign.message.whatsappLanguage;
        for (const std::string& parameter : campaign.message.whatsappParameters) {
            out.templateParameters.push_back(renderTemplate(parameter, values, Campaign::isVariable));
        }
        return out;
    }
    // A shared template may name what a campaign has none of (an operator): that renders empty.
    out.text = renderTemplate(message.body, values, isResponseTemplateVariable);
    out.attachments = message.attachments;
    if (campaign.channel == "vk") out.visibility = "private";
    if (campaign.channel == "email") {
        out.unsubscribeUrl = unsubscribeUrl(delivery.id);
        if (!out.unsubscribeUrl.empty()) {
            out.text += "\n\n-- \nОтписаться от рассылки / Unsubscribe: " + out.unsubscribeUrl + "\n";
        }
    }
    return out;
}

void CampaignRunner::deliver(const Message& message, const CampaignDelivery& delivery) {
    const Campaign& campaign = message.campaign;
    SendResult sent;
    try {
        if (outsideHours(campaign, delivery)) return;
        ChannelPlugin* plugin = channels_(campaign.channel);
        if (!message.refusal.empty()) {
            sent = {DeliveryStatus::Failed, "", "template_missing", message.refusal};
        } else if (plugin == nullptr) {
            sent = {DeliveryStatus::Failed, "", "channel_unavailable", "no " + campaign.channel + " plugin is loaded"};
            sent.transient = true;  // loaded again after a restart with the config fixed
        } else {
            OutboundMessage out = render(message, delivery);
            try {
                // The channel checks what it can before anything goes out (WhatsApp: the template is approved).
                MessageService::prepareOutbound(*plugin, campaign.channel, out);
                sent = plugin->send(out);
            } catch (const ApiError& e) {
                sent = {DeliveryStatus::Failed, "", e.code(), e.what()};
            } catch (const std::exception& e) {
                logger().error("the %s plugin failed on campaign %Ld's message to recipient %Ld: %s", campaign.channel,
                               campaign.id, delivery.id, withCause(e));
                sent = {DeliveryStatus::Failed, "", "plugin_error", "the channel plugin failed; see the omnigate log"};
            }
        }
    } catch (const std::exception& e) {
        // Reading the client's hours failed (the database): not sent, so it may go later.
        sent = {DeliveryStatus::Failed, "", "unavailable", withCause(e)};
        sent.transient = true;
    }

    // The outcome must be written, or the recipient stays 'sending' and is failed as interrupted later: a few
    // tries over a few seconds ride out a database's restart.
    for (int attempt = 1;; ++attempt) {
        try {
            PooledSession session = pool_.acquire();
            CampaignRecipientStore store(*session);
            if (sent.status != DeliveryStatus::Failed) {
                store.recordSent(delivery.id, sent.externalId);
            } else if (sent.transient && delivery.attempts + 1 < kMaxAttempts) {
                store.putBack(delivery.id, SystemClock::now() + retryDelay(delivery.attempts), true, sent.errorCode,
                              sent.errorText);
                std::lock_guard<std::mutex> lock(mutex_);
                slowed_.push_back(campaign.id);
            } else {
                store.recordFailed(delivery.id, sent.errorCode.empty() ? "failed" : sent.errorCode, sent.errorText);
            }
            return;
        } catch (const std::exception& e) {
            if (attempt == 5) {
                logger().error("campaign %Ld: the outcome of recipient %Ld could not be recorded (%s); it stays "
                               "'sending' and is failed as interrupted by the next leader",
                               campaign.id, delivery.id, withCause(e));
                return;
            }
            std::this_thread::sleep_for(std::chrono::seconds(attempt));
        }
    }
}

void CampaignRunner::linkReplies() {
    PooledSession session = pool_.acquire();
    CampaignRecipientStore store(*session);
    if (!store.sentWithin(config_.replyWindowHours)) return;
    std::int64_t cursor = store.replyCursor();
    for (;;) {
        const std::int64_t next = store.linkReplies(cursor, config_.replyWindowHours);
        if (next == cursor) break;
        cursor = next;
        store.saveReplyCursor(cursor);
    }
}

}  // namespace omnigate
