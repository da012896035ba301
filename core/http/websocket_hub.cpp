#include "http/websocket_hub.h"

#include <Poco/Buffer.h>
#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>

#include <chrono>

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.websocket"); }

// A peer that starts a frame and stalls holds the poller for at most this long.
const Poco::Timespan kFrameReadTimeout(2, 0);

}  // namespace

class WebSocketHub::Connection : public WebSocketConnection {
public:
    Connection(std::uint64_t id, Poco::Net::WebSocket socket, std::shared_ptr<WebSocketHandler> handler)
        : id_(id), socket_(std::move(socket)), handler_(std::move(handler)) {}

    std::uint64_t id() const override { return id_; }

    bool sendText(const std::string& text) override { return send(text.data(), text.size(), Poco::Net::WebSocket::FRAME_TEXT); }

    bool send(const void* data, std::size_t size, int flags) {
        std::lock_guard<std::mutex> lock(sendMutex_);
        if (closed_) return false;
        try {
            socket_.sendFrame(data, static_cast<int>(size), flags);
            return true;
        } catch (const Poco::Exception&) {
            closed_ = true;
            return false;
        }
    }

    void close(std::uint16_t code, const std::string& reason) override {
        std::lock_guard<std::mutex> lock(sendMutex_);
        if (closed_) return;
        closed_ = true;
        try {
            socket_.shutdown(code, reason);
        } catch (const Poco::Exception&) {
            // The peer may already be gone; the socket is dropped either way.
        }
    }

    bool closed() const {
        std::lock_guard<std::mutex> lock(sendMutex_);
        return closed_;
    }

    Poco::Net::WebSocket& socket() { return socket_; }
    WebSocketHandler& handler() { return *handler_; }

private:
    const std::uint64_t id_;
    Poco::Net::WebSocket socket_;
    std::shared_ptr<WebSocketHandler> handler_;
    mutable std::mutex sendMutex_;
    bool closed_ = false;
};

WebSocketHub::WebSocketHub(int maxFrameBytes) : maxFrameBytes_(maxFrameBytes) {}

WebSocketHub::~WebSocketHub() { stop(); }

void WebSocketHub::start() {
    running_ = true;
    thread_ = std::thread([this] { loop(); });
}

void WebSocketHub::stop() {
    if (!running_.exchange(false)) return;
    added_.notify_one();
    if (thread_.joinable()) thread_.join();
    std::map<Poco::Net::Socket, std::shared_ptr<Connection>> all;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        all.swap(connections_);
    }
    for (auto& [socket, connection] : all) {
        connection->close(Poco::Net::WebSocket::WS_ENDPOINT_GOING_AWAY, "omnigate is shutting down");
        pollSet_.remove(socket);
    }
}

std::size_t WebSocketHub::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return connections_.size();
}

void WebSocketHub::add(Poco::Net::WebSocket socket, std::shared_ptr<WebSocketHandler> handler,
                       const HttpRequest& request) {
    socket.setMaxPayloadSize(maxFrameBytes_);
    socket.setReceiveTimeout(kFrameReadTimeout);
    auto connection = std::make_shared<Connection>(nextId_++, socket, std::move(handler));
    try {
        connection->handler().onOpen(request, connection);
    } catch (const std::exception& e) {
        logger().error("WebSocket onOpen failed: %s", std::string(e.what()));
        connection->close(Poco::Net::WebSocket::WS_UNEXPECTED_CONDITION, "internal error");
        return;
    } catch (...) {
        logger().error("WebSocket onOpen failed with a non-standard exception");
        connection->close(Poco::Net::WebSocket::WS_UNEXPECTED_CONDITION, "internal error");
        return;
    }
    pollSet_.add(socket, Poco::Net::PollSet::POLL_READ | Poco::Net::PollSet::POLL_ERROR);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        connections_[socket] = connection;
    }
    added_.notify_one();
}

void WebSocketHub::remove(const std::shared_ptr<Connection>& connection) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (connections_.erase(connection->socket()) == 0) return;
    }
    pollSet_.remove(connection->socket());
    try {
        connection->handler().onClose(connection);
    } catch (const std::exception& e) {
        logger().error("WebSocket onClose failed: %s", std::string(e.what()));
    } catch (...) {
        logger().error("WebSocket onClose failed with a non-standard exception");
    }
}

