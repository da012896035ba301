#include "sip_engine.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/url.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <strings.h>

#include <atomic>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "call_summary.h"
#include "host_worker.h"
#include "omnigate/sdk/api_error.h"
#include "sdp.h"
#include "sip_digest.h"
#include "voice_call.h"

// sofia-sip's per-module logs: exported by the library, declared only in its private headers.
extern "C" {
extern su_log_t nua_log[];
extern su_log_t nta_log[];
extern su_log_t tport_log[];
}

namespace omnigate::voice {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t frameSamples = 160;  // 20 ms at 8 kHz
constexpr auto frameTime = 20ms;
constexpr auto pollInterval = 1s;          // how often a waiting call asks the store for its interaction

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

// What may go into the user part of a From we build: a caller id from the network is not trusted to be clean.
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

bool udpPortTaken(const std::string& address, int port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, address.c_str(), &local.sin_addr);
    const bool taken = ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 && errno == EADDRINUSE;
    ::close(fd);
    return taken;
}

std::string payloadOf(const sip_t* sip) {
    if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr) return {};
    return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

}  // namespace

struct AccountRuntime;

struct HandleRef {
    std::uint64_t call = 0;
    bool agent = false;
};

struct SipEngine::Impl {
    Impl(ChannelHost& h, std::vector<VoiceAccount> accounts);

    // --- any thread
    bool post(std::function<void()> task);  // false once the SIP thread is gone

    // --- the SIP thread
    void run(std::promise<std::vector<std::string>>& started);
    void drain();
    void tick();
    void onEvent(AccountRuntime& account, nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                 const sip_t* sip, tagi_t tags[]);
    void onInvite(AccountRuntime& account, nua_handle_t* nh, const sip_t* sip);
    void onReinvite(Call& call, CallLeg& leg, nua_handle_t* nh, const sip_t* sip);
    void onInviteResponse(nua_handle_t* nh, int status, const char* phrase, const sip_t* sip);
    void onHangup(nua_handle_t* nh, const std::string& cause);
    void onAck(nua_handle_t* nh, const sip_t* sip);
    void onTerminated(nua_handle_t* nh, int status, const char* phrase);
    void reject(nua_handle_t* nh, int status, const char* phrase, const std::string& why, const std::string& header = {},
                const std::string& value = {});
    void onSubmitted(std::uint64_t key, std::int64_t interactionId, const std::string& error);
    void applyUpdate(std::int64_t interactionId, const std::string& status, const std::string& operatorId);
    void createOutbound(std::uint64_t key, std::size_t account, std::int64_t interactionId, std::string operatorId,
                        std::string operatorUri, std::string number);
    bool dial(Call& call, CallLeg& leg, bool agent, const std::string& uri, const std::string& fromUser,
              const std::string& display);
    void dialOperator(Call& call);
    void operatorFailed(Call& call, const std::string& why);
    void startClock(Call& call);
    void relay(Call& call);
    void promptFrame(Call& call, std::int16_t* out);
    void endCall(Call& call, const std::string& side, const std::string& cause);
    void hangUpLeg(CallLeg& leg, bool inbound);
    void finalize(Call& call);
    void poll(Call& call);
    Call* callOf(nua_handle_t* nh, bool& agent);
    AccountRuntime& accountOf(const Call& call);
    void gauge();
    void noteCall(const Call& call, const std::string& state);

    ChannelHost& host;
    HostWorker worker;
    std::vector<std::unique_ptr<AccountRuntime>> accounts;
    su_root_t* root = nullptr;
    std::thread thread;
    std::mutex queueMutex;
    std::deque<std::function<void()>> queue;
    bool loopExited = false;
    std::atomic<bool> running{false};
    std::atomic<bool> stopping{false};
    std::atomic<int> active{0};
    std::atomic<std::uint64_t> nextKey{1};
    std::map<std::uint64_t, std::unique_ptr<Call>> calls;
    std::map<nua_handle_t*, HandleRef> handles;
    std::set<nua_handle_t*> rejected;  // answered with an error: freed when nua says the transaction is over
    std::map<std::int64_t, std::uint64_t> byInteraction;
    std::string nonceSecret;
    std::string hostName;  // with the listen address, names this process's calls in the plugin state

