#include "campaigns/unsubscribe_token.h"

#include <charconv>

#include "omnigate/sdk/secrets.h"

namespace omnigate {

namespace {

// HMAC-SHA256 over "unsubscribe.<id>", the webhooks' scheme with a fixed label for the timestamp; 128 bits of it
// keep the address short enough for a mail client's header while no one can forge one.
std::string signatureOf(const std::string& secret, std::int64_t recipientId) {
    const std::string full = webhookSignature(secret, "unsubscribe", std::to_string(recipientId));
    return full.substr(full.find('=') + 1, 32);
}

}  // namespace

std::string UnsubscribeToken::make(const std::string& secret, std::int64_t recipientId) {
    return std::to_string(recipientId) + "-" + signatureOf(secret, recipientId);
}

std::optional<std::int64_t> UnsubscribeToken::verify(const std::string& secret, const std::string& token) {
    const auto dash = token.find('-');
    if (secret.empty() || dash == std::string::npos || dash == 0 || dash > 19) return std::nullopt;
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + dash, id);
    if (ec != std::errc() || end != token.data() + dash || id <= 0) return std::nullopt;
    if (!constantTimeEquals(token.substr(dash + 1), signatureOf(secret, id))) return std::nullopt;
    return id;
}

}  // namespace omnigate
