// A call's recording as two channels on one clock: left is the caller, right is what the caller heard (the
// announcement and hold audio, then the operator). Audio arrives in bursts and with jitter; the call's 20 ms tick
// pulls one frame from each side (silence when a side sent nothing), so the file is as long as the call was.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace omnigate::voice {

class CallRecorder {
public:
    explicit CallRecorder(std::size_t maxSeconds);

    void caller(const std::int16_t* samples, std::size_t count);
    void heard(const std::int16_t* samples, std::size_t count);
    // `count` samples of time passed: one stereo frame each goes into the recording.
    void advance(std::size_t count);

    double seconds() const { return static_cast<double>(frames_.size() / 2) / 8000.0; }
    bool empty() const { return frames_.empty(); }
    std::string wav() const;  // 8 kHz, 16-bit, stereo

private:
    static void append(std::deque<std::int16_t>& pending, const std::int16_t* samples, std::size_t count);

    std::size_t maxFrames_;
    std::deque<std::int16_t> callerPending_;
    std::deque<std::int16_t> heardPending_;
    std::vector<std::int16_t> frames_;  // interleaved
};

}  // namespace omnigate::voice
