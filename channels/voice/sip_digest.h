// Digest authentication of INVITEs (RFC 3261 22.4 with RFC 2617's MD5 and qop=auth), for trunks that register
// credentials instead of (or besides) coming from a fixed address. Nonces are a timestamp and a serial number signed
// with a per-process secret, so a flood of unauthenticated INVITEs costs no memory and a nonce cannot be forged. Only an answer that
// proves the password is remembered (its nonce and nonce count), so a captured answer cannot be sent again.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <string>
#include <utility>

#include "voice_config.h"

namespace omnigate::voice {

std::string md5Hex(const std::string& text);

// The name=value pairs of an Authorization header's parameters, quotes removed; names lower-cased.
std::map<std::string, std::string> parseDigestParams(const std::string& params);

enum class DigestVerdict {
    Accepted,
    Stale,    // the right password for a nonce of ours that is too old or already used: challenge with stale=true
    Refused,  // no, a forged or a wrong answer: challenge again
};

class SipDigest {
public:
    SipDigest(DigestCredentials credentials, std::string nonceSecret);

    // The WWW-Authenticate value of a 401; `stale` tells the peer its password was right, only the nonce was not.
    // Every challenge carries a nonce of its own, so peers challenged in the same second do not share a count.
    std::string challenge(std::time_t now, bool stale = false);
    // Whether `params` (of an Authorization: Digest header) answer a nonce of ours for `method` on `requestUri`
    // (the Request-URI as the request carried it). An accepted nonce count is remembered until the nonce expires:
    // the same count (or a lower one) again is Stale. Not thread-safe: one SIP thread calls it.
    DigestVerdict verify(const std::map<std::string, std::string>& params, const std::string& method,
                         const std::string& requestUri, std::time_t now);

private:
    std::string nonceOf(std::time_t issued, const std::string& serial) const;
    void forgetExpired(std::time_t now);

    DigestCredentials credentials_;
    std::string nonceSecret_;
    std::uint64_t serial_ = 0;
    std::map<std::pair<std::time_t, std::string>, std::uint32_t> counts_;  // (issued, nonce) -> highest nc accepted
    std::time_t retiredUpTo_ = 0;  // nonces issued at or before this were forgotten early: treated as used up
};

}  // namespace omnigate::voice
