// Sends an operator's (or the system's) message as a mail that threads in the client's mail program and comes back
// to the same interaction: our Message-ID (returned as the external id, which a later bounce names), In-Reply-To
// and References from the interaction's stored messages, the "[#id]" subject tag, attachments from the file store.
// Auto-replies carry Auto-Submitted and are limited per recipient; 4xx replies are retried with backoff, 5xx fail.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "email_config.h"
#include "omnigate/sdk/channel_host.h"

namespace omnigate::email {

class OutboundMailer {
public:
    OutboundMailer(ChannelHost& host, const EmailConfig& config);
    SendResult send(const OutboundMessage& message);

private:
    bool allowAutoReply(const std::string& to);
    std::string subjectOf(const OutboundMessage& message);

    ChannelHost& host_;
    const EmailConfig& config_;
    std::mutex mutex_;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> autoReplies_;
};

}  // namespace omnigate::email
