#include "sip_engine.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sofia-sip/su_log.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <random>

#include "omnigate/sdk/api_error.h"
#include "sip_engine_impl.h"

// sofia-sip's per-module logs: exported by the library, declared only in its private headers.
extern "C" {
extern su_log_t nua_log[];
extern su_log_t nta_log[];
extern su_log_t tport_log[];
}

namespace omnigate::voice {

namespace {

using namespace std::chrono_literals;

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

void SipEngine::Impl::gauge() {
    host.setGauge("active_calls", "Voice calls in progress", active.load());
    // Handles of calls and of refused INVITEs not yet freed: a number that only grows is a leak.
    host.setGauge("sip_handles", "SIP dialog handles held", static_cast<double>(handles.size() + rejected.size()));
}

void SipEngine::Impl::tick() {
    const auto now = Clock::now();
    std::vector<Call*> open;
    for (auto& [key, call] : calls) {
        if (call->phase != CallPhase::Ended) open.push_back(call.get());
    }
    for (Call* call : open) {
        relay(*call);
        if (call->clockRunning && !keepTime(*call, now)) continue;
        followUp(*call, now);
    }
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
    const std::string phone = status == "assigned" ? impl->phoneOf(operatorId) : "";
    impl->post([impl, interactionId, status, operatorId, phone] {
        impl->applyUpdate(interactionId, status, operatorId, phone);
    });
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
