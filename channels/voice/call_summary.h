// How an ended call is told: the system message an operator reads in the interaction, and the data of the
// voice.call_ended event integrations receive. Pure functions of a CallSummary, so the wording and the fields are
// tested without a SIP stack.
#pragma once

#include <string>

#include "omnigate/sdk/messages.h"
#include "voice_call.h"

namespace omnigate::voice {

std::string isoTime(std::chrono::system_clock::time_point at);  // "" for the zero time point

// "Call from +4930… to 800: waited 12 s, talked 31 s with ivanov; hung up by the caller (bye). …"
std::string summaryText(const CallSummary& summary, bool recorded);

// The event's data (JSON object text), with the recording's file id when there is one.
std::string summaryJson(const CallSummary& summary, const Attachment* recording, double recordingSeconds);

}  // namespace omnigate::voice