    // "call/<host>/<listen>/": the durable note of every answered inbound call of one account, so a daemon that
    // died mid-call leaves no caller's interaction open: the next start closes (or annotates) them.
    std::string statePrefix(const AccountRuntime& account) const;
    void recoverCutOffCalls();
};

struct AccountRuntime {
    SipEngine::Impl* engine = nullptr;
    std::size_t index = 0;
    std::string id;
    VoiceConfig config;
    nua_t* nua = nullptr;
    bool shutDown = false;
    std::unique_ptr<SipDigest> digest;
    std::map<std::uint32_t, std::pair<std::time_t, int>> invitesPerSecond;  // source address -> (second, count)
    int portCursor = 0;
};

namespace {

// sofia-sip writes its diagnostics to stderr by default; they go to the daemon's log instead, at debug level
// (a peer that went away makes its transport complain on every retransmission).
void sofiaLogger(void* stream, char const* format, va_list arguments) {
    char line[1024];
    std::vsnprintf(line, sizeof line, format, arguments);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (!text.empty()) static_cast<ChannelHost*>(stream)->log(LogLevel::Debug, "voice: sofia-sip: " + text);
}

void redirectSofiaLogs(ChannelHost* host) {
    for (su_log_t* log : {su_log_default, nua_log, nta_log, tport_log}) {
        su_log_redirect(log, host != nullptr ? sofiaLogger : nullptr, host);
    }
}

void sofiaCallback(nua_event_t event, int status, char const* phrase, nua_t*, nua_magic_t* magic, nua_handle_t* nh,
                   nua_hmagic_t*, sip_t const* sip, tagi_t tags[]) {
    auto* account = static_cast<AccountRuntime*>(magic);
    try {
        account->engine->onEvent(*account, event, status, phrase, nh, sip, tags);
    } catch (const std::exception& e) {
        // A bug in one event must not take the SIP thread (and every other call) down with it.
        account->engine->host.log(LogLevel::Error, "voice: handling SIP event " + std::string(nua_event_name(event)) +
                                                       " failed: " + e.what());
    }
}

}  // namespace

SipEngine::Impl::Impl(ChannelHost& h, std::vector<VoiceAccount> list) : host(h) {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') std::snprintf(name, sizeof name, "localhost");
    hostName = std::string(name).substr(0, 64);
    std::random_device random;
    for (int i = 0; i < 4; ++i) nonceSecret += std::to_string(random());
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto account = std::make_unique<AccountRuntime>();
        account->engine = this;
        account->index = i;
        account->id = list[i].id;
        account->config = std::move(list[i].config);
        // Each account signs its nonces apart, so a nonce one account issued is no use at another with the same
        // credentials (each remembers only its own nonce counts).
        if (account->config.auth) {
            account->digest = std::make_unique<SipDigest>(*account->config.auth, nonceSecret + ":" + account->id);
        }
        accounts.push_back(std::move(account));
    }
}

bool SipEngine::Impl::post(std::function<void()> task) {
    std::lock_guard<std::mutex> lock(queueMutex);
    if (loopExited) return false;
    queue.push_back(std::move(task));
    return true;
}

void SipEngine::Impl::drain() {
    std::deque<std::function<void()>> tasks;
    {
        std::lock_guard<std::mutex> lock(queueMutex);
        tasks.swap(queue);
    }
    for (auto& task : tasks) {
        try {
            task();
        } catch (const std::exception& e) {
            host.log(LogLevel::Error, std::string("voice: a queued SIP task failed: ") + e.what());
        }
    }
}

