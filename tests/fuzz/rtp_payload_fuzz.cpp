// libFuzzer target for the voice channel's RTP header reader: any datagram that reaches an RTP port must be judged
// without reading outside it, and a payload handed on lies wholly inside the packet, after the fixed header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>

#include "rtp_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The payload type the packet claims (so the rest is reached), and the two G.711 types a call expects.
    const int claimed = size > 1 ? data[1] & 0x7F : 0;
    for (const int payloadType : {claimed, 0, 8}) {
        const std::uint8_t* payload = nullptr;
        std::size_t payloadSize = 0;
        if (!omnigate::voice::rtpPayload(data, size, payloadType, payload, payloadSize)) continue;
        if (payload < data + 12 || payloadSize == 0 || payload + payloadSize > data + size) std::abort();
    }
    return 0;
}
