// The RTP fixed header (RFC 3550 5.1) of a datagram from the network, read apart from any socket so the reading of
// what a peer (or anyone who can reach the port) sends is a pure function that can be tested and fuzzed alone.
#pragma once

#include <cstddef>
#include <cstdint>

namespace omnigate::voice {

// The payload of an RTP packet of `payloadType`, or false when `packet` is not RTP version 2 of that type or its
// header, extension or padding do not fit in `size`.
bool rtpPayload(const std::uint8_t* packet, std::size_t size, int payloadType, const std::uint8_t*& payload,
                std::size_t& payloadSize);

}  // namespace omnigate::voice