void SipEngine::Impl::run(std::promise<std::vector<std::string>>& started) {
    su_init();
    redirectSofiaLogs(&host);
    root = su_root_create(nullptr);
    std::vector<std::string> errors;
    for (auto& account : accounts) {
        const std::string url = account->config.listenUrl();
        // sofia-sip binds UDP with SO_REUSEADDR, so a second daemon on the same address would bind too and the
        // two would silently share (and lose) each other's calls. A plain bind first tells us the port is taken.
        if (udpPortTaken(account->config.listenHost, account->config.listenPort)) {
            account->shutDown = true;
            errors.push_back("the voice account '" + account->id + "' cannot listen on " + url +
                             ": another process already takes SIP there");
            continue;
        }
        account->nua = nua_create(root, sofiaCallback, account.get(), NUTAG_URL(URL_STRING_MAKE(url.c_str())),
                                  NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOANSWER(0), NUTAG_AUTOALERT(0), NUTAG_AUTOACK(1),
                                  NUTAG_ENABLEMESSAGE(0), NUTAG_ALLOW("INVITE, ACK, BYE, CANCEL, OPTIONS"),
                                  SIPTAG_USER_AGENT_STR("omnigate"), TAG_NULL());
        if (account->nua == nullptr) {
            account->shutDown = true;
            errors.push_back("the voice account '" + account->id + "' cannot listen on " + url +
                             " (UDP and TCP): is the address local and the port free?");
        }
    }
    started.set_value(errors);

    while (!stopping) {
        su_root_step(root, 5);
        drain();
        tick();
    }

    // Shutdown: hang up every call so nobody is left on hold to a daemon that is gone, let the BYEs go out,
    // then stop the user agents.
    std::vector<Call*> open;
    for (auto& [key, call] : calls) open.push_back(call.get());
    for (Call* call : open) {
        if (call->phase != CallPhase::Ended) endCall(*call, "system", "shutdown");
    }
    for (auto& account : accounts) {
        if (account->nua != nullptr) nua_shutdown(account->nua);
    }
    const auto deadline = Clock::now() + 3s;
    while (Clock::now() < deadline) {
        bool all = true;
        for (auto& account : accounts) all = all && account->shutDown;
        if (all) break;
        su_root_step(root, 20);
    }
    for (auto& account : accounts) {
        if (account->nua != nullptr) nua_destroy(account->nua);
        account->nua = nullptr;
    }
    {
        std::lock_guard<std::mutex> lock(queueMutex);
        loopExited = true;
    }
    drain();  // tasks posted before the door closed: they only touch calls that have ended
    handles.clear();
    su_root_destroy(root);
    root = nullptr;
    redirectSofiaLogs(nullptr);
    su_deinit();
}

AccountRuntime& SipEngine::Impl::accountOf(const Call& call) { return *accounts[call.account]; }

void SipEngine::Impl::noteCall(const Call& call, const std::string& state) {
    const std::string key = statePrefix(accountOf(call)) + std::to_string(call.summary.interactionId);
    worker.post([this, key, state] {
        try {
            host.saveState(key, state);
        } catch (const std::exception& e) {
            host.log(LogLevel::Warning, "voice: noting a call in the plugin state failed: " + std::string(e.what()));
        }
    });
}

std::string SipEngine::Impl::statePrefix(const AccountRuntime& account) const {
    return "call/" + hostName + "/" + account.config.listenHost + ":" + std::to_string(account.config.listenPort) + "/";
}