void WebSocketHub::loop() {
    while (running_) {
        {
            // POCO's PollSet returns at once when it holds no socket: without this wait an idle hub spins a core.
            std::unique_lock<std::mutex> lock(mutex_);
            if (connections_.empty()) {
                added_.wait_for(lock, std::chrono::milliseconds(200));
                continue;
            }
        }
        Poco::Net::PollSet::SocketModeMap ready;
        try {
            ready = pollSet_.poll(Poco::Timespan(0, 200 * 1000));
        } catch (const Poco::Exception& e) {
            logger().error("WebSocket poll: %s", e.displayText());
        }
        for (const auto& [socket, mode] : ready) {
            std::shared_ptr<Connection> connection;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                const auto it = connections_.find(socket);
                if (it != connections_.end()) connection = it->second;
            }
            if (connection) readFrom(connection);
        }
        // Connections the plugin closed, or whose send failed.
        std::vector<std::shared_ptr<Connection>> closed;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (const auto& [socket, connection] : connections_) {
                if (connection->closed()) closed.push_back(connection);
            }
        }
        for (const auto& connection : closed) remove(connection);
    }
}

void WebSocketHub::readFrom(const std::shared_ptr<Connection>& connection) {
    using WS = Poco::Net::WebSocket;
    Poco::Buffer<char> buffer(0);
    int flags = 0;
    int length = 0;
    try {
        length = connection->socket().receiveFrame(buffer, flags);
    } catch (const Poco::Net::WebSocketException& e) {
        const bool tooBig = e.code() == WS::WS_ERR_PAYLOAD_TOO_BIG;
        connection->close(tooBig ? WS::WS_PAYLOAD_TOO_BIG : WS::WS_PROTOCOL_ERROR,
                          tooBig ? "frame larger than " + std::to_string(maxFrameBytes_) + " bytes" : "protocol error");
        remove(connection);
        return;
    } catch (const Poco::Exception&) {
        connection->close(WS::WS_PROTOCOL_ERROR, "protocol error");
        remove(connection);
        return;
    }
    const int opcode = flags & WS::FRAME_OP_BITMASK;
    if (length == 0 && flags == 0) {  // the peer closed the TCP connection
        connection->close(WS::WS_NORMAL_CLOSE, "");
        remove(connection);
        return;
    }
    const int reserved = WS::FRAME_FLAG_RSV1 | WS::FRAME_FLAG_RSV2 | WS::FRAME_FLAG_RSV3;
    const bool knownOpcode = opcode <= WS::FRAME_OP_BINARY || (opcode >= WS::FRAME_OP_CLOSE && opcode <= WS::FRAME_OP_PONG);
    if ((flags & reserved) != 0 || !knownOpcode) {  // RFC 6455 5.2: fail the connection
        connection->close(WS::WS_PROTOCOL_ERROR, "protocol error");
        remove(connection);
        return;
    }
    switch (opcode) {
        case WS::FRAME_OP_CLOSE:
            connection->close(WS::WS_NORMAL_CLOSE, "");
            remove(connection);
            return;
        case WS::FRAME_OP_PING:
            connection->send(buffer.begin(), buffer.size(), WS::FRAME_FLAG_FIN | WS::FRAME_OP_PONG);
            return;
        case WS::FRAME_OP_PONG:
            return;
        case WS::FRAME_OP_TEXT:
            if ((flags & WS::FRAME_FLAG_FIN) != 0) {
                try {
                    connection->handler().onText(connection, std::string(buffer.begin(), buffer.size()));
                } catch (const std::exception& e) {
                    logger().error("WebSocket onText failed: %s", std::string(e.what()));
                } catch (...) {
                    logger().error("WebSocket onText failed with a non-standard exception");
                }
                return;
            }
            [[fallthrough]];
        default:
            // Chat messages are small text frames; anything else is a client we do not understand.
            connection->close(WS::WS_PAYLOAD_NOT_ACCEPTABLE, "only unfragmented text frames are accepted");
            remove(connection);
    }
}

}  // namespace omnigate
