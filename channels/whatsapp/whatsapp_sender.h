// Delivers an operator's message through POST /{version}/{phone_number_id}/messages: free text, media (uploaded
// first, then sent by media id, with the text as caption), or an approved template. Meta's errors become what the
// operator can act on: 131047 (the 24-hour window closed) says to use a template; rate limits are retried with
// backoff a few times; an expired token (190) also makes the account not ready on /readyz.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "graph_api_client.h"
#include "omnigate/sdk/channel_host.h"
#include "whatsapp_config.h"

namespace omnigate::whatsapp {

class WhatsappSender {
public:
    WhatsappSender(ChannelHost& host, const std::atomic<bool>& cancel) : host_(host), cancel_(cancel) {}

    SendResult send(const std::string& account, const WhatsappConfig& config, const OutboundMessage& message);

    // Marks the account not ready (an expired token) or ready again (a call succeeded); tells the host on a change.
    void setReady(const std::string& account, bool ready, const std::string& reason);

    // WhatsApp's media type for a MIME type: image, video, audio or document.
    static std::string mediaTypeOf(const std::string& mimeType);

    // What one Graph call came to.
    struct Outcome {
        bool ok = false;
        std::string id;         // the wamid (messages) or media id (uploads)
        std::string errorCode;
        std::string errorText;
        // Refused for now and surely not delivered: a rate limit, or Meta never reached.
        bool transient = false;
    };

private:
    // One Graph call, tried again after rate limits and server errors.
    Outcome call(const std::string& account, const WhatsappConfig& config, const std::string& what,
                 const std::function<GraphResponse()>& request, const std::string& idPath);
    bool sleepUnlessStopping(std::chrono::milliseconds delay) const;

    ChannelHost& host_;
    const std::atomic<bool>& cancel_;
    std::mutex mutex_;
    std::set<std::string> notReady_;
};

}  // namespace omnigate::whatsapp
