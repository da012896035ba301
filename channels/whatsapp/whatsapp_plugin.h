// The WhatsApp Business Cloud API channel: Meta's webhooks (subscription check and signed deliveries of messages
// and statuses) under /webhooks/whatsapp/{account}, client media fetched through the Graph API into the file store
// (retried later when it fails), operators' messages sent through the Graph API within the 24-hour customer
// service window or as approved templates, and the templates registry's admin REST.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_set>

#include "omnigate/sdk/plugin.h"
#include "omnigate/sdk/polling_thread.h"
#include "pending_media.h"
#include "template_registry.h"
#include "whatsapp_config.h"
#include "whatsapp_payload.h"
#include "whatsapp_sender.h"

namespace omnigate::whatsapp {

class WhatsappPlugin : public ChannelPlugin {
public:
    WhatsappPlugin();
    ~WhatsappPlugin() override;

    std::string name() const override { return "whatsapp"; }
    LoadResult load(ChannelHost& host) override;
    void start() override;
    void stop() override;
    SendResult send(const OutboundMessage& message) override;
    // Free text and media only within 24 hours of the client's last message; templates only when registered,
    // APPROVED, of that language and with all their parameters (and then `text` becomes the rendered body).
    void prepareOutbound(OutboundMessage& message) override;

    // One pass over the pending media: every due download is tried again. Returns how many were attached.
    std::size_t retryPendingMedia();

private:
    HttpResponse verifySubscription(const HttpRequest& request);  // GET  /webhooks/whatsapp/{account}
    HttpResponse receiveWebhook(const HttpRequest& request);      // POST /webhooks/whatsapp/{account}
    void storeMessage(const std::string& account, const WhatsappConfig& config, const ParsedMessage& message);
    // The configured account a change of `phoneNumberId` belongs to: the webhook's own account when it matches
    // (or the payload names no number), else another account with that number among `signers`, the accounts
    // whose app_secret signed this webhook; empty when none of them has it (logged: the change is dropped).
    std::string accountFor(const std::string& urlAccount, const std::string& phoneNumberId,
                           const std::set<std::string>& signers, const std::string& what) const;
    const WhatsappConfig& configOf(const std::string& account) const;  // ApiError 404 when unknown
    bool recentlyStored(const std::string& key);
    void rememberStored(const std::string& key);
    std::mutex& stripeFor(const std::string& key);

    ChannelHost* host_ = nullptr;
    std::map<std::string, WhatsappConfig> accounts_;
    std::atomic<bool> stopping_{false};
    std::unique_ptr<TemplateRegistry> templates_;
    std::unique_ptr<WhatsappSender> sender_;
    std::unique_ptr<PendingMedia> pending_;
    std::unique_ptr<PollingThread> mediaRetries_;

    // Duplicates of one wamid (Meta's retries, concurrent deliveries) are handled one at a time, so the media is
    // fetched once and a pending download is never lost to its own duplicate.
    std::array<std::mutex, 64> stripes_;
    std::mutex recentMutex_;
    std::unordered_set<std::string> recent_;  // wamids stored by this process lately: their media is not refetched
    std::deque<std::string> recentOrder_;
};

}  // namespace omnigate::whatsapp
