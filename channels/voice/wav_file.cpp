#include "wav_file.h"

#include <cmath>
#include <cstring>

namespace omnigate::voice {

namespace {

void put16(std::string& out, std::uint32_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>((v >> 8) & 0xFF));
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

std::uint32_t get16(const std::string& s, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8;
}

std::uint32_t get32(const std::string& s, std::size_t at) { return get16(s, at) | get16(s, at + 2) << 16; }

struct Chunks {
    WavFormat format;
    std::size_t dataOffset = 0;
};

Chunks scan(const std::string& bytes) {
    if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) {
        throw std::invalid_argument("not a WAV file (no RIFF/WAVE header)");
    }
    Chunks chunks;
    bool haveFormat = false;
    bool haveData = false;
    std::size_t at = 12;
    while (at + 8 <= bytes.size()) {
        const std::string id = bytes.substr(at, 4);
        const std::size_t size = get32(bytes, at + 4);
        const std::size_t body = at + 8;
        if (id == "fmt ") {
            if (size < 16 || body + 16 > bytes.size()) throw std::invalid_argument("the WAV 'fmt ' chunk is truncated");
            chunks.format.audioFormat = static_cast<int>(get16(bytes, body));
            chunks.format.channels = static_cast<int>(get16(bytes, body + 2));
            chunks.format.sampleRate = static_cast<int>(get32(bytes, body + 4));
            chunks.format.bitsPerSample = static_cast<int>(get16(bytes, body + 14));
            haveFormat = true;
        } else if (id == "data") {
            chunks.dataOffset = body;
            // A writer that crashed leaves a size larger than the file: play what is there.
            chunks.format.dataBytes = std::min(size, bytes.size() - body);
            haveData = true;
            break;
        }
        if (size > bytes.size() - body) break;
        at = body + size + (size & 1);  // chunks are word-aligned
    }
    if (!haveFormat) throw std::invalid_argument("the WAV file has no 'fmt ' chunk");
    if (!haveData) throw std::invalid_argument("the WAV file has no 'data' chunk");
    return chunks;
}

}  // namespace

double WavFormat::seconds() const {
    const int frameBytes = channels * bitsPerSample / 8;
    if (frameBytes <= 0 || sampleRate <= 0) return 0;
    return static_cast<double>(dataBytes / static_cast<std::size_t>(frameBytes)) / sampleRate;
}

std::string wavBytes(const std::vector<std::int16_t>& samples, int channels, int sampleRate) {
    const auto dataBytes = static_cast<std::uint32_t>(samples.size() * 2);
    std::string out;
    out.reserve(44 + dataBytes);
    out += "RIFF";
    put32(out, 36 + dataBytes);
    out += "WAVEfmt ";
    put32(out, 16);
    put16(out, 1);
    put16(out, static_cast<std::uint32_t>(channels));
    put32(out, static_cast<std::uint32_t>(sampleRate));
    put32(out, static_cast<std::uint32_t>(sampleRate * channels * 2));
    put16(out, static_cast<std::uint32_t>(channels * 2));
    put16(out, 16);
    out += "data";
    put32(out, dataBytes);
    for (const std::int16_t s : samples) put16(out, static_cast<std::uint16_t>(s));
    return out;
}

WavFormat wavFormat(const std::string& bytes) { return scan(bytes).format; }

std::vector<std::int16_t> readTelephoneWav(const std::string& bytes) {
    const Chunks chunks = scan(bytes);
    const WavFormat& f = chunks.format;
    if (f.audioFormat != 1 || f.bitsPerSample != 16 || f.channels != 1 || f.sampleRate != 8000) {
        throw std::invalid_argument("must be 8 kHz mono 16-bit PCM, got format " + std::to_string(f.audioFormat) +
                                    ", " + std::to_string(f.sampleRate) + " Hz, " + std::to_string(f.channels) +
                                    " channel(s), " + std::to_string(f.bitsPerSample) +
                                    " bits (convert it: sox in.wav -r 8000 -c 1 -b 16 out.wav)");
    }
    std::vector<std::int16_t> samples(f.dataBytes / 2);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        samples[i] = static_cast<std::int16_t>(get16(bytes, chunks.dataOffset + 2 * i));
    }
    if (samples.empty()) throw std::invalid_argument("the WAV file holds no audio");
    return samples;
}

std::vector<std::int16_t> tone(int hertz, int milliseconds, int silenceMs, double amplitude) {
    const int toneSamples = milliseconds * 8;
    std::vector<std::int16_t> out(static_cast<std::size_t>(toneSamples + silenceMs * 8), 0);
    const double pi = std::acos(-1.0);
    for (int i = 0; i < toneSamples; ++i) {
        out[static_cast<std::size_t>(i)] =
            static_cast<std::int16_t>(std::lround(32767 * amplitude * std::sin(2 * pi * hertz * i / 8000.0)));
    }
    return out;
}

}  // namespace omnigate::voice
