#include "call_recorder.h"

#include "wav_file.h"

namespace omnigate::voice {

namespace {

// More than this waiting on one side means its clock runs fast (or it burst after a stall): the oldest audio goes,
// so the two channels never drift apart by more than a fifth of a second.
constexpr std::size_t maximumPending = 1600;

}  // namespace

CallRecorder::CallRecorder(std::size_t maxSeconds) : maxFrames_(maxSeconds * 8000) {}

void CallRecorder::append(std::deque<std::int16_t>& pending, const std::int16_t* samples, std::size_t count) {
    pending.insert(pending.end(), samples, samples + count);
    while (pending.size() > maximumPending) pending.pop_front();
}

void CallRecorder::caller(const std::int16_t* samples, std::size_t count) { append(callerPending_, samples, count); }

void CallRecorder::heard(const std::int16_t* samples, std::size_t count) { append(heardPending_, samples, count); }

void CallRecorder::advance(std::size_t count) {
    for (std::size_t i = 0; i < count && frames_.size() / 2 < maxFrames_; ++i) {
        std::int16_t left = 0;
        std::int16_t right = 0;
        if (!callerPending_.empty()) {
            left = callerPending_.front();
            callerPending_.pop_front();
        }
        if (!heardPending_.empty()) {
            right = heardPending_.front();
            heardPending_.pop_front();
        }
        frames_.push_back(left);
        frames_.push_back(right);
    }
}

std::string CallRecorder::wav() const { return wavBytes(frames_, 2, 8000); }

}  // namespace omnigate::voice
