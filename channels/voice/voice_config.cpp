#include "voice_config.h"

#include <fstream>
#include <sstream>

#include "wav_file.h"

namespace omnigate::voice {

namespace {

constexpr std::size_t maximumPromptBytes = 16 * 1024 * 1024;  // ~17 minutes of 8 kHz 16-bit audio

std::vector<std::int16_t> readPrompt(const ConfigNode& node) {
    const std::string path = node.asString();
    std::ifstream in(path, std::ios::binary);
    if (!in) node.fail("cannot read the WAV file '" + path + "'");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (bytes.str().size() > maximumPromptBytes) node.fail("the WAV file '" + path + "' is larger than 16 MiB");
    try {
        return readTelephoneWav(bytes.str());
    } catch (const std::invalid_argument& e) {
        node.fail("'" + path + "': " + e.what());
    }
}

bool isSipUri(const std::string& uri) {
    return (uri.rfind("sip:", 0) == 0 || uri.rfind("sips:", 0) == 0) && uri.size() > 5 &&
           uri.find_first_of(" \t\r\n<>\"") == std::string::npos;
}

// Entirely inside 127.0.0.0/8.
bool isLoopback(const Ipv4Network& network) {
    return (network.mask & 0xFF000000u) == 0xFF000000u && (network.address & 0xFF000000u) == 0x7F000000u;
}

}  // namespace

std::optional<std::uint32_t> parseIpv4(const std::string& text) {
    std::uint32_t out = 0;
    int parts = 0;
    std::size_t at = 0;
    while (parts < 4) {
        std::size_t end = at;
        unsigned value = 0;
        while (end < text.size() && end - at < 4 && text[end] >= '0' && text[end] <= '9') {
            value = value * 10 + static_cast<unsigned>(text[end] - '0');
            ++end;
        }
        if (end == at || end - at > 3 || value > 255) return std::nullopt;
        out = out << 8 | value;
        ++parts;
        if (parts < 4) {
            if (end >= text.size() || text[end] != '.') return std::nullopt;
            at = end + 1;
        } else if (end != text.size()) {
            return std::nullopt;
        }
    }
    return out;
}

std::optional<Ipv4Network> parseNetwork(const std::string& text) {
    const std::size_t slash = text.find('/');
    const auto address = parseIpv4(text.substr(0, slash));
    if (!address) return std::nullopt;
    int bits = 32;
    if (slash != std::string::npos) {
        const std::string prefix = text.substr(slash + 1);
        if (prefix.empty() || prefix.size() > 2 || prefix.find_first_not_of("0123456789") != std::string::npos) {
            return std::nullopt;
        }
        bits = std::stoi(prefix);
        if (bits > 32) return std::nullopt;
    }
    Ipv4Network network;
    network.mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    network.address = *address & network.mask;
    return network;
}

std::string VoiceConfig::listenUrl() const { return "sip:" + listenHost + ":" + std::to_string(listenPort); }

VoiceConfig parseVoiceConfig(const ConfigNode& settings) {
    settings.expectKeys({"listen", "rtp_address", "rtp_ports", "allow", "allow_unauthenticated", "auth", "max_concurrent_calls",
                         "retry_after_seconds", "max_invites_per_second", "announcement", "hold_audio",
                         "operators", "trunk", "caller_id", "rtp_timeout_seconds", "max_call_seconds",
                         "operator_answer_seconds"});
    VoiceConfig config;

    const ConfigNode listen = settings.child("listen");
    const std::string hostPort = listen.asString();
    const std::size_t colon = hostPort.rfind(':');
    if (colon == std::string::npos || !parseIpv4(hostPort.substr(0, colon))) {
        listen.fail("must be an IPv4 address and port, e.g. 127.0.0.1:5060, got '" + hostPort + "'");
    }
    config.listenHost = hostPort.substr(0, colon);
    const std::string port = hostPort.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
        listen.fail("the port must be 1-65535, got '" + port + "'");
    }
    config.listenPort = std::stoi(port);

    config.rtpAddress = settings.getString("rtp_address", config.listenHost);
    if (!parseIpv4(config.rtpAddress)) settings["rtp_address"].fail("must be an IPv4 address");

    if (settings.has("rtp_ports")) {
        const ConfigNode ports = settings["rtp_ports"];
        ports.expectKeys({"min", "max"});
        config.rtpPortMin = static_cast<int>(ports.getInt("min", 1024, 65534));
        config.rtpPortMax = static_cast<int>(ports.getInt("max", 1024, 65534));
        if (config.rtpPortMax < config.rtpPortMin + 1) {
            ports.fail("'max' must be above 'min' (each call leg takes an even port)");
        }
    }