void SipEngine::Impl::recoverCutOffCalls() {
    for (const auto& account : accounts) {
        const std::string prefix = statePrefix(*account);
        worker.post([this, prefix] {
            try {
                for (const auto& [key, value] : host.listState(prefix)) {
                    const std::string idText = key.substr(prefix.size());
                    if (idText.empty() || idText.find_first_not_of("0123456789") != std::string::npos) continue;
                    const std::int64_t id = std::stoll(idText);
                    try {
                        if (value == "connected") {
                            host.addSystemMessage(id, "The call was cut off: the daemon stopped during the talk; no "
                                                      "recording was kept.", {});
                        } else {
                            host.closeInteraction(id, "abandoned",
                                                  "the call was cut off: the daemon stopped while the caller waited");
                        }
                    } catch (const std::exception& e) {
                        // 404 or 409 (closed meanwhile): nothing left to do for it.
                        host.log(LogLevel::Debug, "voice: interaction " + idText + " of a cut-off call: " + e.what());
                    }
                    host.eraseState(key);
                    host.log(LogLevel::Warning, "voice: interaction " + idText +
                                                    " belonged to a call cut off when the daemon stopped; " +
                                                    (value == "connected" ? "noted" : "closed as abandoned"));
                }
            } catch (const std::exception& e) {
                host.log(LogLevel::Error, std::string("voice: looking for calls cut off by a stop failed: ") + e.what());
            }
        });
    }
}

