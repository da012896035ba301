// The little of SDP (RFC 4566 / 3264) a G.711 call needs: where the peer wants its audio and in which codecs,
// and our answer or offer. A pure function of text, no SIP stack or socket, so the fuzzer can hammer it and the
// codec choice (the 488 rule) is testable on its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "g711.h"

namespace omnigate::voice {

struct SdpMedia {
    std::string address;             // the media-level c= or else the session-level one
    int port = 0;                    // 0: the stream is refused
    std::vector<int> payloadTypes;   // in the order of the m= line: the peer's preference
    std::vector<std::pair<int, std::string>> rtpmaps;  // pt -> "PCMA/8000"
    std::string direction = "sendrecv";
};

// The first m=audio of `text`, or nothing when there is none (or the text is not SDP at all).
std::optional<SdpMedia> parseSdp(const std::string& text);

struct CodecChoice {
    Codec codec = Codec::Pcmu;
    int payloadType = 0;  // usually 0 or 8; a peer may map PCMA/PCMU to a dynamic type
};

// The peer's most preferred codec we speak (PCMA or PCMU at 8000 Hz), or nothing: the caller gets 488.
std::optional<CodecChoice> chooseCodec(const SdpMedia& media);

// Our SDP: one audio stream at address:port; `choices` are what we offer (all) or answer (one).
std::string buildSdp(const std::string& address, int port, unsigned long long sessionId, unsigned version,
                     const std::vector<CodecChoice>& choices);

}  // namespace omnigate::voice
