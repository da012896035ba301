#include "sip_engine_impl.h"

namespace omnigate::voice {

using namespace std::chrono_literals;

void SipEngine::Impl::promptFrame(Call& call, std::int16_t* out) {
    const VoiceConfig& config = accountOf(call).config;
    for (std::size_t i = 0; i < frameSamples; ++i) {
        const std::vector<std::int16_t>& audio = call.announcementDone ? config.hold : config.announcement;
        if (call.promptPosition >= audio.size()) {
            call.announcementDone = true;
            call.promptPosition = 0;
        }
        const std::vector<std::int16_t>& now = call.announcementDone ? config.hold : config.announcement;
        out[i] = now.empty() ? 0 : now[call.promptPosition++ % now.size()];
    }
}

void SipEngine::Impl::relay(Call& call) {
    std::vector<std::int16_t> samples;
    const bool bridged = call.phase == CallPhase::Bridged;
    if (call.client.rtp) {
        call.client.rtp->receive([&](const std::uint8_t* payload, std::size_t size) {
            if (!call.recorder) return;
            samples.clear();
            decode(call.client.codec, payload, size, samples);
            call.recorder->caller(samples.data(), samples.size());
            if (bridged && call.agent.rtp) call.agent.rtp->send(encode(call.agent.codec, samples.data(), samples.size()));
        });
    }
    if (call.agent.rtp) {
        call.agent.rtp->receive([&](const std::uint8_t* payload, std::size_t size) {
            if (!bridged || !call.recorder) return;  // early media of a ringing phone is not for the caller
            samples.clear();
            decode(call.agent.codec, payload, size, samples);
            call.recorder->heard(samples.data(), samples.size());
            if (call.client.rtp) call.client.rtp->send(encode(call.client.codec, samples.data(), samples.size()));
        });
    }
}

// Plays what is due of the prompt on the 20 ms clock (while nobody is bridged) and keeps the recording's time;
// ends the call past its session limit or when a leg that should be talking has gone silent. False when it ended
// the call.
bool SipEngine::Impl::keepTime(Call& call, Clock::time_point now) {
    const VoiceConfig& config = accountOf(call).config;
    if (now - call.nextFrame > 500ms) call.nextFrame = now;  // the loop stalled: do not burst to catch up
    while (now >= call.nextFrame) {
        call.nextFrame += frameTime;
        if (call.phase != CallPhase::Bridged) {
            std::int16_t frame[frameSamples];
            promptFrame(call, frame);
            if (!call.summary.outbound && call.client.rtp) {
                call.client.rtp->send(encode(call.client.codec, frame, frameSamples));
                call.recorder->heard(frame, frameSamples);
            } else if (call.summary.outbound && call.agent.rtp) {
                call.agent.rtp->send(encode(call.agent.codec, frame, frameSamples));
            }
        }
        call.recorder->advance(frameSamples);
    }
    const auto silence = std::chrono::seconds(config.rtpTimeoutSeconds);
    if (now - call.answeredSteady > std::chrono::seconds(config.maxCallSeconds)) {
        endCall(call, "system", "session_limit");
        return false;
    }
    const bool clientUp = !call.summary.outbound || call.phase == CallPhase::Bridged;
    if (clientUp && call.client.rtp && now - call.client.rtp->lastHeard() > silence) {
        endCall(call, "system", "rtp_timeout");
        return false;
    }
    const bool agentUp = call.phase == CallPhase::Bridged || call.summary.outbound;
    if (agentUp && call.agent.rtp && now - call.agent.rtp->lastHeard() > silence) {
        endCall(call, "system", "rtp_timeout_operator");
        return false;
    }
    return true;
}

}  // namespace omnigate::voice
