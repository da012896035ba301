#include "rtp_payload.h"

namespace omnigate::voice {

bool rtpPayload(const std::uint8_t* packet, std::size_t size, int payloadType, const std::uint8_t*& payload,
                std::size_t& payloadSize) {
    if (size < 12 || (packet[0] >> 6) != 2) return false;
    if ((packet[1] & 0x7F) != payloadType) return false;
    std::size_t header = 12 + 4 * static_cast<std::size_t>(packet[0] & 0x0F);
    if (size < header) return false;
    if (packet[0] & 0x10) {  // a header extension: 4 bytes, then its length in words
        if (size < header + 4) return false;
        header += 4 + 4 * static_cast<std::size_t>(packet[header + 2] << 8 | packet[header + 3]);
        if (size < header) return false;
    }
    std::size_t padding = 0;
    if (packet[0] & 0x20) {
        padding = packet[size - 1];
        if (padding == 0 || header + padding > size) return false;
    }
    payload = packet + header;
    payloadSize = size - header - padding;
    return payloadSize > 0;
}

}  // namespace omnigate::voice
