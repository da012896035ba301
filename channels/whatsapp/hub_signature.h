// Meta signs every webhook it sends with the app secret: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
// body>. Checked before the body is parsed, in constant time, so neither a forged payload nor timing tells an
// attacker anything. Also used by the tests to sign what they send.
#pragma once

#include <string>

namespace omnigate::whatsapp {

// "sha256=<lower-case hex>" of `body` under `appSecret`.
std::string hubSignature(const std::string& appSecret, const std::string& body);

// True when `header` (the X-Hub-Signature-256 value) is the signature of `body`; hex case does not matter.
bool verifyHubSignature(const std::string& appSecret, const std::string& body, const std::string& header);

}  // namespace omnigate::whatsapp
