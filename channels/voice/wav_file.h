// WAV in and out: the administrator's announcement and hold audio come in as WAV files, and every call's
// recording goes out as one. Only the plain PCM layout is handled (what any editor exports and any browser plays),
// so the reader can refuse anything else with a sentence instead of playing noise to callers.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace omnigate::voice {

struct WavFormat {
    int audioFormat = 0;  // 1: PCM
    int channels = 0;
    int sampleRate = 0;
    int bitsPerSample = 0;
    std::size_t dataBytes = 0;
    double seconds() const;
};

// RIFF/WAVE of 16-bit PCM; `samples` interleaved when channels > 1.
std::string wavBytes(const std::vector<std::int16_t>& samples, int channels, int sampleRate);

// The format of a WAV file; throws std::invalid_argument naming what is wrong.
WavFormat wavFormat(const std::string& bytes);

// The samples of an 8 kHz, mono, 16-bit PCM WAV (the telephone's format); throws std::invalid_argument otherwise.
std::vector<std::int16_t> readTelephoneWav(const std::string& bytes);

// `milliseconds` of a sine at `hertz` followed by `silenceMs` of silence, at 8 kHz: the built-in prompts when the
// administrator configured no file.
std::vector<std::int16_t> tone(int hertz, int milliseconds, int silenceMs, double amplitude = 0.25);

}  // namespace omnigate::voice
