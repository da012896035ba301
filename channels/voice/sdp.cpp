#include "sdp.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace omnigate::voice {

namespace {

std::vector<std::string> fields(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string f;
    while (in >> f) out.push_back(f);
    return out;
}

bool parseInt(const std::string& text, int max, int& out) {
    if (text.empty() || text.size() > 9) return false;
    int v = 0;
    for (const char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        v = v * 10 + (c - '0');
    }
    if (v > max) return false;
    out = v;
    return true;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// "c=IN IP4 192.0.2.1" (a multicast "/ttl" suffix cut off); empty when not IPv4.
std::string connectionAddress(const std::string& value) {
    const auto f = fields(value);
    if (f.size() < 3 || f[0] != "IN" || f[1] != "IP4") return {};
    return f[2].substr(0, f[2].find('/'));
}

}  // namespace

std::optional<SdpMedia> parseSdp(const std::string& text) {
    std::string sessionAddress;
    std::optional<SdpMedia> audio;
    bool inAudio = false;
    bool audioDone = false;
    std::string sessionDirection = "sendrecv";
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.size() < 2 || line[1] != '=') continue;
        const char type = line[0];
        const std::string value = line.substr(2);
        if (type == 'm') {
            if (audio) audioDone = true;
            inAudio = false;
            const auto f = fields(value);
            if (audioDone || f.size() < 3 || f[0] != "audio") continue;
            SdpMedia media;
            if (!parseInt(f[1].substr(0, f[1].find('/')), 65535, media.port)) continue;
            for (std::size_t i = 3; i < f.size(); ++i) {
                int pt = 0;
                if (parseInt(f[i], 127, pt)) media.payloadTypes.push_back(pt);
            }
            audio = media;
            inAudio = true;
        } else if (type == 'c') {
            if (inAudio) {
                audio->address = connectionAddress(value);
            } else if (!audio) {
                sessionAddress = connectionAddress(value);
            }
        } else if (type == 'a') {
            const std::string attr = value.substr(0, value.find(':'));
            const bool isDirection =
                attr == "sendrecv" || attr == "sendonly" || attr == "recvonly" || attr == "inactive";
            if (isDirection) {
                if (inAudio) {
                    audio->direction = attr;
                } else if (!audio) {
                    sessionDirection = attr;
                }
            } else if (inAudio && attr == "rtpmap" && value.size() > 7) {
                const auto f = fields(value.substr(7));
                int pt = 0;
                if (f.size() >= 2 && parseInt(f[0], 127, pt)) audio->rtpmaps.emplace_back(pt, upper(f[1]));
            }
        }
    }
    if (!audio) return std::nullopt;
    if (audio->address.empty()) audio->address = sessionAddress;
    if (audio->direction == "sendrecv" && sessionDirection != "sendrecv") audio->direction = sessionDirection;
    return audio;
}

std::optional<CodecChoice> chooseCodec(const SdpMedia& media) {
    if (media.port == 0) return std::nullopt;
    for (const int pt : media.payloadTypes) {
        std::string name;
        for (const auto& [mapped, encoding] : media.rtpmaps) {
            if (mapped == pt) name = encoding;
        }
        // Static types need no rtpmap (RFC 3551); an rtpmap that maps 0 or 8 elsewhere wins.
        if (name.empty() && pt == 0) name = "PCMU/8000";
        if (name.empty() && pt == 8) name = "PCMA/8000";
        if (name == "PCMU/8000" || name == "PCMU/8000/1") return CodecChoice{Codec::Pcmu, pt};
        if (name == "PCMA/8000" || name == "PCMA/8000/1") return CodecChoice{Codec::Pcma, pt};
    }
    return std::nullopt;
}

std::string buildSdp(const std::string& address, int port, unsigned long long sessionId, unsigned version,
                     const std::vector<CodecChoice>& choices) {
    std::ostringstream out;
    out << "v=0\r\n"
        << "o=omnigate " << sessionId << ' ' << version << " IN IP4 " << address << "\r\n"
        << "s=omnigate\r\n"
        << "c=IN IP4 " << address << "\r\n"
        << "t=0 0\r\n"
        << "m=audio " << port << " RTP/AVP";
    for (const CodecChoice& c : choices) out << ' ' << c.payloadType;
    out << "\r\n";
    for (const CodecChoice& c : choices) out << "a=rtpmap:" << c.payloadType << ' ' << codecName(c.codec) << "/8000\r\n";
    out << "a=ptime:20\r\n"
        << "a=sendrecv\r\n";
    return out.str();
}

}  // namespace omnigate::voice
