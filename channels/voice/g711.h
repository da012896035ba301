// G.711 A-law and µ-law, the two codecs every SIP trunk and desk phone speaks: 8 kHz, one byte a sample.
// The plugin decodes what it receives to linear PCM (to record and to relay between legs that chose different
// laws) and encodes what it sends, so the tables are built once and shared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace omnigate::voice {

enum class Codec { Pcmu = 0, Pcma = 8 };  // the values are the static RTP payload types (RFC 3551)

const char* codecName(Codec codec);  // "PCMU", "PCMA"

std::int16_t alawToLinear(std::uint8_t value);
std::int16_t ulawToLinear(std::uint8_t value);
std::uint8_t linearToAlaw(std::int16_t sample);
std::uint8_t linearToUlaw(std::int16_t sample);

// A whole payload at once.
void decode(Codec codec, const std::uint8_t* payload, std::size_t size, std::vector<std::int16_t>& out);
std::string encode(Codec codec, const std::int16_t* samples, std::size_t count);

}  // namespace omnigate::voice
