#include "http/websocket_hub.h"

#include <Poco/Logger.h>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>
#include <stdexcept>
#include <vector>

#include "http/websocket_frame_reader.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.websocket"); }

using Clock = std::chrono::steady_clock;

// RFC 6455 7.4.1 close codes.
constexpr std::uint16_t kNormal = 1000;
constexpr std::uint16_t kGoingAway = 1001;
constexpr std::uint16_t kProtocolError = 1002;
constexpr std::uint16_t kUnsupported = 1003;
constexpr std::uint16_t kPolicyViolation = 1008;
constexpr std::uint16_t kTooBig = 1009;
constexpr std::uint16_t kInternalError = 1011;
constexpr std::uint16_t kTryAgainLater = 1013;

// What one readiness event may read from one socket before the others get their turn.
constexpr std::size_t kReadBudget = 64 * 1024;
// How often deadlines are checked: the granularity of the send and frame timeouts.
constexpr int kTickMillis = 100;

std::string seconds(std::chrono::milliseconds span) {
    return std::to_string((span.count() + 999) / 1000) + " s";
}

}  // namespace

class WebSocketHub::Connection : public WebSocketConnection {
public:
    Connection(std::uint64_t id, Poco::Net::WebSocket socket, std::shared_ptr<WebSocketHandler> handler, int epoll,
               const Limits& limits, int maxFrameBytes)
        : reader(static_cast<std::size_t>(maxFrameBytes)),
          id_(id),
          socket_(std::move(socket)),
          fd_(socket_.impl()->sockfd()),
          handler_(std::move(handler)),
          epoll_(epoll),
          limits_(limits) {}

    std::uint64_t id() const override { return id_; }

    bool sendText(const std::string& text) override {
        std::lock_guard<std::mutex> lock(mutex_);
        return enqueueLocked(WebSocketFrame::encode(WebSocketFrame::Text, text));
    }

    void close(std::uint16_t code, const std::string& reason) override {
        std::lock_guard<std::mutex> lock(mutex_);
        beginCloseLocked(code, reason);
    }

    // The peer's close frame: answered (unless ours went first), and once the answer is out the handshake is over.
    void answerClose() {
        std::lock_guard<std::mutex> lock(mutex_);
        peerClosed_ = true;
        beginCloseLocked(kNormal, "");
    }

    // The hub's thread only (and stop(), after that thread has ended): the handler is released by finish().
    WebSocketHandler& handler() { return *handler_; }

    // --- The hub's thread only, from here on. -------------------------------------------------------------------

    void queueControl(std::uint8_t opcode, const std::string& payload) {
        std::lock_guard<std::mutex> lock(mutex_);
        enqueueLocked(WebSocketFrame::encode(opcode, payload));
    }

    // Starts reading; false when the connection was finished meanwhile.
    bool watch() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (state_ == State::Finished) return false;
        epoll_event event = interestLocked();
        return ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd_, &event) == 0;
    }

    enum class Read { Some, Nothing, Gone };
    // Reads what has arrived (at most kReadBudget) into the frame reader; a closing connection's input is dropped.
    Read receive() {
        char buffer[16 * 1024];
        std::size_t total = 0;
        while (total < kReadBudget) {
            ssize_t n = 0;
            bool closing = false;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (state_ == State::Finished) return Read::Gone;
                n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
                closing = state_ == State::Closing;
            }
            if (n == 0) return Read::Gone;
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                return Read::Gone;
            }
            if (!closing) reader.append(buffer, static_cast<std::size_t>(n));
            total += static_cast<std::size_t>(n);
        }
        return total > 0 ? Read::Some : Read::Nothing;
    }

    void flush() {
        std::lock_guard<std::mutex> lock(mutex_);
        flushLocked();
    }

    // Enforces the send timeout; true when the connection is done with and should be removed.
    bool expired(Clock::time_point now) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (broken_) return true;
        if (peerClosed_ && queue_.empty()) return true;  // RFC 6455 7.1.1: the server closes the TCP connection
        const bool stuck = !queue_.empty() && now - lastProgress_ > limits_.sendTimeout;
        if (state_ == State::Open && stuck) {
            beginCloseLocked(kPolicyViolation, "too slow: queued messages could not be sent for " +
                                                   seconds(limits_.sendTimeout));
            return false;
        }
        // Closing: the close frame gets as long as any other frame to go out, the peer as long to hang up.
        return state_ == State::Closing && (stuck || (queue_.empty() && now - closingSince_ > limits_.sendTimeout));
    }

    bool open() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return state_ == State::Open;
    }

    // Unregisters and closes the socket. Under the lock, so no other thread touches the descriptor afterwards
    // (the number could already belong to a new connection). Hands the handler back to the caller, once, for its
    // onClose: a handler that keeps its connections (web chat does) would otherwise hold this connection, and it
    // the handler, for ever.
    std::shared_ptr<WebSocketHandler> finish() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (state_ == State::Finished) return nullptr;
        state_ = State::Finished;
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd_, nullptr);
        try {
            socket_.close();
        } catch (const Poco::Exception&) {
            // Closing a socket the peer reset fails harmlessly.
        }
        queue_.clear();
        return std::move(handler_);
    }

    WebSocketFrameReader reader;
    std::optional<Clock::time_point> frameStarted;  // of the incomplete frame in `reader`

