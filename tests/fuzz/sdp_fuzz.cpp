// libFuzzer target for the voice channel's SDP reader: whatever a caller's INVITE carries as its body, parsing it
// and choosing a codec must neither crash nor read out of bounds, and an offer we accept must survive our answer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sdp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto media = omnigate::voice::parseSdp(text);
    if (!media) return 0;
    const auto choice = omnigate::voice::chooseCodec(*media);
    if (!choice) return 0;
    const std::string answer = omnigate::voice::buildSdp("127.0.0.1", media->port, 1, 1, {*choice});
    const auto back = omnigate::voice::parseSdp(answer);
    if (!back || back->payloadTypes.size() != 1 || back->payloadTypes[0] != choice->payloadType) __builtin_trap();
    return 0;
}
