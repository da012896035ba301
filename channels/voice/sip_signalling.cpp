#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/url.h>

#include <strings.h>

#include <optional>

#include "sdp.h"
#include "sip_engine_impl.h"

namespace omnigate::voice {

namespace {

// The user part of a SIP or tel URL ("+4930123", "800"), or its host when it has none.
std::string userOf(const url_t* url) {
    if (url == nullptr) return {};
    if (url->url_user != nullptr && *url->url_user != '\0') return url->url_user;
    return url->url_host != nullptr ? url->url_host : "";
}

// The Request-URI as text, which a digest answer's `uri` must equal.
std::string requestUriOf(const sip_t* sip) {
    if (sip->sip_request == nullptr) return {};
    char buffer[1024];
    const issize_t length = url_e(buffer, sizeof buffer, sip->sip_request->rq_url);
    if (length <= 0 || static_cast<std::size_t>(length) >= sizeof buffer) return {};
    return std::string(buffer, static_cast<std::size_t>(length));
}


// The IPv4 address the request being handled came from, as the transport saw it.
std::optional<std::uint32_t> sourceAddressOf(nua_t* nua) {
    msg_t* request = nua_current_request(nua);
    if (request == nullptr) return std::nullopt;
    su_addrinfo_t* info = msg_addrinfo(request);
    if (info == nullptr || info->ai_addr == nullptr || info->ai_addr->sa_family != AF_INET) return std::nullopt;
    return ntohl(reinterpret_cast<const sockaddr_in*>(info->ai_addr)->sin_addr.s_addr);
}

// The best verdict over the request's Digest credentials (a client may send several).
DigestVerdict digestVerdict(SipDigest& digest, const sip_t* sip, std::time_t now) {
    const std::string requestUri = requestUriOf(sip);
    DigestVerdict verdict = DigestVerdict::Refused;
    for (const msg_auth_t* auth = sip->sip_authorization; auth != nullptr && verdict != DigestVerdict::Accepted;
         auth = auth->au_next) {
        if (auth->au_scheme == nullptr || strcasecmp(auth->au_scheme, "Digest") != 0) continue;
        std::string params;
        for (const msg_param_t* p = auth->au_params; p != nullptr && *p != nullptr; ++p) {
            params += (params.empty() ? "" : ", ") + std::string(*p);
        }
        const DigestVerdict one = digest.verify(parseDigestParams(params), "INVITE", requestUri, now);
        if (one != DigestVerdict::Refused) verdict = one;
    }
    return verdict;
}

}  // namespace

std::string payloadOf(const sip_t* sip) {
    if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr) return {};
    return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

Call* SipEngine::Impl::callOf(nua_handle_t* nh, bool& agent) {
    const auto ref = handles.find(nh);
    if (ref == handles.end()) return nullptr;
    agent = ref->second.agent;
    const auto call = calls.find(ref->second.call);
    if (call == calls.end()) return nullptr;
    CallLeg& leg = agent ? call->second->agent : call->second->client;
    // A leg that was dialled again has a new handle: events of the old one are history.
    return leg.handle == nh ? call->second.get() : nullptr;
}

void SipEngine::Impl::onEvent(AccountRuntime& account, nua_event_t event, int status, const char* phrase,
                              nua_handle_t* nh, const sip_t* sip, tagi_t tags[]) {
    switch (event) {
        case nua_i_invite:
            onInvite(account, nh, sip);
            break;
        case nua_r_invite:
            onInviteResponse(nh, status, phrase, sip);
            break;
        case nua_i_ack:
            onAck(nh, sip);
            break;
        case nua_i_cancel:
            onHangup(nh, "cancel");
            break;
        case nua_i_bye:
            onHangup(nh, "bye");
            break;
        case nua_i_state: {
            int state = nua_callstate_init;
            tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
            if (state == nua_callstate_terminated) onTerminated(nh, status, phrase);
            break;
        }
        case nua_i_options:
            // nua answered it; the handle it made for the request is ours to free.
            if (nh != nullptr && handles.find(nh) == handles.end()) nua_handle_destroy(nh);
            break;
        case nua_r_shutdown:
            if (status >= 200) account.shutDown = true;
            break;
        default:
            break;
    }
}

void SipEngine::Impl::reject(nua_handle_t* nh, int status, const char* phrase, const std::string& why,
                             const std::string& header, const std::string& value) {
    host.log(LogLevel::Debug, "voice: refused an INVITE with " + std::to_string(status) + ": " + why);
    if (header == "Retry-After") {
        nua_respond(nh, status, phrase, SIPTAG_RETRY_AFTER_STR(value.c_str()), TAG_END());
    } else if (header == "WWW-Authenticate") {
        nua_respond(nh, status, phrase, SIPTAG_WWW_AUTHENTICATE_STR(value.c_str()), TAG_END());
    } else if (header == "Warning") {
        nua_respond(nh, status, phrase, SIPTAG_WARNING_STR(value.c_str()), TAG_END());
    } else {
        nua_respond(nh, status, phrase, TAG_END());
    }
    // Freed on nua_i_state "terminated", once the transaction (its ACK, its retransmissions) is over.
    rejected.insert(nh);
    gauge();
}

void SipEngine::Impl::onInvite(AccountRuntime& account, nua_handle_t* nh, const sip_t* sip) {
    if (nh == nullptr || sip == nullptr) return;
    if (handles.count(nh) != 0) {
        bool agent = false;
        Call* call = callOf(nh, agent);
        if (call != nullptr && call->phase != CallPhase::Ended) {
            onReinvite(*call, agent ? call->agent : call->client, nh, sip);
        } else {
            nua_respond(nh, SIP_481_NO_TRANSACTION, TAG_END());
        }
        return;
    }
    if (stopping) return reject(nh, SIP_503_SERVICE_UNAVAILABLE, "shutting down", "Retry-After", "30");
    if (!admit(account, nh, sip)) return;
    std::unique_ptr<Call> call = newInboundCall(account, nh, sip);
    if (call) ring(account, std::move(call), sip);
}

// Who may call, how often and how many at once, cheapest check first; each refusal answers the INVITE with its
// own status. False when refused.
bool SipEngine::Impl::admit(AccountRuntime& account, nua_handle_t* nh, const sip_t* sip) {
    const VoiceConfig& config = account.config;

    // 1. Only peers on the allow-list: the source address of the datagram or connection, not what the headers say.
    const std::optional<std::uint32_t> source = sourceAddressOf(account.nua);
    bool allowed = false;
    for (const Ipv4Network& network : config.allow) allowed = allowed || (source && network.contains(*source));
    if (!allowed) {
        reject(nh, SIP_403_FORBIDDEN, "source address not on the allow-list");
        return false;
    }

    // 2. A flood from one peer: refused before any work is done for it.
    const std::time_t now = std::time(nullptr);
    auto& [second, count] = account.invitesPerSecond[*source];
    if (second != now) {
        second = now;
        count = 0;
    }
    if (++count > config.maxInvitesPerSecond) {
        reject(nh, 503, "Too Many Calls", "over max_invites_per_second", "Retry-After", "5");
        return false;
    }
    if (account.invitesPerSecond.size() > 4096) account.invitesPerSecond.clear();

    // 3. Digest credentials, when the account wants them.
    if (account.digest) {
        const DigestVerdict verdict = digestVerdict(*account.digest, sip, now);
        if (verdict == DigestVerdict::Stale) {
            reject(nh, SIP_401_UNAUTHORIZED, "digest credentials for an expired or used nonce", "WWW-Authenticate",
                   account.digest->challenge(now, true));
            return false;
        }
        if (verdict != DigestVerdict::Accepted) {
            reject(nh, SIP_401_UNAUTHORIZED, "no or wrong digest credentials", "WWW-Authenticate",
                   account.digest->challenge(now));
            return false;
        }
    }

    // 4. The call limit.
    int countOfAccount = 0;
    for (const auto& [key, call] : calls) {
        if (call->account == account.index && call->phase != CallPhase::Ended) ++countOfAccount;
    }
    if (countOfAccount >= config.maxConcurrentCalls) {
        reject(nh, SIP_503_SERVICE_UNAVAILABLE, "over max_concurrent_calls", "Retry-After",
               std::to_string(config.retryAfterSeconds));
        return false;
    }
    return true;
}

// The call of an admitted INVITE: a codec we speak, an RTP port, who calls whom. Nothing (the INVITE refused)
// without them.
std::unique_ptr<Call> SipEngine::Impl::newInboundCall(AccountRuntime& account, nua_handle_t* nh, const sip_t* sip) {
    const VoiceConfig& config = account.config;
    // An INVITE without a body is a late offer (some PBXs send them): we offer both laws in our 200 OK and take
    // the caller's answer from the ACK.
    const std::string body = payloadOf(sip);
    const std::optional<SdpMedia> offer = parseSdp(body);
    if (!body.empty() && !offer) {
        reject(nh, SIP_488_NOT_ACCEPTABLE, "no audio stream in the SDP offer", "Warning",
               "305 omnigate \"an SDP offer with PCMA or PCMU is required\"");
        return nullptr;
    }
    const std::optional<CodecChoice> choice = offer ? chooseCodec(*offer) : std::nullopt;
    if (offer && !choice) {
        reject(nh, SIP_488_NOT_ACCEPTABLE, "no PCMA or PCMU in the offer", "Warning",
               "305 omnigate \"only PCMA and PCMU are supported\"");
        return nullptr;
    }

    auto call = std::make_unique<Call>();
    call->key = nextKey++;
    call->account = account.index;
    call->client.rtp = RtpSocket::open(config.rtpAddress, config.rtpPortMin, config.rtpPortMax, account.portCursor);
    if (!call->client.rtp) {
        reject(nh, SIP_503_SERVICE_UNAVAILABLE, "no free RTP port", "Retry-After",
               std::to_string(config.retryAfterSeconds));
        return nullptr;
    }
    if (choice) {
        call->client.rtp->setRemote(offer->address, offer->port, choice->payloadType);
        call->client.codec = choice->codec;
    } else {
        call->lateOffer = true;
    }
    call->client.handle = nh;
    call->client.sdpVersion = 1;
    CallSummary& s = call->summary;
    s.account = account.id;
    s.sipCallId = sip->sip_call_id != nullptr && sip->sip_call_id->i_id != nullptr ? sip->sip_call_id->i_id : "";
    const sip_p_asserted_identity_t* asserted = sip_p_asserted_identity(sip);
    s.caller = asserted != nullptr ? userOf(asserted->paid_url) : "";
    if (s.caller.empty() && sip->sip_from != nullptr) s.caller = userOf(sip->sip_from->a_url);
    if (s.caller.empty()) s.caller = "anonymous";
    s.dialled = sip->sip_request != nullptr ? userOf(sip->sip_request->rq_url) : "";
    if (s.dialled.empty() && sip->sip_to != nullptr) s.dialled = userOf(sip->sip_to->a_url);
    s.arrivedAt = std::chrono::system_clock::now();
    return call;
}

// Rings the caller and stores the interaction; the call is answered only once it is stored (onSubmitted), so a
// caller is only ever answered into the queue.
void SipEngine::Impl::ring(AccountRuntime& account, std::unique_ptr<Call> call, const sip_t* sip) {
    nua_handle_t* nh = call->client.handle;
    const CallSummary& s = call->summary;
    const std::string display =
        sip->sip_from != nullptr && sip->sip_from->a_display != nullptr ? sip->sip_from->a_display : "";

    handles[nh] = HandleRef{call->key, false};
    ++active;
    gauge();
    nua_respond(nh, SIP_180_RINGING, TAG_END());

    InboundMessage message;
    message.account = account.id;
    message.externalId = "sip:" + s.sipCallId;
    message.from = Address{"phone", s.caller};
    message.clientName = display.size() > 2 && display.front() == '"' ? display.substr(1, display.size() - 2) : display;
    message.subject = "Call to " + s.dialled;
    message.text = "Incoming call to " + s.dialled;
    const std::uint64_t key = call->key;
    calls[key] = std::move(call);
    worker.post([this, key, message] {
        std::int64_t id = 0;
        std::string error;
        try {
            id = host.submitInbound(message).message.interactionId;
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (!post([this, key, id, error] { onSubmitted(key, id, error); }) && id != 0) {
            try {
                host.closeInteraction(id, "abandoned", "the daemon stopped before the call was answered");
            } catch (const std::exception&) {
            }
        }
    });
}

void SipEngine::Impl::onSubmitted(std::uint64_t key, std::int64_t interactionId, const std::string& error) {
    const auto found = calls.find(key);
    if (found == calls.end()) return;
    Call& call = *found->second;
    call.submitted = true;
    call.summary.interactionId = interactionId;
    if (interactionId == 0) {
        host.log(LogLevel::Error, "voice: storing the call " + call.summary.sipCallId + " failed: " + error);
        if (call.phase != CallPhase::Ended) {
            if (call.client.handle != nullptr) {
                nua_respond(call.client.handle, SIP_503_SERVICE_UNAVAILABLE, SIPTAG_RETRY_AFTER_STR("30"), TAG_END());
                call.client.terminated = true;
            }
            endCall(call, "system", "store_unavailable");  // nothing stored: finalize only forgets the call
        } else {
            finalize(call);
        }
        return;
    }
    byInteraction[interactionId] = key;
    if (call.phase == CallPhase::Ended) {  // the caller gave up while the interaction was being stored
        finalize(call);
        return;
    }
    const AccountRuntime& account = accountOf(call);
    const std::vector<CodecChoice> codecs =
        call.lateOffer ? std::vector<CodecChoice>{{Codec::Pcma, 8}, {Codec::Pcmu, 0}}
                       : std::vector<CodecChoice>{{call.client.codec, call.client.rtp->payloadType()}};
    const std::string sdp = buildSdp(account.config.rtpAddress, call.client.rtp->port(), key, call.client.sdpVersion, codecs);
    nua_respond(call.client.handle, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
    call.client.answered = true;
    call.phase = CallPhase::Queued;
    call.summary.answeredAt = std::chrono::system_clock::now();
    startClock(call);
    noteCall(call, "queued");
}

void SipEngine::Impl::onReinvite(Call& call, CallLeg& leg, nua_handle_t* nh, const sip_t* sip) {
    const AccountRuntime& account = accountOf(call);
    const std::string body = payloadOf(sip);
    if (!body.empty()) {
        const std::optional<SdpMedia> offer = parseSdp(body);
        const std::optional<CodecChoice> choice = offer ? chooseCodec(*offer) : std::nullopt;
        if (!choice) {
            // The old session stays as it was (RFC 3261 14.2): only the re-INVITE is refused.
            nua_respond(nh, SIP_488_NOT_ACCEPTABLE, SIPTAG_WARNING_STR("305 omnigate \"only PCMA and PCMU are supported\""),
                        TAG_END());
            return;
        }
        leg.rtp->setRemote(offer->address, offer->port, choice->payloadType);
        leg.codec = choice->codec;
    }
    ++leg.sdpVersion;
    const std::string sdp = buildSdp(account.config.rtpAddress, leg.rtp->port(), call.key, leg.sdpVersion,
                                     {CodecChoice{leg.codec, leg.rtp->payloadType()}});
    nua_respond(nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp.c_str()),
                TAG_END());
}

void SipEngine::Impl::onInviteResponse(nua_handle_t* nh, int status, const char* phrase, const sip_t* sip) {
    if (status < 200) return;
    bool agent = false;
    Call* found = callOf(nh, agent);
    if (found == nullptr) {
        // A 200 for a leg we gave up on (CANCEL crossed the 200 OK): the dialog exists on the far side, end it.
        if (status < 300 && handles.count(nh) != 0) nua_bye(nh, TAG_END());
        return;
    }
    Call& call = *found;
    CallLeg& leg = agent ? call.agent : call.client;
    const std::string who = agent ? "operator " + call.attemptedOperator : "the client " + call.summary.caller;
    if (call.phase == CallPhase::Ended) {
        if (status < 300) nua_bye(nh, TAG_END());
        return;
    }
    if (status >= 300) {
        leg.terminated = true;
        const std::string why = who + " did not answer (" + std::to_string(status) + " " + (phrase ? phrase : "") + ")";
        if (agent) {
            operatorFailed(call, why);
        } else {
            call.summary.notes.push_back(why);
            endCall(call, "client", "no_answer");
        }
        return;
    }
    const std::optional<SdpMedia> answer = parseSdp(payloadOf(sip));
    const std::optional<CodecChoice> choice = answer ? chooseCodec(*answer) : std::nullopt;
    leg.answered = true;
    if (!choice) {
        const std::string why = who + " answered without PCMA or PCMU";
        if (agent) {
            operatorFailed(call, why);
        } else {
            call.summary.notes.push_back(why);
            endCall(call, "system", "no_common_codec");
        }
        return;
    }
    leg.rtp->setRemote(answer->address, answer->port, choice->payloadType);
    leg.codec = choice->codec;
    const auto now = std::chrono::system_clock::now();
    if (agent && !call.summary.outbound) {
        call.phase = CallPhase::Bridged;
        call.summary.connectedAt = now;
        call.summary.operatorId = call.attemptedOperator;
        noteCall(call, "connected");
        host.log(LogLevel::Info, "voice: interaction " + std::to_string(call.summary.interactionId) +
                                     ": bridged the caller to operator " + call.attemptedOperator);
    } else if (agent) {  // click to call: the operator is on the line, now ring the client
        call.summary.answeredAt = now;
        startClock(call);
        call.phase = CallPhase::ClientRinging;
        if (!dial(call, call.client, false, call.clientUri, accountOf(call).config.callerId, "")) {
            call.summary.notes.push_back("no free RTP port to call the client");
            endCall(call, "system", "no_rtp_port");
        }
    } else {
        call.phase = CallPhase::Bridged;
        call.summary.connectedAt = now;
    }
}

void SipEngine::Impl::onAck(nua_handle_t* nh, const sip_t* sip) {
    bool agent = false;
    Call* call = callOf(nh, agent);
    if (call == nullptr || agent || !call->lateOffer || call->phase == CallPhase::Ended) return;
    call->lateOffer = false;
    const std::optional<SdpMedia> answer = parseSdp(payloadOf(sip));
    const std::optional<CodecChoice> choice = answer ? chooseCodec(*answer) : std::nullopt;
    if (!choice) {
        call->summary.notes.push_back("the caller's ACK carried no answer with PCMA or PCMU");
        endCall(*call, "system", "no_common_codec");
        return;
    }
    call->client.rtp->setRemote(answer->address, answer->port, choice->payloadType);
    call->client.codec = choice->codec;
}

void SipEngine::Impl::onHangup(nua_handle_t* nh, const std::string& cause) {
    bool agent = false;
    Call* call = callOf(nh, agent);
    if (call == nullptr || call->phase == CallPhase::Ended) return;
    CallLeg& leg = agent ? call->agent : call->client;
    leg.terminated = true;  // nua answered the BYE or CANCEL itself
    if (!agent) {
        endCall(*call, call->summary.outbound ? "client" : "caller", cause);
    } else if (call->phase == CallPhase::OperatorRinging) {
        operatorFailed(*call, "operator " + call->attemptedOperator + " hung up before the call was connected");
    } else {
        endCall(*call, "operator", cause);
    }
}

void SipEngine::Impl::onTerminated(nua_handle_t* nh, int status, const char* phrase) {
    if (rejected.erase(nh) != 0) {
        nua_handle_destroy(nh);
        gauge();
        return;
    }
    const auto ref = handles.find(nh);
    if (ref == handles.end()) return;
    bool agent = false;
    Call* call = callOf(nh, agent);
    handles.erase(ref);
    if (call != nullptr) {
        CallLeg& leg = agent ? call->agent : call->client;
        leg.terminated = true;
        leg.handle = nullptr;
        if (call->phase != CallPhase::Ended) {
            // A dialog that died without a BYE: no ACK to our 200, a transport error, a 481.
            const std::string cause = "sip_" + std::to_string(status) + (phrase ? " " + std::string(phrase) : "");
            if (agent && call->phase == CallPhase::OperatorRinging) {
                operatorFailed(*call, "the call to operator " + call->attemptedOperator + " failed (" + cause + ")");
            } else {
                endCall(*call, "system", cause);
            }
        }
    }
    nua_handle_destroy(nh);
    gauge();
}

}  // namespace omnigate::voice
