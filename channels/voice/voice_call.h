// One call as the SIP thread keeps it: the caller's leg (the client), the operator's leg once dialled, what the
// caller hears while waiting, the recording, and the facts the interaction gets when the call ends. Only the SIP
// thread touches a Call; what leaves it (the summary) is a copy.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "call_recorder.h"
#include "g711.h"
#include "rtp_socket.h"

struct nua_handle_s;

namespace omnigate::voice {

struct CallLeg {
    nua_handle_s* handle = nullptr;
    std::unique_ptr<RtpSocket> rtp;
    Codec codec = Codec::Pcma;
    bool answered = false;     // the INVITE got its 2xx (both directions)
    bool terminated = false;   // the SIP dialog is gone (or never was)
    unsigned sdpVersion = 1;
    std::chrono::steady_clock::time_point dialledAt;
};

enum class CallPhase {
    Arriving,        // INVITE received, the interaction being stored; then 200 OK
    Queued,          // answered: announcement, then hold audio, until an operator is assigned
    OperatorRinging, // the operator's phone rings (the caller still hears hold audio)
    ClientRinging,   // click to call: the operator answered, the client's phone rings
    Bridged,         // talking: media relayed between the legs
    Ended
};

// What the interaction keeps of a call, copied out of the SIP thread when it ends.
struct CallSummary {
    std::string account;
    bool outbound = false;
    std::int64_t interactionId = 0;
    std::string sipCallId;
    std::string caller;        // the client's number (From / P-Asserted-Identity, or the number we dialled)
    std::string dialled;       // the number the caller dialled (inbound)
    std::string operatorId;    // who talked to the caller, if anyone
    std::chrono::system_clock::time_point arrivedAt{};
    std::chrono::system_clock::time_point answeredAt{};   // zero when never answered
    std::chrono::system_clock::time_point connectedAt{};  // zero when never connected to an operator
    std::chrono::system_clock::time_point endedAt{};
    std::string hangupSide;   // caller, operator, system
    std::string hangupCause;  // bye, cancel, rtp_timeout, session_limit, interaction_closed, shutdown, …
    std::vector<std::string> notes;  // what else happened on the line ("operator ivanov did not answer: 486 Busy Here")

    bool connected() const { return connectedAt.time_since_epoch().count() != 0; }
    bool answered() const { return answeredAt.time_since_epoch().count() != 0; }
    // Seconds from arrival to connection (or to the end when never connected).
    long long waitedSeconds() const;
    long long talkedSeconds() const;
};

struct Call {
    std::uint64_t key = 0;
    std::size_t account = 0;  // index into the engine's accounts
    CallPhase phase = CallPhase::Arriving;
    CallLeg client;    // inbound: the caller; click to call: the client we dial through the trunk
    CallLeg agent;     // the operator's phone
    CallSummary summary;
    bool submitted = false;            // the interaction is stored (summary.interactionId is set)
    std::string assignedOperator;      // from the interaction's updates: dial them when set
    std::string assignedPhone;         // the desk phone they signed in at; empty: the account's `operators` entry
    std::string attemptedOperator;     // dialled once for this assignment; a new assignment dials again
    std::string clientUri;             // click to call: the trunk URI of the client's number
    bool lateOffer = false;            // the INVITE had no SDP: our 200 offers, the ACK answers
    std::chrono::steady_clock::time_point answeredSteady;
    std::chrono::steady_clock::time_point nextFrame;
    std::chrono::steady_clock::time_point nextPoll;
    bool pollInFlight = false;
    bool clockRunning = false;
    std::size_t promptPosition = 0;
    bool announcementDone = false;
    std::unique_ptr<CallRecorder> recorder;
};

}  // namespace omnigate::voice
