// The VK community channel: private messages and public appeals (wall, board, photo, video and market comments)
// of any number of communities, received by the Callback API (POST /webhooks/vk/{account}) or Bots Long Poll, and
// answered privately or publicly. The parts: VkEvent reads events, VkInbound stores them, VkMediaFetcher fetches
// their files, VkLongPoll polls, VkSender answers; this class wires them to the host.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "omnigate/sdk/plugin.h"
#include "omnigate/sdk/polling_thread.h"
#include "vk_accounts.h"
#include "vk_inbound.h"
#include "vk_long_poll.h"
#include "vk_media.h"
#include "vk_sender.h"

namespace omnigate::vk {

class VkPlugin : public ChannelPlugin {
public:
    VkPlugin();
    ~VkPlugin() override;

    std::string name() const override { return "vk"; }
    LoadResult load(ChannelHost& host) override;
    void start() override;
    void stop() override;
    SendResult send(const OutboundMessage& message) override;
    // Visibility is for public appeals only; VK has no message templates.
    void prepareOutbound(OutboundMessage& message) override;

    // POST /webhooks/vk/{account}: the Callback API.
    HttpResponse callback(const HttpRequest& request);

private:
    ChannelHost* host_ = nullptr;
    std::atomic<bool> stopping_{false};
    VkAccounts accounts_;
    std::unique_ptr<VkMediaFetcher> media_;
    std::unique_ptr<VkInbound> inbound_;
    std::unique_ptr<VkSender> sender_;
    std::vector<std::unique_ptr<VkLongPoll>> longPolls_;
    std::unique_ptr<PollingThread> mediaRetry_;
};

}  // namespace omnigate::vk