    if (settings.has("allow")) {
        for (const ConfigNode& entry : settings["allow"].elements()) {
            const auto network = parseNetwork(entry.asString());
            if (!network) entry.fail("must be an IPv4 address or network like 10.0.0.0/8, got '" + entry.asString() + "'");
            config.allow.push_back(*network);
        }
    } else {
        config.allow.push_back(*parseNetwork("127.0.0.1"));  // closed by default: only this host may call
    }

    if (settings.has("auth")) {
        const ConfigNode auth = settings["auth"];
        auth.expectKeys({"realm", "username", "password"});
        DigestCredentials credentials{auth.getString("realm", "omnigate"), auth.getString("username"),
                                      auth.getString("password")};
        if (credentials.password.size() < 8) auth["password"].fail("must be at least 8 characters long");
        config.auth = credentials;
    }

    // An address is no proof of who calls (UDP sources are spoofed, networks are shared): beyond this host, the
    // caller must also know the password, unless the administrator says in so many words that the network is theirs.
    const bool openToNetwork = settings.getBool("allow_unauthenticated", false);
    if (openToNetwork && config.auth) {
        settings["allow_unauthenticated"].fail("cannot be true together with 'auth': every INVITE must authenticate");
    }
    if (settings.has("allow") && !config.auth && !openToNetwork) {
        const std::vector<ConfigNode> entries = settings["allow"].elements();
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (!isLoopback(config.allow[i])) {
                entries[i].fail("'" + entries[i].asString() +
                                "' is not loopback: set 'auth' (digest credentials) for peers beyond this host, or "
                                "'allow_unauthenticated: true' to let them call without");
            }
        }
    }

    config.maxConcurrentCalls = static_cast<int>(settings.getInt("max_concurrent_calls", 30, 1, 10000));
    config.retryAfterSeconds = static_cast<int>(settings.getInt("retry_after_seconds", 30, 1, 3600));
    config.maxInvitesPerSecond = static_cast<int>(settings.getInt("max_invites_per_second", 20, 1, 10000));
    const int portsNeeded = (config.rtpPortMax - config.rtpPortMin + 1) / 2;
    if (portsNeeded < 2 * config.maxConcurrentCalls && settings.has("rtp_ports")) {
        settings["rtp_ports"].fail("holds " + std::to_string(portsNeeded) + " even ports, fewer than two per call (" +
                                   std::to_string(2 * config.maxConcurrentCalls) + " for max_concurrent_calls)");
    }

    config.announcement = settings.has("announcement") ? readPrompt(settings["announcement"])
                                                       : [] {
                                                             // Two short beeps: "you are through, please hold".
                                                             auto a = tone(660, 300, 200);
                                                             const auto b = tone(880, 300, 400);
                                                             a.insert(a.end(), b.begin(), b.end());
                                                             return a;
                                                         }();
    config.hold = settings.has("hold_audio") ? readPrompt(settings["hold_audio"]) : tone(425, 400, 1600, 0.15);

    if (settings.has("operators")) {
        const ConfigNode operators = settings["operators"];
        operators.expectMap();
        for (const std::string& id : operators.keys()) {
            const std::string uri = operators[id].asString();
            if (!isSipUri(uri)) operators[id].fail("must be a SIP URI like sip:ivanov@192.0.2.10:5060, got '" + uri + "'");
            config.operators[id] = uri;
        }
    }

    config.trunk = settings.getString("trunk", "");
    if (!config.trunk.empty() && (!isSipUri(config.trunk) || config.trunk.find("{number}") == std::string::npos)) {
        settings["trunk"].fail("must be a SIP URI with {number} in it, e.g. sip:{number}@192.0.2.1:5060");
    }
    config.callerId = settings.getString("caller_id", "omnigate");
    if (config.callerId.empty() || config.callerId.find_first_of(" <>\"@:;\r\n") != std::string::npos) {
        settings["caller_id"].fail("must be a plain user part like 'omnigate' or '+4930123456'");
    }
    config.rtpTimeoutSeconds = static_cast<int>(settings.getInt("rtp_timeout_seconds", 30, 2, 3600));
    config.maxCallSeconds = static_cast<int>(settings.getInt("max_call_seconds", 3600, 10, 14400));
    config.operatorAnswerSeconds = static_cast<int>(settings.getInt("operator_answer_seconds", 30, 5, 300));
    return config;
}

}  // namespace omnigate::voice
