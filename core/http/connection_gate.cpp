#include "http/connection_gate.h"

#include <Poco/Logger.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.http"); }

constexpr std::uint64_t kListener = 0;
// A request head longer than this is refused (431): POCO would read it at the client's pace on a worker thread.
constexpr std::size_t kMaxHeadBytes = 16 * 1024;
constexpr int kTickMillis = 100;

const char* const kTimeoutAnswer =
    "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 87\r\n\r\n"
    R"({"error":{"code":"request_timeout","message":"the request head did not arrive in time"}})";
const char* const kTooLargeAnswer =
    "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\nConnection: close\r\n"
    "Content-Length: 83\r\n\r\n"
    R"({"error":{"code":"headers_too_large","message":"the request head exceeds 16384 bytes"}})";

}  // namespace

ConnectionGate::ConnectionGate(const Poco::Net::ServerSocket& listener, Limits limits, Ready ready)
    : listener_(listener), limits_(limits), ready_(std::move(ready)), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epoll_ < 0) throw std::runtime_error(std::string("HTTP gate: epoll_create1: ") + std::strerror(errno));
}

ConnectionGate::~ConnectionGate() {
    stop();
    ::close(epoll_);
}

void ConnectionGate::start() {
    listener_.setBlocking(false);  // accept() runs until there is nobody left to accept
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kListener;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_.impl()->sockfd(), &event) != 0) {
        throw std::runtime_error(std::string("HTTP gate: watching the listener: ") + std::strerror(errno));
    }
    running_ = true;
    thread_ = std::thread([this] { loop(); });
}

void ConnectionGate::stop() {
    if (!running_.exchange(false)) return;
    if (thread_.joinable()) thread_.join();
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_.impl()->sockfd(), nullptr);
    std::map<std::uint64_t, Waiting> all;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        all.swap(waiting_);
    }
    for (auto& [id, waiting] : all) {
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, waiting.socket.impl()->sockfd(), nullptr);
        waiting.socket.close();
    }
    // Workers reading from a slow client would keep the server from stopping until their deadline.
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, watched] : watched_) {
        watched.expired = true;
        ::shutdown(watched.fd, SHUT_RD);
    }
}

void ConnectionGate::park(const Poco::Net::StreamSocket& socket) {
    admit(socket, Clock::now() + limits_.keepAliveTimeout, true);
}

bool ConnectionGate::headArrived(const Poco::Net::StreamSocket& socket) {
    static thread_local char head[kMaxHeadBytes];
    const ssize_t n = ::recv(socket.impl()->sockfd(), head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 && std::string_view(head, static_cast<std::size_t>(n)).find("\r\n\r\n") != std::string_view::npos;
}

void ConnectionGate::admit(Poco::Net::StreamSocket socket, Clock::time_point deadline, bool idle) {
    const std::uint64_t id = nextId_++;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!running_ || waiting_.size() >= limits_.maxWaiting) {
        socket.close();
        return;
    }
    const int fd = socket.impl()->sockfd();
    waiting_.emplace(id, Waiting{std::move(socket), deadline, idle, 0});
    // Edge-triggered: a head that is still incomplete stays readable, and would otherwise wake us without end.
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    event.data.u64 = id;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
        waiting_.at(id).socket.close();
        waiting_.erase(id);
    }
}

void ConnectionGate::loop() {
    std::vector<epoll_event> events(256);
    auto lastSweep = Clock::now();
    while (running_) {
        const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), kTickMillis);
        if (n < 0 && errno != EINTR) logger().error("HTTP gate: epoll_wait: %s", std::string(std::strerror(errno)));
        for (int i = 0; i < n; ++i) {
            if (events[i].data.u64 == kListener) {
                accept();
            } else {
                inspect(events[i].data.u64);
            }
        }
        const auto now = Clock::now();
        if (now - lastSweep >= std::chrono::milliseconds(kTickMillis)) {
            lastSweep = now;
            sweep();
        }
    }
}

