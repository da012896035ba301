// libFuzzer target for the WhatsApp webhook parser: whatever bytes arrive (after a valid signature, so from Meta or
// from someone holding the app secret), parsing either yields values or throws PayloadError; never a crash, a hang,
// a leak or another exception. Seeds: tests/fuzz/corpus/whatsapp_payload (shaped like Meta's reference payloads).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "whatsapp_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const omnigate::whatsapp::WebhookPayload payload = omnigate::whatsapp::parseWebhookPayload(body);
        // Everything the plugin relies on: a stored message has an id and a sender, media has an id.
        for (const auto& message : payload.messages) {
            if (message.wamid.empty() || (message.phone.empty() && message.userId.empty()) || message.text.empty()) {
                std::abort();
            }
            if (message.hasMedia && message.media.mediaId.empty()) std::abort();
        }
        for (const auto& status : payload.statuses) {
            if (status.wamid.empty()) std::abort();
            if (status.status == "failed" && status.errorCode.empty()) std::abort();
        }
    } catch (const omnigate::whatsapp::PayloadError&) {
    }
    return 0;
}