void SipEngine::Impl::gauge() {
    host.setGauge("active_calls", "Voice calls in progress", active.load());
    // Handles of calls and of refused INVITEs not yet freed: a number that only grows is a leak.
    host.setGauge("sip_handles", "SIP dialog handles held", static_cast<double>(handles.size() + rejected.size()));
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
    const VoiceConfig& config = account.config;
    if (stopping) return reject(nh, SIP_503_SERVICE_UNAVAILABLE, "shutting down", "Retry-After", "30");

    // 1. Only peers on the allow-list: the source address of the datagram or connection, not what the headers say.
    std::uint32_t source = 0;
    bool haveSource = false;
    if (msg_t* request = nua_current_request(account.nua)) {
        if (su_addrinfo_t* info = msg_addrinfo(request); info != nullptr && info->ai_addr != nullptr &&
                                                         info->ai_addr->sa_family == AF_INET) {
            source = ntohl(reinterpret_cast<const sockaddr_in*>(info->ai_addr)->sin_addr.s_addr);
            haveSource = true;
        }
    }
    bool allowed = false;
    for (const Ipv4Network& network : config.allow) allowed = allowed || (haveSource && network.contains(source));
    if (!allowed) return reject(nh, SIP_403_FORBIDDEN, "source address not on the allow-list");

    // 2. A flood from one peer: refused before any work is done for it.
    const std::time_t now = std::time(nullptr);
    auto& [second, count] = account.invitesPerSecond[source];
    if (second != now) {
        second = now;
        count = 0;
    }
    if (++count > config.maxInvitesPerSecond) {
        return reject(nh, 503, "Too Many Calls", "over max_invites_per_second", "Retry-After", "5");
    }
    if (account.invitesPerSecond.size() > 4096) account.invitesPerSecond.clear();

    // 3. Digest credentials, when the account wants them.
    if (account.digest) {
        const std::string requestUri = requestUriOf(sip);
        DigestVerdict verdict = DigestVerdict::Refused;
        for (const msg_auth_t* auth = sip->sip_authorization; auth != nullptr && verdict != DigestVerdict::Accepted;
             auth = auth->au_next) {
            if (auth->au_scheme == nullptr || strcasecmp(auth->au_scheme, "Digest") != 0) continue;
            std::string params;
            for (const msg_param_t* p = auth->au_params; p != nullptr && *p != nullptr; ++p) {
                params += (params.empty() ? "" : ", ") + std::string(*p);
            }
            const DigestVerdict one = account.digest->verify(parseDigestParams(params), "INVITE", requestUri, now);
            if (one != DigestVerdict::Refused) verdict = one;
        }
        if (verdict == DigestVerdict::Stale) {
            return reject(nh, SIP_401_UNAUTHORIZED, "digest credentials for an expired or used nonce",
                          "WWW-Authenticate", account.digest->challenge(now, true));
        }
        if (verdict != DigestVerdict::Accepted) {
            return reject(nh, SIP_401_UNAUTHORIZED, "no or wrong digest credentials", "WWW-Authenticate",
                          account.digest->challenge(now));
        }
    }

    // 4. The call limit.
    int countOfAccount = 0;
    for (const auto& [key, call] : calls) {
        if (call->account == account.index && call->phase != CallPhase::Ended) ++countOfAccount;
    }
    if (countOfAccount >= config.maxConcurrentCalls) {
        return reject(nh, SIP_503_SERVICE_UNAVAILABLE, "over max_concurrent_calls", "Retry-After",
                      std::to_string(config.retryAfterSeconds));
    }

    // 5. A codec we speak. An INVITE without a body is a late offer (some PBXs send them): we offer both laws in
    // our 200 OK and take the caller's answer from the ACK.
    const std::string body = payloadOf(sip);
    const std::optional<SdpMedia> offer = parseSdp(body);
    if (!body.empty() && !offer) {
        return reject(nh, SIP_488_NOT_ACCEPTABLE, "no audio stream in the SDP offer", "Warning",
                      "305 omnigate \"an SDP offer with PCMA or PCMU is required\"");
    }
    const std::optional<CodecChoice> choice = offer ? chooseCodec(*offer) : std::nullopt;
    if (offer && !choice) {
        return reject(nh, SIP_488_NOT_ACCEPTABLE, "no PCMA or PCMU in the offer", "Warning",
                      "305 omnigate \"only PCMA and PCMU are supported\"");
    }

    auto call = std::make_unique<Call>();
    call->key = nextKey++;
    call->account = account.index;
    call->client.rtp = RtpSocket::open(config.rtpAddress, config.rtpPortMin, config.rtpPortMax, account.portCursor);
    if (!call->client.rtp) {
        return reject(nh, SIP_503_SERVICE_UNAVAILABLE, "no free RTP port", "Retry-After",
                      std::to_string(config.retryAfterSeconds));
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
    const std::string display =
        sip->sip_from != nullptr && sip->sip_from->a_display != nullptr ? sip->sip_from->a_display : "";

    handles[nh] = HandleRef{call->key, false};
    ++active;
    gauge();
    nua_respond(nh, SIP_180_RINGING, TAG_END());

    // The interaction is stored before the call is answered: a caller is only ever answered into the queue.
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
    if (found == config.operators.end()) {
        operatorFailed(call, "operator " + call.assignedOperator +
                                 " has no SIP address in the voice account's `operators`, so the call cannot reach them");
        return;
    }
    if (!dial(call, call.agent, true, found->second, call.summary.caller, "Call for " + call.summary.dialled)) {
        operatorFailed(call, "no free RTP port to call operator " + call.assignedOperator);
        return;
    }
    call.phase = CallPhase::OperatorRinging;
    host.log(LogLevel::Info, "voice: interaction " + std::to_string(call.summary.interactionId) + ": calling operator " +
                                 call.assignedOperator + " at " + found->second);
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

void SipEngine::Impl::applyUpdate(std::int64_t interactionId, const std::string& status, const std::string& operatorId) {
    const auto key = byInteraction.find(interactionId);
    if (key == byInteraction.end()) return;
    const auto found = calls.find(key->second);
    if (found == calls.end() || found->second->phase == CallPhase::Ended) return;
    Call& call = *found->second;
    if (status == "closed") {
        endCall(call, "system", "interaction_closed");
    } else if (status == "assigned") {
        if (!operatorId.empty()) call.assignedOperator = operatorId;
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
        post([this, key, id, status, operatorId] {
            const auto found = calls.find(key);
            if (found != calls.end()) found->second->pollInFlight = false;
            if (!status.empty()) applyUpdate(id, status, operatorId);
        });
    });
}

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

void SipEngine::Impl::tick() {
    const auto now = Clock::now();
    std::vector<Call*> open;
    for (auto& [key, call] : calls) {
        if (call->phase != CallPhase::Ended) open.push_back(call.get());
    }
    for (Call* callPointer : open) {
        Call& call = *callPointer;
        const VoiceConfig& config = accountOf(call).config;
        relay(call);
        if (call.clockRunning) {
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
                continue;
            }
            const bool clientUp = !call.summary.outbound || call.phase == CallPhase::Bridged;
            if (clientUp && call.client.rtp && now - call.client.rtp->lastHeard() > silence) {
                endCall(call, "system", "rtp_timeout");
                continue;
            }
            const bool agentUp = call.phase == CallPhase::Bridged || call.summary.outbound;
            if (agentUp && call.agent.rtp && now - call.agent.rtp->lastHeard() > silence) {
                endCall(call, "system", "rtp_timeout_operator");
                continue;
            }
        }
        const auto ring = std::chrono::seconds(config.operatorAnswerSeconds);
        if (call.phase == CallPhase::OperatorRinging && now - call.agent.dialledAt > ring) {
            operatorFailed(call, "operator " + call.attemptedOperator + " did not answer within " +
                                     std::to_string(config.operatorAnswerSeconds) + " s");
            continue;
        }
        if (call.phase == CallPhase::ClientRinging && now - call.client.dialledAt > ring) {
            call.summary.notes.push_back("the client did not answer within " + std::to_string(config.operatorAnswerSeconds) + " s");
            endCall(call, "client", "no_answer");
            continue;
        }
        if (!call.summary.outbound && call.phase == CallPhase::Queued && !call.assignedOperator.empty() &&
            call.assignedOperator != call.attemptedOperator) {
            dialOperator(call);
        }
        if (!call.summary.outbound && call.submitted && call.clockRunning && !call.pollInFlight && now >= call.nextPoll) {
            poll(call);
        }
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

// --- SipEngine

SipEngine::SipEngine(ChannelHost& host, std::vector<VoiceAccount> accounts)
    : impl_(std::make_unique<Impl>(host, std::move(accounts))) {}

SipEngine::~SipEngine() { stop(); }

std::vector<std::string> SipEngine::start() {
    if (impl_->running) return {};
    impl_->worker.start();
    impl_->recoverCutOffCalls();  // queued before any new call's work
    std::promise<std::vector<std::string>> started;
    std::future<std::vector<std::string>> result = started.get_future();
    impl_->thread = std::thread([this, &started] { impl_->run(started); });
    impl_->running = true;
    return result.get();
}

void SipEngine::stop() {
    if (!impl_->running) return;
    impl_->stopping = true;
    if (impl_->thread.joinable()) impl_->thread.join();
    impl_->worker.stop();  // runs the queued recordings, system messages and closes
    impl_->running = false;
}

void SipEngine::interactionUpdated(std::int64_t interactionId, const std::string& status, const std::string& operatorId) {
    Impl* impl = impl_.get();
    impl->post([impl, interactionId, status, operatorId] { impl->applyUpdate(interactionId, status, operatorId); });
}

std::string SipEngine::placeCall(const std::string& account, std::int64_t interactionId, const std::string& operatorId,
                                 const std::string& operatorUri, const std::string& number) {
    Impl* impl = impl_.get();
    std::size_t index = impl->accounts.size();
    for (std::size_t i = 0; i < impl->accounts.size(); ++i) {
        if (impl->accounts[i]->id == account) index = i;
    }
    if (index == impl->accounts.size()) throw ApiError::notFound("no voice account '" + account + "'");
    if (!impl->running || impl->stopping) throw ApiError::unavailable("the voice channel is not running");
    if (impl->active.load() >= impl->accounts[index]->config.maxConcurrentCalls) {
        throw ApiError(503, "too_many_calls", "the voice account '" + account + "' is at its max_concurrent_calls");
    }
    const std::uint64_t key = impl->nextKey++;
    ++impl->active;
    const bool queued = impl->post([impl, key, index, interactionId, operatorId, operatorUri, number] {
        impl->createOutbound(key, index, interactionId, operatorId, operatorUri, number);
    });
    if (!queued) {
        --impl->active;
        throw ApiError::unavailable("the voice channel is not running");
    }
    return "click-to-call-" + std::to_string(key);
}

int SipEngine::activeCalls() const { return impl_->active.load(); }

}  // namespace omnigate::voice
