// The inside of SipEngine, shared by the files that each do one of its jobs: sip_engine.cpp runs the SIP thread
// and its loop, sip_signalling.cpp answers what the peers send (taking or refusing an INVITE, hang-ups, responses),
// sip_call_legs.cpp dials operators and clients and ends calls, sip_media.cpp relays RTP and plays the prompts on
// the 20 ms clock, sip_recovery.cpp notes answered calls so a restart can close those a crash cut off. Everything
// here runs on the SIP thread unless it says otherwise.
#pragma once

#include <sofia-sip/nua.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host_worker.h"
#include "sip_digest.h"
#include "sip_engine.h"
#include "voice_call.h"

namespace omnigate::voice {

using Clock = std::chrono::steady_clock;

constexpr std::size_t frameSamples = 160;  // 20 ms at 8 kHz
constexpr std::chrono::milliseconds frameTime{20};
constexpr std::chrono::seconds pollInterval{1};  // how often a waiting call asks the store for its interaction

// The SDP body of a request or response ("" without one).
std::string payloadOf(const sip_t* sip);
// What may go into the user part of a From we build: a caller id from the network is not trusted to be clean.
std::string sipUser(const std::string& text);

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
    bool admit(AccountRuntime& account, nua_handle_t* nh, const sip_t* sip);
    std::unique_ptr<Call> newInboundCall(AccountRuntime& account, nua_handle_t* nh, const sip_t* sip);
    void ring(AccountRuntime& account, std::unique_ptr<Call> call, const sip_t* sip);
    void onReinvite(Call& call, CallLeg& leg, nua_handle_t* nh, const sip_t* sip);
    void onInviteResponse(nua_handle_t* nh, int status, const char* phrase, const sip_t* sip);
    void onHangup(nua_handle_t* nh, const std::string& cause);
    void onAck(nua_handle_t* nh, const sip_t* sip);
    void onTerminated(nua_handle_t* nh, int status, const char* phrase);
    void reject(nua_handle_t* nh, int status, const char* phrase, const std::string& why, const std::string& header = {},
                const std::string& value = {});
    void onSubmitted(std::uint64_t key, std::int64_t interactionId, const std::string& error);
    void applyUpdate(std::int64_t interactionId, const std::string& status, const std::string& operatorId,
                     const std::string& phone);
    // The desk phone the operator signed in at (ChannelHost::operatorPhone), asked off the SIP thread; empty when
    // none, or when the store does not answer (the account's `operators` entry is dialled then).
    std::string phoneOf(const std::string& operatorId);
    void createOutbound(std::uint64_t key, std::size_t account, std::int64_t interactionId, std::string operatorId,
                        std::string operatorUri, std::string number);
    bool dial(Call& call, CallLeg& leg, bool agent, const std::string& uri, const std::string& fromUser,
              const std::string& display);
    void dialOperator(Call& call);
    void operatorFailed(Call& call, const std::string& why);
    void startClock(Call& call);
    void relay(Call& call);
    bool keepTime(Call& call, Clock::time_point now);
    void followUp(Call& call, Clock::time_point now);
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

}  // namespace omnigate::voice
