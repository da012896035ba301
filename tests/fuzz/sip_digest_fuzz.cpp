// libFuzzer target for the voice channel's digest authentication: whatever parameters an INVITE's Authorization
// header carries, parsing and judging them must neither crash nor read out of bounds, and without the password no
// answer is ever accepted. "NONCE" as the nonce stands for a genuine one of ours, so the checks behind the nonce's
// signature are reached too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "sip_digest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace omnigate::voice;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto params = parseDigestParams(text);
    for (const auto& [name, value] : params) {
        for (const char c : name) {
            if (c >= 'A' && c <= 'Z') std::abort();
        }
    }
    SipDigest digest({"omnigate", "trunk", "a password the fuzzer cannot know"}, "secret");
    const std::string challenge = digest.challenge(1700000000);
    const auto nonce = params.find("nonce");
    if (nonce != params.end() && nonce->second == "NONCE") {
        nonce->second = parseDigestParams(challenge.substr(7)).at("nonce");
    }
    for (const std::time_t now : {std::time_t{1700000000}, std::time_t{1700000400}}) {
        if (digest.verify(params, "INVITE", "sip:800@127.0.0.1", now) == DigestVerdict::Accepted) std::abort();
    }
    return 0;
}
