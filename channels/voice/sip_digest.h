// Digest authentication of INVITEs (RFC 3261 22.4 with RFC 2617's MD5 and qop=auth), for trunks that register
// credentials instead of (or besides) coming from a fixed address. Nonces are stateless: a timestamp signed with a
// per-process secret, so a flood of unauthenticated INVITEs costs no memory and a nonce cannot be forged or kept.
#pragma once

#include <ctime>
#include <map>
#include <string>

#include "voice_config.h"

namespace omnigate::voice {

std::string md5Hex(const std::string& text);

// The name=value pairs of an Authorization header's parameters, quotes removed; names lower-cased.
std::map<std::string, std::string> parseDigestParams(const std::string& params);

class SipDigest {
public:
    SipDigest(DigestCredentials credentials, std::string nonceSecret);

    // The WWW-Authenticate value of a 401.
    std::string challenge(std::time_t now) const;
    // True when `params` (of an Authorization: Digest header) answer a fresh nonce of ours for `method`.
    bool verify(const std::map<std::string, std::string>& params, const std::string& method, std::time_t now) const;

private:
    std::string nonceAt(std::time_t issued) const;

    DigestCredentials credentials_;
    std::string nonceSecret_;
};

}  // namespace omnigate::voice
