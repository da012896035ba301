#include "sip_digest.h"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

#include <cctype>

#include "omnigate/sdk/secrets.h"

namespace omnigate::voice {

namespace {

constexpr std::time_t nonceLifetime = 300;

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

std::string SipDigest::nonceAt(std::time_t issued) const {
    const std::string stamp = std::to_string(static_cast<long long>(issued));
    return stamp + "." + md5Hex(nonceSecret_ + ":" + stamp).substr(0, 16);
}

std::string SipDigest::challenge(std::time_t now) const {
    return "Digest realm=\"" + credentials_.realm + "\", nonce=\"" + nonceAt(now) +
           "\", algorithm=MD5, qop=\"auth\"";
}

bool SipDigest::verify(const std::map<std::string, std::string>& params, const std::string& method,
                       std::time_t now) const {
    auto get = [&](const char* key) {
        const auto found = params.find(key);
        return found == params.end() ? std::string() : found->second;
    };
    const std::string nonce = get("nonce");
    const std::size_t dot = nonce.find('.');
    if (dot == std::string::npos || dot == 0 || dot > 12) return false;
    const std::string stamp = nonce.substr(0, dot);
    if (stamp.find_first_not_of("0123456789") != std::string::npos) return false;
    const std::time_t issued = static_cast<std::time_t>(std::stoll(stamp));
    if (issued > now + 5 || now - issued > nonceLifetime) return false;
    if (!constantTimeEquals(nonce, nonceAt(issued))) return false;
    if (get("username") != credentials_.username || get("realm") != credentials_.realm) return false;
    const std::string algorithm = get("algorithm");
    if (!algorithm.empty() && algorithm != "MD5" && algorithm != "md5") return false;
    const std::string ha1 = md5Hex(credentials_.username + ":" + credentials_.realm + ":" + credentials_.password);
    const std::string ha2 = md5Hex(method + ":" + get("uri"));
    const std::string qop = get("qop");
    std::string expected;
    if (qop.empty()) {
        expected = md5Hex(ha1 + ":" + nonce + ":" + ha2);
    } else if (qop == "auth") {
        expected = md5Hex(ha1 + ":" + nonce + ":" + get("nc") + ":" + get("cnonce") + ":auth:" + ha2);
    } else {
        return false;
    }
    return constantTimeEquals(get("response"), expected);
}

}  // namespace omnigate::voice
