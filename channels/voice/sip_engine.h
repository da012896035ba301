// The SIP side of the voice channel: one thread runs sofia-sip's event loop (su_root) with one nua user agent per
// account, every call's RTP sockets and the 20 ms audio clock. sofia-sip is not thread-safe, so nothing else ever
// calls into it: other threads (the core telling us an operator accepted, a REST request placing a call, stop)
// queue a closure that the SIP thread runs between two steps of its loop. Database work goes the other way, to
// the HostWorker, so the audio never waits for a commit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "omnigate/sdk/channel_host.h"
#include "voice_config.h"

namespace omnigate::voice {

struct VoiceAccount {
    std::string id;
    VoiceConfig config;
};

class SipEngine {
public:
    SipEngine(ChannelHost& host, std::vector<VoiceAccount> accounts);
    ~SipEngine();
    SipEngine(const SipEngine&) = delete;
    SipEngine& operator=(const SipEngine&) = delete;

    // Starts the SIP thread and binds every account's address; returns one sentence per account that could not
    // listen (empty: all listen).
    std::vector<std::string> start();
    // Ends every call (BYE, recording attached, queued callers' interactions abandoned), then stops.
    void stop();

    // The core's word on an interaction (any thread).
    void interactionUpdated(std::int64_t interactionId, const std::string& status, const std::string& operatorId);

    // Click to call (any thread): rings `operatorUri` first, then `clientUri` through the trunk, and bridges them.
    // Throws ApiError 503 when the account is at its call limit or the engine is not running. Returns the call's id.
    std::string placeCall(const std::string& account, std::int64_t interactionId, const std::string& operatorId,
                          const std::string& operatorUri, const std::string& number);

    int activeCalls() const;

    struct Impl;  // public only so the SIP stack's C callback can reach it; defined in sip_engine_impl.h

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace omnigate::voice
