// What a VK event does to the store, the same whether it came by the Callback API or by Bots Long Poll: new
// messages and public appeals are submitted, edits and deletions amend the stored message, the client's consent
// goes on their card. handle() returns only once that is durable; it throws (ApiError 503 when the store is down)
// so the caller does not acknowledge and VK delivers the event again.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "omnigate/sdk/channel_host.h"
#include "vk_accounts.h"
#include "vk_event.h"
#include "vk_media.h"

namespace omnigate::vk {

class VkInbound {
public:
    VkInbound(ChannelHost& host, const VkAccounts& accounts, VkMediaFetcher& media, const std::atomic<bool>& cancel)
        : host_(host), accounts_(accounts), media_(media), cancel_(cancel) {}

    void handle(VkAccount& account, const VkEvent& event);

    // The key under which a client's consent to private messages is kept in the plugin's state.
    static std::string consentKey(const std::string& account, std::int64_t userId);

private:
    void store(VkAccount& account, const VkEvent& event);
    void amend(VkAccount& account, const VkEvent& event);
    void consent(VkAccount& account, const VkEvent& event);
    std::string nameOf(VkAccount& account, std::int64_t userId);
    // event_id of a handled event: a retry within the window is acknowledged without any work (the durable
    // de-duplication is the core's, on the external id; this only spares the media downloads and the store).
    bool seen(const std::string& account, const std::string& eventId);
    void remember(const std::string& account, const std::string& eventId);

    ChannelHost& host_;
    const VkAccounts& accounts_;
    VkMediaFetcher& media_;
    const std::atomic<bool>& cancel_;
    std::mutex mutex_;
    std::set<std::string> seenEvents_;
    std::deque<std::string> seenOrder_;
    std::map<std::int64_t, std::string> names_;
};

}  // namespace omnigate::vk
