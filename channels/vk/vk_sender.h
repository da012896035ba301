// An operator's answer out to VK: a private message (messages.send) or, for a public appeal, a comment where the
// client wrote (wall/board/photos/video/market.createComment), with files uploaded as VK photos or documents.
// The system's automatic messages (auto-replies, rating requests) go privately by default. Every write carries an
// idempotency key derived from our message id (random_id for messages, guid for comments), so a retry, ours after
// error 6 or anyone's later, never posts twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "omnigate/sdk/channel_host.h"
#include "vk_accounts.h"
#include "vk_target.h"

namespace omnigate::vk {

class VkSender {
public:
    VkSender(ChannelHost& host, const VkAccounts& accounts, const std::atomic<bool>& cancel)
        : host_(host), accounts_(accounts), cancel_(cancel) {}

    SendResult send(const OutboundMessage& message);

    // What the client of `interactionId` last wrote publicly (the comment or post to answer), or nothing for a
    // private conversation.
    std::optional<VkTarget> publicTarget(std::int64_t interactionId);

    // messages.send's random_id for our message `messageId`: the same on every attempt, different per message
    // (VK keeps the random_ids of a conversation for a while and does not send one twice).
    static std::int64_t randomIdOf(std::int64_t messageId);
    // The same for a campaign's message to recipient `recipientId`: negative, so never one of a message's.
    static std::int64_t campaignRandomIdOf(std::int64_t recipientId) { return -1 - (recipientId & 0x7fffffff); }
    static std::string guidOf(std::int64_t messageId) { return "omnigate-" + std::to_string(messageId); }

private:
    static std::int64_t recipientOf(const OutboundMessage& message);
    // Each returns the external id of what it posted.
    std::string sendPrivately(VkAccount& account, const OutboundMessage& message, std::int64_t userId);
    std::string comment(VkAccount& account, const OutboundMessage& message, const VkTarget& target,
                        std::int64_t userId);
    std::string uploadAll(VkAccount& account, const OutboundMessage& message, std::int64_t peerId, bool forWall);
    std::string upload(VkAccount& account, const Attachment& attachment, const std::string& bytes,
                       std::int64_t peerId, bool forWall);

    ChannelHost& host_;
    const VkAccounts& accounts_;
    const std::atomic<bool>& cancel_;
};

}  // namespace omnigate::vk