private:
    enum class State { Open, Closing, Finished };

    bool enqueueLocked(std::string frame) {
        if (state_ != State::Open) return false;
        if (queued_ + frame.size() > limits_.sendQueueBytes) {
            beginCloseLocked(kPolicyViolation, "too slow: more than " + std::to_string(limits_.sendQueueBytes) +
                                                   " bytes queued for this connection");
            return false;
        }
        pushLocked(std::move(frame));
        return true;
    }

    void pushLocked(std::string frame) {
        if (queue_.empty()) lastProgress_ = Clock::now();
        queued_ += frame.size();
        queue_.push_back(std::move(frame));
        flushLocked();
    }

    void beginCloseLocked(std::uint16_t code, const std::string& reason) {
        if (state_ != State::Open) return;
        state_ = State::Closing;
        closingSince_ = Clock::now();
        // Frames not begun are dropped; one half sent must be completed or the close frame would not parse.
        while (queue_.size() > (written_ > 0 ? 1U : 0U)) {
            queued_ -= queue_.back().size();
            queue_.pop_back();
        }
        if (!queue_.empty()) queued_ = queue_.front().size() - written_;
        lastProgress_ = closingSince_;
        pushLocked(WebSocketFrame::encode(WebSocketFrame::Close, WebSocketFrame::closePayload(code, reason)));
    }

    void flushLocked() {
        if (state_ == State::Finished) return;
        while (!queue_.empty()) {
            const std::string& front = queue_.front();
            const ssize_t n = ::send(fd_, front.data() + written_, front.size() - written_, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) broken_ = true;
                break;
            }
            written_ += static_cast<std::size_t>(n);
            queued_ -= static_cast<std::size_t>(n);
            lastProgress_ = Clock::now();
            if (written_ == front.size()) {
                queue_.pop_front();
                written_ = 0;
            }
        }
        if (queue_.empty() && state_ == State::Closing && !finSent_) {
            // After our close frame: FIN, then the peer's EOF (or the timeout) lets the socket go. Closing at once
            // with its bytes still unread here would send a reset, which may destroy the close frame in flight.
            ::shutdown(fd_, SHUT_WR);
            finSent_ = true;
        }
        const bool wantWrite = !queue_.empty() && !broken_;
        if (wantWrite != wantWrite_) {
            wantWrite_ = wantWrite;
            epoll_event event = interestLocked();
            ::epoll_ctl(epoll_, EPOLL_CTL_MOD, fd_, &event);  // fails harmlessly before watch()
        }
    }

    epoll_event interestLocked() const {
        epoll_event event{};
        event.events = EPOLLIN;
        if (wantWrite_) event.events |= EPOLLOUT;
        event.data.u64 = id_;
        return event;
    }

    const std::uint64_t id_;
    Poco::Net::WebSocket socket_;
    const int fd_;
    std::shared_ptr<WebSocketHandler> handler_;
    const int epoll_;
    const Limits limits_;

    mutable std::mutex mutex_;
    State state_ = State::Open;
    std::deque<std::string> queue_;  // encoded frames
    std::size_t queued_ = 0;         // bytes of queue_ not sent yet
    std::size_t written_ = 0;        // bytes of the front frame already sent
    Clock::time_point lastProgress_;
    Clock::time_point closingSince_;
    bool wantWrite_ = false;
    bool finSent_ = false;
    bool broken_ = false;
    bool peerClosed_ = false;
};

WebSocketHub::WebSocketHub(int maxFrameBytes) : WebSocketHub(maxFrameBytes, Limits{}) {}

WebSocketHub::WebSocketHub(int maxFrameBytes, Limits limits)
    : maxFrameBytes_(maxFrameBytes), limits_(limits), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epoll_ < 0) throw std::runtime_error(std::string("WebSocket hub: epoll_create1: ") + std::strerror(errno));
}

WebSocketHub::~WebSocketHub() {
    stop();
    ::close(epoll_);
}

void WebSocketHub::start() {
    running_ = true;
    thread_ = std::thread([this] { loop(); });
}

void WebSocketHub::stop() {
    if (!running_.exchange(false)) return;
    if (thread_.joinable()) thread_.join();
    std::map<std::uint64_t, std::shared_ptr<Connection>> all;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        all.swap(connections_);
    }
    for (auto& [id, connection] : all) {
        connection->close(kGoingAway, "omnigate is shutting down");
        closed(connection, connection->finish());
    }
}

std::size_t WebSocketHub::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return connections_.size();
}

