// Secrets as every part of omnigate handles them: tokens compared without an early exit, and the one signature
// scheme of omnigate's outgoing webhooks (CRM events, chatbot conversations), so a receiver verifies them all
// the same way.
#pragma once

#include <string>

namespace omnigate {

// True when equal, in a time that depends only on the lengths: how many leading bytes of a guess were right
// cannot be timed. Different lengths are simply unequal (a token's length is not the secret).
bool constantTimeEquals(const std::string& a, const std::string& b);

// X-Omnigate-Signature of a webhook: "sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>", with the
// X-Omnigate-Timestamp (unix seconds) of that very attempt, so a receiver can refuse old timestamps and a captured
// request cannot be sent again later under a fresh one.
std::string webhookSignature(const std::string& secret, const std::string& timestamp, const std::string& body);

}  // namespace omnigate
