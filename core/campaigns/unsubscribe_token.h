// The token in an email campaign's unsubscribe address (RFC 8058 one-click): the recipient's id and an HMAC of it
// under campaigns.unsubscribe_secret, so the address cannot be guessed for another client and needs no table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace omnigate {

class UnsubscribeToken {
public:
    // "<recipient id>-<32 hex digits>".
    static std::string make(const std::string& secret, std::int64_t recipientId);
    // The recipient id a token names when its signature holds; nothing otherwise.
    static std::optional<std::int64_t> verify(const std::string& secret, const std::string& token);
};

}  // namespace omnigate