void WebSocketHub::add(Poco::Net::WebSocket socket, std::shared_ptr<WebSocketHandler> handler,
                       const HttpRequest& request) {
    // Bytes a client sent before our 101 (which RFC 6455 4.1 forbids) stay in POCO's handshake buffer, unread:
    // such a client's first frame then fails to parse and it is closed with 1002.
    auto connection =
        std::make_shared<Connection>(nextId_++, std::move(socket), handler, epoll_, limits_, maxFrameBytes_);
    bool full = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        full = connections_.size() >= limits_.maxSockets;
        if (!full) connections_[connection->id()] = connection;
    }
    if (full) {
        logger().warning("refused a WebSocket: http.max_websockets (%s) are open", std::to_string(limits_.maxSockets));
        connection->close(kTryAgainLater, "the server has too many open connections; try again later");
        connection->finish();
        return;
    }
    try {
        handler->onOpen(request, connection);  // our own reference: the hub's thread may finish the connection meanwhile
    } catch (const std::exception& e) {
        logger().error("WebSocket onOpen failed: %s", std::string(e.what()));
        connection->close(kInternalError, "internal error");
    } catch (...) {
        logger().error("WebSocket onOpen failed with a non-standard exception");
        connection->close(kInternalError, "internal error");
    }
    connection->watch();
}

void WebSocketHub::loop() {
    std::vector<epoll_event> events(256);
    auto lastSweep = Clock::now();
    while (running_) {
        const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), kTickMillis);
        if (n < 0 && errno != EINTR) logger().error("WebSocket epoll_wait: %s", std::string(std::strerror(errno)));
        for (int i = 0; i < n; ++i) {
            std::shared_ptr<Connection> connection;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                const auto it = connections_.find(events[i].data.u64);
                if (it != connections_.end()) connection = it->second;
            }
            if (connection) serve(connection, events[i].events);
        }
        const auto now = Clock::now();
        if (now - lastSweep >= std::chrono::milliseconds(kTickMillis)) {
            lastSweep = now;
            sweep();
        }
    }
}

void WebSocketHub::serve(const std::shared_ptr<Connection>& connection, std::uint32_t events) {
    if ((events & EPOLLOUT) != 0) connection->flush();
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) == 0) return;
    const Connection::Read read = connection->receive();
    if (read == Connection::Read::Some) dispatch(connection);
    if (read == Connection::Read::Gone) remove(connection);  // the peer hung up (or reset)
}

void WebSocketHub::dispatch(const std::shared_ptr<Connection>& connection) {
    WebSocketFrame frame;
    bool completed = false;
    while (connection->open()) {
        const WebSocketFrameReader::Result result = connection->reader.next(frame);
        if (result == WebSocketFrameReader::Result::NeedMore) break;
        if (result == WebSocketFrameReader::Result::TooBig) {
            connection->close(kTooBig, "frame larger than " + std::to_string(maxFrameBytes_) + " bytes");
            return;
        }
        if (result == WebSocketFrameReader::Result::ProtocolError) {
            connection->close(kProtocolError, "protocol error");
            return;
        }
        completed = true;
        switch (frame.opcode) {
            case WebSocketFrame::Close:
                connection->answerClose();
                if (connection->expired(Clock::now())) remove(connection);
                return;
            case WebSocketFrame::Ping:
                connection->queueControl(WebSocketFrame::Pong, frame.payload);
                break;
            case WebSocketFrame::Pong:
                break;
            case WebSocketFrame::Text:
                if (frame.fin) {
                    try {
                        connection->handler().onText(connection, frame.payload);
                    } catch (const std::exception& e) {
                        logger().error("WebSocket onText failed: %s", std::string(e.what()));
                    } catch (...) {
                        logger().error("WebSocket onText failed with a non-standard exception");
                    }
                    break;
                }
                [[fallthrough]];
            default:
                // Chat messages are small text frames; anything else is a client we do not understand.
                connection->close(kUnsupported, "only unfragmented text frames are accepted");
                return;
        }
    }
    if (!connection->reader.partial()) {
        connection->frameStarted.reset();
    } else if (completed || !connection->frameStarted) {
        connection->frameStarted = Clock::now();
    }
}

void WebSocketHub::sweep() {
    std::vector<std::shared_ptr<Connection>> all;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        all.reserve(connections_.size());
        for (const auto& [id, connection] : connections_) all.push_back(connection);
    }
    const auto now = Clock::now();
    for (const auto& connection : all) {
        if (connection->frameStarted && now - *connection->frameStarted > limits_.frameTimeout) {
            connection->frameStarted.reset();
            connection->close(kPolicyViolation,
                              "a frame took longer than " + seconds(limits_.frameTimeout) + " to arrive");
        }
        if (connection->expired(now)) remove(connection);
    }
}

void WebSocketHub::remove(const std::shared_ptr<Connection>& connection) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (connections_.erase(connection->id()) == 0) return;
    }
    closed(connection, connection->finish());
}

void WebSocketHub::closed(const std::shared_ptr<Connection>& connection,
                          const std::shared_ptr<WebSocketHandler>& handler) {
    if (!handler) return;
    try {
        handler->onClose(connection);
    } catch (const std::exception& e) {
        logger().error("WebSocket onClose failed: %s", std::string(e.what()));
    } catch (...) {
        logger().error("WebSocket onClose failed with a non-standard exception");
    }
}

}  // namespace omnigate
