#include "sip_digest.h"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "omnigate/sdk/secrets.h"

namespace omnigate::voice {

namespace {

constexpr std::time_t nonceLifetime = 300;
// Accepted answers remembered at most; beyond it the oldest nonces are retired early (their peers get stale=true
// and answer a fresh one), never forgotten while still usable.
constexpr std::size_t maxRemembered = 10000;

// An 8-digit hex nonce count (RFC 2617 3.2.2), or 0 when it is not one.
std::uint32_t nonceCount(const std::string& nc) {
    if (nc.size() != 8 || nc.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return 0;
    return static_cast<std::uint32_t>(std::stoul(nc, nullptr, 16));
}

}  // namespace

std::string md5Hex(const std::string& text) {
    Poco::MD5Engine engine;
    engine.update(text);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::map<std::string, std::string> parseDigestParams(const std::string& params) {
    std::map<std::string, std::string> out;
    std::size_t at = 0;
    while (at < params.size()) {
        while (at < params.size() && (params[at] == ' ' || params[at] == ',' || params[at] == '\t')) ++at;
        const std::size_t eq = params.find('=', at);
        if (eq == std::string::npos) break;
        std::string name = params.substr(at, eq - at);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        at = eq + 1;
        while (at < params.size() && params[at] == ' ') ++at;
        std::string value;
        if (at < params.size() && params[at] == '"') {
            const std::size_t close = params.find('"', at + 1);
            if (close == std::string::npos) break;
            value = params.substr(at + 1, close - at - 1);
            at = close + 1;
        } else {
            const std::size_t end = params.find(',', at);
            value = params.substr(at, end == std::string::npos ? std::string::npos : end - at);
            while (!value.empty() && value.back() == ' ') value.pop_back();
            at = end == std::string::npos ? params.size() : end;
        }
        out[name] = value;
    }
    return out;
}

SipDigest::SipDigest(DigestCredentials credentials, std::string nonceSecret)
    : credentials_(std::move(credentials)), nonceSecret_(std::move(nonceSecret)) {}

std::string SipDigest::nonceOf(std::time_t issued, const std::string& serial) const {
    const std::string stamp = std::to_string(static_cast<long long>(issued)) + "." + serial;
    return stamp + "." + md5Hex(nonceSecret_ + ":" + stamp).substr(0, 16);
}

std::string SipDigest::challenge(std::time_t now, bool stale) {
    char serial[17];
    std::snprintf(serial, sizeof serial, "%llx", static_cast<unsigned long long>(++serial_));
    return "Digest realm=\"" + credentials_.realm + "\", nonce=\"" + nonceOf(now, serial) +
           "\", algorithm=MD5, qop=\"auth\"" + (stale ? ", stale=true" : "");
}

void SipDigest::forgetExpired(std::time_t now) {
    while (!counts_.empty() && now - counts_.begin()->first.first > nonceLifetime) counts_.erase(counts_.begin());
    while (counts_.size() > maxRemembered) {
        retiredUpTo_ = std::max(retiredUpTo_, counts_.begin()->first.first);
        while (!counts_.empty() && counts_.begin()->first.first <= retiredUpTo_) counts_.erase(counts_.begin());
    }
}

DigestVerdict SipDigest::verify(const std::map<std::string, std::string>& params, const std::string& method,
                                const std::string& requestUri, std::time_t now) {
    auto get = [&](const char* key) {
        const auto found = params.find(key);
        return found == params.end() ? std::string() : found->second;
    };
    // "<issued>.<serial>.<signature>"
    const std::string nonce = get("nonce");
    const std::size_t dot = nonce.find('.');
    if (dot == std::string::npos || dot == 0 || dot > 12) return DigestVerdict::Refused;
    const std::size_t second = nonce.find('.', dot + 1);
    if (second == std::string::npos || second == dot + 1 || second - dot - 1 > 16) return DigestVerdict::Refused;
    const std::string stamp = nonce.substr(0, dot);
    const std::string serial = nonce.substr(dot + 1, second - dot - 1);
    if (stamp.find_first_not_of("0123456789") != std::string::npos) return DigestVerdict::Refused;
    const std::time_t issued = static_cast<std::time_t>(std::stoll(stamp));
    if (issued > now + 5) return DigestVerdict::Refused;
    if (!constantTimeEquals(nonce, nonceOf(issued, serial))) return DigestVerdict::Refused;
    if (get("username") != credentials_.username || get("realm") != credentials_.realm) return DigestVerdict::Refused;
    // An answer computed for another Request-URI was captured elsewhere (or is meant for another target).
    if (get("uri") != requestUri) return DigestVerdict::Refused;
    const std::string algorithm = get("algorithm");
    if (!algorithm.empty() && algorithm != "MD5" && algorithm != "md5") return DigestVerdict::Refused;
    const std::string ha1 = md5Hex(credentials_.username + ":" + credentials_.realm + ":" + credentials_.password);
    const std::string ha2 = md5Hex(method + ":" + requestUri);
    const std::string qop = get("qop");
    std::string expected;
    std::uint32_t count = 1;  // without qop there is no count: such a nonce is good for one request
    if (qop.empty()) {
        expected = md5Hex(ha1 + ":" + nonce + ":" + ha2);
    } else if (qop == "auth") {
        count = nonceCount(get("nc"));
        if (count == 0) return DigestVerdict::Refused;
        expected = md5Hex(ha1 + ":" + nonce + ":" + get("nc") + ":" + get("cnonce") + ":auth:" + ha2);
    } else {
        return DigestVerdict::Refused;
    }
    if (!constantTimeEquals(get("response"), expected)) return DigestVerdict::Refused;

    // The password is proven; whether this nonce may still be used is another matter.
    forgetExpired(now);
    if (now - issued > nonceLifetime || issued <= retiredUpTo_) return DigestVerdict::Stale;
    std::uint32_t& highest = counts_[{issued, nonce}];
    if (count <= highest) return DigestVerdict::Stale;
    highest = count;
    return DigestVerdict::Accepted;
}

}  // namespace omnigate::voice
