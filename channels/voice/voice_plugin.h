// The voice channel: omnigate answers SIP calls itself (a trunk or PBX points at it), turns each call into a voice
// interaction that queues like any other, plays the caller an announcement and hold audio, rings the operator
// who accepts it and bridges the two legs (a B2BUA), records the call and attaches the recording. It also places
// click-to-call calls for operators and serves the recordings to supervisors over REST.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "omnigate/sdk/plugin.h"
#include "sip_engine.h"

namespace omnigate::voice {

class VoicePlugin : public ChannelPlugin {
public:
    std::string name() const override { return "voice"; }
    LoadResult load(ChannelHost& host) override;
    void start() override;
    void stop() override;
    // A phone line carries no text: an operator's message to a voice interaction fails with a reason.
    SendResult send(const OutboundMessage& message) override;
    void onInteractionUpdate(const InteractionUpdate& update) override;
    // A caller cannot be asked by text message: no rating request goes down a line that cannot carry it.
    bool canAskForRating() const override { return false; }

private:
    HttpResponse listRecordings(const HttpRequest& request);  // GET  /api/v1/interactions/{id}/recordings
    HttpResponse getRecording(const HttpRequest& request);    // GET  /api/v1/recordings/{fileId}
    HttpResponse placeCall(const HttpRequest& request);       // POST /api/v1/interactions/{id}/calls
    const VoiceAccount* account(const std::string& id) const;

    ChannelHost* host_ = nullptr;
    std::vector<VoiceAccount> accounts_;
    std::unique_ptr<SipEngine> engine_;
};

}  // namespace omnigate::voice
