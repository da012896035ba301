#include "g711.h"

#include <array>

namespace omnigate::voice {

namespace {

// The segment ends of the ITU-T reference coder (Sun's g711.c), which every G.711 implementation agrees with.
constexpr std::array<int, 8> alawSegmentEnds{0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};
constexpr std::array<int, 8> ulawSegmentEnds{0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF};
constexpr int ulawBias = 0x84;
constexpr int ulawClip = 8159;

int segmentOf(int value, const std::array<int, 8>& ends) {
    for (int i = 0; i < 8; ++i) {
        if (value <= ends[static_cast<std::size_t>(i)]) return i;
    }
    return 8;
}

std::int16_t alawDecodeSlow(std::uint8_t value) {
    value ^= 0x55;
    int t = (value & 0x0F) << 4;
    const int segment = (value & 0x70) >> 4;
    if (segment == 0) {
        t += 8;
    } else {
        t = (t + 0x108) << (segment - 1);
    }
    return static_cast<std::int16_t>((value & 0x80) ? t : -t);
}

std::int16_t ulawDecodeSlow(std::uint8_t value) {
    value = static_cast<std::uint8_t>(~value);
    int t = ((value & 0x0F) << 3) + ulawBias;
    t <<= (value & 0x70) >> 4;
    return static_cast<std::int16_t>((value & 0x80) ? (ulawBias - t) : (t - ulawBias));
}

struct Tables {
    std::array<std::int16_t, 256> alaw{};
    std::array<std::int16_t, 256> ulaw{};
    Tables() {
        for (int i = 0; i < 256; ++i) {
            alaw[static_cast<std::size_t>(i)] = alawDecodeSlow(static_cast<std::uint8_t>(i));
            ulaw[static_cast<std::size_t>(i)] = ulawDecodeSlow(static_cast<std::uint8_t>(i));
        }
    }
};

const Tables& tables() {
    static const Tables instance;
    return instance;
}

}  // namespace

const char* codecName(Codec codec) { return codec == Codec::Pcma ? "PCMA" : "PCMU"; }

std::int16_t alawToLinear(std::uint8_t value) { return tables().alaw[value]; }
std::int16_t ulawToLinear(std::uint8_t value) { return tables().ulaw[value]; }

std::uint8_t linearToAlaw(std::int16_t sample) {
    int value = sample >> 3;
    int mask = 0xD5;
    if (value < 0) {
        mask = 0x55;
        value = -value - 1;
    }
    const int segment = segmentOf(value, alawSegmentEnds);
    if (segment >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);
    int encoded = segment << 4;
    encoded |= segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F;
    return static_cast<std::uint8_t>(encoded ^ mask);
}

std::uint8_t linearToUlaw(std::int16_t sample) {
    int value = sample >> 2;
    int mask = 0xFF;
    if (value < 0) {
        value = -value;
        mask = 0x7F;
    }
    if (value > ulawClip) value = ulawClip;
    value += ulawBias >> 2;
    const int segment = segmentOf(value, ulawSegmentEnds);
    if (segment >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);
    const int encoded = (segment << 4) | ((value >> (segment + 1)) & 0x0F);
    return static_cast<std::uint8_t>(encoded ^ mask);
}

void decode(Codec codec, const std::uint8_t* payload, std::size_t size, std::vector<std::int16_t>& out) {
    const auto& table = codec == Codec::Pcma ? tables().alaw : tables().ulaw;
    out.reserve(out.size() + size);
    for (std::size_t i = 0; i < size; ++i) out.push_back(table[payload[i]]);
}

std::string encode(Codec codec, const std::int16_t* samples, std::size_t count) {
    std::string out(count, '\0');
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = static_cast<char>(codec == Codec::Pcma ? linearToAlaw(samples[i]) : linearToUlaw(samples[i]));
    }
    return out;
}

}  // namespace omnigate::voice
