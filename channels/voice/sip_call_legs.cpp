#include <sofia-sip/sip_status.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>

#include "call_summary.h"
#include "omnigate/sdk/api_error.h"
#include "sdp.h"
#include "sip_engine_impl.h"

namespace omnigate::voice {

std::string sipUser(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '*' || c == '#' || c == '.' ||
            c == '-' || c == '_') {
            out.push_back(c);
        }
    }
    return out.empty() ? "anonymous" : out.substr(0, 64);
}


void SipEngine::Impl::startClock(Call& call) {
    if (call.clockRunning) return;
    call.clockRunning = true;
    call.answeredSteady = Clock::now();
    call.nextFrame = call.answeredSteady;
    call.nextPoll = call.answeredSteady + pollInterval;
    call.recorder = std::make_unique<CallRecorder>(static_cast<std::size_t>(accountOf(call).config.maxCallSeconds));
    // The silence timeout counts from now, not from the INVITE.
    if (call.client.rtp) call.client.rtp->resetSilence();
    if (call.agent.rtp) call.agent.rtp->resetSilence();
}

bool SipEngine::Impl::dial(Call& call, CallLeg& leg, bool agent, const std::string& uri, const std::string& fromUser,
                           const std::string& display) {
    AccountRuntime& account = accountOf(call);
    const VoiceConfig& config = account.config;
    leg = CallLeg{};
    leg.rtp = RtpSocket::open(config.rtpAddress, config.rtpPortMin, config.rtpPortMax, account.portCursor);
    if (!leg.rtp) return false;
    // The other leg's codec first, so a bridge needs no transcoding when the phone can do the same.
    const Codec preferred = agent ? call.client.codec : call.agent.codec;
    const Codec other = preferred == Codec::Pcma ? Codec::Pcmu : Codec::Pcma;
    const std::string sdp = buildSdp(config.rtpAddress, leg.rtp->port(), call.key, 1,
                                     {CodecChoice{preferred, static_cast<int>(preferred)},
                                      CodecChoice{other, static_cast<int>(other)}});
    std::string from = "<sip:" + sipUser(fromUser) + "@" + config.listenHost + ":" + std::to_string(config.listenPort) + ">";
    if (!display.empty()) from = "\"" + display + "\" " + from;
    nua_handle_t* nh = nua_handle(account.nua, nullptr, SIPTAG_TO_STR(uri.c_str()), SIPTAG_FROM_STR(from.c_str()),
                                  TAG_END());
    if (nh == nullptr) {
        leg.rtp.reset();
        return false;
    }
    leg.handle = nh;
    leg.dialledAt = Clock::now();
    handles[nh] = HandleRef{call.key, agent};
    nua_invite(nh, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
    return true;
}

void SipEngine::Impl::dialOperator(Call& call) {
    call.attemptedOperator = call.assignedOperator;
    const VoiceConfig& config = accountOf(call).config;
    const auto found = config.operators.find(call.assignedOperator);
    if (call.assignedPhone.empty() && found == config.operators.end()) {
        operatorFailed(call, "operator " + call.assignedOperator +
                                 " signed in at no workplace with a desk phone and has no SIP address in the voice "
                                 "account's `operators`, so the call cannot reach them");
        return;
    }
    const std::string& uri = call.assignedPhone.empty() ? found->second : call.assignedPhone;
    if (!dial(call, call.agent, true, uri, call.summary.caller, "Call for " + call.summary.dialled)) {
        operatorFailed(call, "no free RTP port to call operator " + call.assignedOperator);
        return;
    }
    call.phase = CallPhase::OperatorRinging;
    host.log(LogLevel::Info, "voice: interaction " + std::to_string(call.summary.interactionId) + ": calling operator " +
                                 call.assignedOperator + " at " + uri);
}

void SipEngine::Impl::operatorFailed(Call& call, const std::string& why) {
    call.summary.notes.push_back(why);
    if (call.agent.handle != nullptr && !call.agent.terminated) {
        if (call.agent.answered) {
            nua_bye(call.agent.handle, TAG_END());
        } else {
            nua_cancel(call.agent.handle, TAG_END());
        }
    }
    call.agent.handle = nullptr;  // its late events are ignored (callOf)
    call.agent.rtp.reset();
    call.agent.answered = false;
    if (call.summary.outbound) {
        endCall(call, "operator", "operator_unreachable");
        return;
    }
    call.phase = CallPhase::Queued;  // back on hold; a new assignment dials again
    const std::int64_t id = call.summary.interactionId;
    worker.post([this, id, why] {
        try {
            host.addSystemMessage(id, "The call could not reach the operator: " + why + ". The caller is still on hold.", {});
        } catch (const std::exception& e) {
            host.log(LogLevel::Warning, std::string("voice: noting a failed operator call failed: ") + e.what());
        }
    });
}

void SipEngine::Impl::hangUpLeg(CallLeg& leg, bool inbound) {
    if (leg.handle != nullptr && !leg.terminated) {
        if (leg.answered) {
            nua_bye(leg.handle, TAG_END());
        } else if (inbound) {
            nua_respond(leg.handle, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END());
        } else {
            nua_cancel(leg.handle, TAG_END());
        }
    }
    leg.rtp.reset();
}

void SipEngine::Impl::endCall(Call& call, const std::string& side, const std::string& cause) {
    if (call.phase == CallPhase::Ended) return;
    call.phase = CallPhase::Ended;
    call.summary.endedAt = std::chrono::system_clock::now();
    call.summary.hangupSide = side;
    call.summary.hangupCause = cause;
    hangUpLeg(call.client, !call.summary.outbound);
    hangUpLeg(call.agent, false);
    --active;
    gauge();
    if (!call.submitted) return;  // finalized when the interaction is stored (onSubmitted)
    finalize(call);
}

void SipEngine::Impl::finalize(Call& call) {
    CallSummary summary = call.summary;
    std::string wav;
    double seconds = 0;
    if (call.recorder && !call.recorder->empty()) {
        wav = call.recorder->wav();
        seconds = call.recorder->seconds();
    }
    const bool noted = call.client.answered && !summary.outbound;
    const std::string stateKey = statePrefix(accountOf(call)) + std::to_string(summary.interactionId);
    byInteraction.erase(summary.interactionId);
    calls.erase(call.key);  // `call` is gone from here on
    if (summary.interactionId == 0) return;
    worker.post([this, summary, wav = std::move(wav), seconds, noted, stateKey]() mutable {
        const std::int64_t id = summary.interactionId;
        Attachment recording;
        bool recorded = false;
        if (!wav.empty()) {
            try {
                recording = host.storeFile(wav, "audio/wav", "call-" + std::to_string(id) + "-" +
                                                                 isoTime(summary.arrivedAt).substr(0, 19) + ".wav");
                recorded = true;
            } catch (const std::exception& e) {
                summary.notes.push_back(std::string("the recording could not be stored: ") + e.what());
            }
        }
        try {
            host.addSystemMessage(id, summaryText(summary, recorded),
                                  recorded ? std::vector<Attachment>{recording} : std::vector<Attachment>{});
        } catch (const std::exception& e) {
            host.log(LogLevel::Error, "voice: attaching the call to interaction " + std::to_string(id) + " failed: " + e.what());
        }
        try {
            host.publish("omnigate/v1/interactions/" + std::to_string(id) + "/events", "voice.call_ended",
                         summaryJson(summary, recorded ? &recording : nullptr, seconds));
        } catch (const std::exception& e) {
            host.log(LogLevel::Warning, "voice: publishing voice.call_ended failed: " + std::string(e.what()));
        }
        if (!summary.outbound && !summary.connected()) {
            const std::string reason = summary.hangupSide == "caller"
                                           ? "caller hung up after " + std::to_string(summary.waitedSeconds()) + " s in queue"
                                           : "the call ended (" + summary.hangupCause + ") after " +
                                                 std::to_string(summary.waitedSeconds()) + " s in queue";
            try {
                host.closeInteraction(id, "abandoned", reason);
            } catch (const ApiError& e) {
                if (e.status() != 409) host.log(LogLevel::Warning, "voice: closing interaction " + std::to_string(id) +
                                                                       " as abandoned failed: " + e.what());
            } catch (const std::exception& e) {
                host.log(LogLevel::Warning, "voice: closing interaction " + std::to_string(id) + " failed: " + e.what());
            }
        }
        if (noted) {
            try {
                host.eraseState(stateKey);
            } catch (const std::exception& e) {
                host.log(LogLevel::Warning, "voice: forgetting an ended call failed: " + std::string(e.what()));
            }
        }
    });
}

std::string SipEngine::Impl::phoneOf(const std::string& operatorId) {
    if (operatorId.empty()) return "";
    try {
        return host.operatorPhone(operatorId);
    } catch (const std::exception& e) {
        host.log(LogLevel::Warning, "voice: the desk phone of operator " + operatorId + " is unknown for now: " +
                                        std::string(e.what()));
        return "";
    }
}

void SipEngine::Impl::applyUpdate(std::int64_t interactionId, const std::string& status, const std::string& operatorId,
                                  const std::string& phone) {
    const auto key = byInteraction.find(interactionId);
    if (key == byInteraction.end()) return;
    const auto found = calls.find(key->second);
    if (found == calls.end() || found->second->phase == CallPhase::Ended) return;
    Call& call = *found->second;
    if (status == "closed") {
        endCall(call, "system", "interaction_closed");
    } else if (status == "assigned") {
        if (!operatorId.empty()) {
            call.assignedOperator = operatorId;
            call.assignedPhone = phone;
        }
    } else {
        // Back in a queue, offered, transferred…: the next assignment rings its operator, even the same one again.
        call.assignedOperator.clear();
        call.attemptedOperator.clear();
    }
}

void SipEngine::Impl::poll(Call& call) {
    call.pollInFlight = true;
    call.nextPoll = Clock::now() + pollInterval;
    const std::uint64_t key = call.key;
    const std::int64_t id = call.summary.interactionId;
    worker.post([this, key, id] {
        std::string status;
        std::string operatorId;
        try {
            const std::optional<std::string> json = host.interaction(id);
            if (json) {
                const auto object = Poco::JSON::Parser().parse(*json).extract<Poco::JSON::Object::Ptr>();
                status = object->optValue<std::string>("status", "");
                if (object->has("operator") && object->get("operator").isString()) {
                    operatorId = object->getValue<std::string>("operator");
                }
            }
        } catch (const std::exception&) {
            // The store is briefly away: the next poll asks again.
        }
        const std::string phone = status == "assigned" ? phoneOf(operatorId) : "";
        post([this, key, id, status, operatorId, phone] {
            const auto found = calls.find(key);
            if (found != calls.end()) found->second->pollInFlight = false;
            if (!status.empty()) applyUpdate(id, status, operatorId, phone);
        });
    });
}

// What the clock does for a call besides its audio: gives up on a phone that rings too long, rings the operator
// the core assigned, and asks the store now and then what became of the interaction.
void SipEngine::Impl::followUp(Call& call, Clock::time_point now) {
    const VoiceConfig& config = accountOf(call).config;
    const auto ring = std::chrono::seconds(config.operatorAnswerSeconds);
    if (call.phase == CallPhase::OperatorRinging && now - call.agent.dialledAt > ring) {
        operatorFailed(call, "operator " + call.attemptedOperator + " did not answer within " +
                                 std::to_string(config.operatorAnswerSeconds) + " s");
        return;
    }
    if (call.phase == CallPhase::ClientRinging && now - call.client.dialledAt > ring) {
        call.summary.notes.push_back("the client did not answer within " + std::to_string(config.operatorAnswerSeconds) + " s");
        endCall(call, "client", "no_answer");
        return;
    }
    if (!call.summary.outbound && call.phase == CallPhase::Queued && !call.assignedOperator.empty() &&
        call.assignedOperator != call.attemptedOperator) {
        dialOperator(call);
    }
    if (!call.summary.outbound && call.submitted && call.clockRunning && !call.pollInFlight && now >= call.nextPoll) {
        poll(call);
    }
}

void SipEngine::Impl::createOutbound(std::uint64_t key, std::size_t accountIndex, std::int64_t interactionId,
                                     std::string operatorId, std::string operatorUri, std::string number) {
    AccountRuntime& account = *accounts[accountIndex];
    auto call = std::make_unique<Call>();
    call->key = key;
    call->account = accountIndex;
    call->submitted = true;
    CallSummary& s = call->summary;
    s.account = account.id;
    s.outbound = true;
    s.interactionId = interactionId;
    s.caller = number;
    s.operatorId = operatorId;
    s.arrivedAt = std::chrono::system_clock::now();
    s.sipCallId = "click-to-call-" + std::to_string(key);
    call->attemptedOperator = operatorId;
    call->clientUri = account.config.trunk;
    call->clientUri.replace(call->clientUri.find("{number}"), 8, sipUser(number));
    call->client.codec = Codec::Pcma;
    Call& ref = *call;
    calls[key] = std::move(call);
    if (stopping || account.nua == nullptr ||
        !dial(ref, ref.agent, true, operatorUri, sipUser(number), "Call to " + sipUser(number))) {
        ref.summary.notes.push_back("the operator's phone could not be called");
        endCall(ref, "system", "dial_failed");
        return;
    }
    ref.phase = CallPhase::OperatorRinging;
}

}  // namespace omnigate::voice
