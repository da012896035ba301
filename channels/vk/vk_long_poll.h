// Bots Long Poll for one community, for installations VK cannot reach: groups.getLongPollServer gives a server,
// key and ts, then a_check waits up to `wait` seconds for events on a thread of its own. Each batch is handled
// through the same VkInbound as the Callback API's events before ts moves on, so a batch that could not be stored
// is fetched again (and de-duplicated). `failed` 1 takes the new ts, 2 a new key, 3 a new key and ts (VK's docs).
// The ts is kept in the plugin's durable state, so the events VK still holds that came while omnigate was down are
// fetched after a restart instead of skipped.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "omnigate/sdk/channel_host.h"
#include "omnigate/sdk/polling_thread.h"
#include "vk_accounts.h"
#include "vk_inbound.h"

namespace omnigate::vk {

class VkLongPoll {
public:
    VkLongPoll(ChannelHost& host, VkAccount& account, VkInbound& inbound);
    ~VkLongPoll() { stop(); }

    void start();
    void stop();  // cancels a waiting a_check at once

    // One a_check (after fetching the server when needed); what the polling thread runs. Returns 1 to poll again
    // at once, 0 to wait a moment first (after a failure).
    std::size_t pass();

private:
    void fetchServer();
    std::string tsKey() const;
    std::size_t poll();
    void pause(std::chrono::seconds duration);

    int failures_ = 0;  // in a row: each doubles the pause before the next attempt (VK down, token revoked)
    ChannelHost& host_;
    VkAccount& account_;
    VkInbound& inbound_;
    PollingThread thread_;
    std::string server_;
    std::string key_;
    std::string ts_;
    bool tsRestored_ = false;  // the durable ts was read (once, on the polling thread, which retries on failure)
    std::string savedTs_;      // the ts last written to the durable state
};

}  // namespace omnigate::vk
