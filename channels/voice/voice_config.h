// The typed settings of one voice account: where it listens for SIP, which peers may call it, how many calls it
// takes, what callers hear while they wait, and where each operator's phone is. Read and checked once at load, so
// the SIP thread only ever sees valid values and a mistake is reported with its position in the file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "omnigate/sdk/config_node.h"

namespace omnigate::voice {

// An IPv4 network, "10.0.0.0/8" or a single address.
struct Ipv4Network {
    std::uint32_t address = 0;
    std::uint32_t mask = 0;
    bool contains(std::uint32_t ip) const { return (ip & mask) == address; }
};
std::optional<Ipv4Network> parseNetwork(const std::string& text);
std::optional<std::uint32_t> parseIpv4(const std::string& text);

struct DigestCredentials {
    std::string realm;
    std::string username;
    std::string password;
};

struct VoiceConfig {
    std::string listenHost = "127.0.0.1";           // SIP over UDP and TCP
    int listenPort = 5060;
    std::string rtpAddress;                         // bound and put into SDP; defaults to listenHost
    int rtpPortMin = 16000;
    int rtpPortMax = 16999;
    std::vector<Ipv4Network> allow;                 // peers that may send INVITEs
    std::optional<DigestCredentials> auth;          // when set, INVITEs must carry digest credentials
    int maxConcurrentCalls = 30;
    int retryAfterSeconds = 30;                     // in the 503 over the limit
    int maxInvitesPerSecond = 20;                   // per source address; more: 503 (a flood)
    std::vector<std::int16_t> announcement;         // 8 kHz samples, played once on answer
    std::vector<std::int16_t> hold;                 // then looped until an operator answers
    std::map<std::string, std::string> operators;   // operator id -> SIP URI of their phone
    std::string trunk;                              // click to call: "sip:{number}@gateway:5060"; empty: off
    std::string callerId = "omnigate";             // the From user of the calls we place
    int rtpTimeoutSeconds = 30;                     // no audio from a leg for this long ends the call
    int maxCallSeconds = 3600;                      // the session limit (also bounds a recording's size)
    int operatorAnswerSeconds = 30;                 // an operator's phone rings this long

    std::string listenUrl() const;  // "sip:127.0.0.1:5060"
};

// Reads `settings` of `channels: [{type: voice, id: …, settings: {…}}]`. Throws ConfigError (file, line, column,
// key path) on a missing, mistyped, out-of-range or unknown key, and on an unreadable or non-telephone WAV.
VoiceConfig parseVoiceConfig(const ConfigNode& settings);

}  // namespace omnigate::voice