void ConnectionGate::accept() {
    const int listener = listener_.impl()->sockfd();
    for (;;) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            admit(Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(fd)), Clock::now() + limits_.headerTimeout,
                  false);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        // Out of descriptors, most likely: the pending connection stays readable, so stop listening a moment
        // instead of spinning on it.
        logger().warning("HTTP gate: accept: %s", std::string(std::strerror(errno)));
        epoll_event event{};
        event.data.u64 = kListener;
        ::epoll_ctl(epoll_, EPOLL_CTL_MOD, listener, &event);
        acceptPausedUntil_ = Clock::now() + std::chrono::seconds(1);
        return;
    }
}

void ConnectionGate::inspect(std::uint64_t id) {
    static thread_local char head[kMaxHeadBytes];
    Poco::Net::StreamSocket socket;
    ssize_t n = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = waiting_.find(id);
        if (it == waiting_.end()) return;
        Waiting& waiting = it->second;
        n = ::recv(waiting.socket.impl()->sockfd(), head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        if (n > 0) {
            if (waiting.idle) {
                // The next request has begun: from here its head gets the header timeout.
                waiting.idle = false;
                waiting.deadline = Clock::now() + limits_.headerTimeout;
            }
            const std::size_t from = waiting.scanned >= 3 ? waiting.scanned - 3 : 0;
            const std::string_view bytes(head, static_cast<std::size_t>(n));
            if (bytes.find("\r\n\r\n", from) == std::string_view::npos) {
                waiting.scanned = static_cast<std::size_t>(n);
                if (static_cast<std::size_t>(n) < sizeof head) return;
            } else {
                socket = waiting.socket;
                ::epoll_ctl(epoll_, EPOLL_CTL_DEL, socket.impl()->sockfd(), nullptr);
                waiting_.erase(it);
            }
        }
    }
    if (n > 0 && socket.impl()->initialized()) {
        ready_(socket);
        return;
    }
    drop(id, n > 0 ? kTooLargeAnswer : nullptr);  // too large, or the client hung up
}

void ConnectionGate::drop(std::uint64_t id, const char* answer) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = waiting_.find(id);
    if (it == waiting_.end()) return;
    const int fd = it->second.socket.impl()->sockfd();
    // Best effort, never blocking: a client this slow may not be reading either.
    if (answer != nullptr) ::send(fd, answer, std::strlen(answer), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    it->second.socket.close();
    waiting_.erase(it);
}

void ConnectionGate::sweep() {
    const auto now = Clock::now();
    if (acceptPausedUntil_ != Clock::time_point() && now >= acceptPausedUntil_) {
        acceptPausedUntil_ = {};
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = kListener;
        ::epoll_ctl(epoll_, EPOLL_CTL_MOD, listener_.impl()->sockfd(), &event);
    }
    std::vector<std::pair<std::uint64_t, bool>> late;  // id, idle
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& [id, waiting] : waiting_) {
            if (now >= waiting.deadline) late.emplace_back(id, waiting.idle);
        }
        for (auto& [id, watched] : watched_) {
            if (!watched.expired && now >= watched.deadline) {
                watched.expired = true;
                ::shutdown(watched.fd, SHUT_RD);  // the blocked recv returns 0; the answer can still be written
            }
        }
    }
    // An idle kept-alive connection is just closed, as HTTP/1.1 allows; a head that stalled is told why.
    for (const auto& [id, idle] : late) drop(id, idle ? nullptr : kTimeoutAnswer);
}

ConnectionGate::Deadline::Deadline(ConnectionGate& gate, const Poco::Net::StreamSocket& socket,
                                   Clock::time_point deadline)
    : gate_(gate), id_(gate.nextId_++) {
    std::lock_guard<std::mutex> lock(gate_.mutex_);
    gate_.watched_.emplace(id_, Watched{socket.impl()->sockfd(), deadline, false});
}

// Under the gate's lock: once this returns, the descriptor (which the caller may close next) is never touched.
ConnectionGate::Deadline::~Deadline() {
    std::lock_guard<std::mutex> lock(gate_.mutex_);
    gate_.watched_.erase(id_);
}

bool ConnectionGate::Deadline::expired() const {
    std::lock_guard<std::mutex> lock(gate_.mutex_);
    const auto it = gate_.watched_.find(id_);
    return it != gate_.watched_.end() && it->second.expired;
}

}  // namespace omnigate
