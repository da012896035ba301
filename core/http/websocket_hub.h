// Owns every upgraded WebSocket and serves them all from one thread, so an idle chat visitor costs a socket, not
// one of the HTTP server's bounded threads. That thread never waits on a peer: it reads what has arrived and writes
// what the socket takes (epoll, non-blocking), and every send goes through the socket's own queue. So a visitor
// who stops reading, or trickles a frame in byte by byte, holds up nobody else: a queue over its cap or stuck past
// the send timeout, or a frame not complete by the frame timeout, closes that socket with 1008. Frames over the
// size limit, binary or fragmented frames and protocol garbage close that one connection with the matching code.
#pragma once

#include <Poco/Net/WebSocket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "omnigate/sdk/websocket.h"

namespace omnigate {

class WebSocketHub {
public:
    struct Limits {
        std::size_t maxSockets = 4096;              // beyond: closed at once with 1013 (try again later)
        std::size_t sendQueueBytes = 1024 * 1024;   // unsent bytes one socket may hold; beyond: 1008
        std::chrono::milliseconds sendTimeout{10000};   // queued bytes that cannot be sent for this long: 1008
        std::chrono::milliseconds frameTimeout{10000};  // from a frame's first byte to its last; beyond: 1008
    };

    explicit WebSocketHub(int maxFrameBytes);  // with the default limits
    WebSocketHub(int maxFrameBytes, Limits limits);
    ~WebSocketHub();

    void start();
    void stop();  // closes every connection (1001 going away); each handler's onClose is called for it

    void add(Poco::Net::WebSocket socket, std::shared_ptr<WebSocketHandler> handler, const HttpRequest& request);
    std::size_t size() const;

private:
    class Connection;
    void loop();
    void serve(const std::shared_ptr<Connection>& connection, std::uint32_t events);
    void dispatch(const std::shared_ptr<Connection>& connection);
    void sweep();
    void remove(const std::shared_ptr<Connection>& connection);
    void closed(const std::shared_ptr<Connection>& connection, const std::shared_ptr<WebSocketHandler>& handler);

    const int maxFrameBytes_;
    const Limits limits_;
    const int epoll_;
    mutable std::mutex mutex_;
    std::map<std::uint64_t, std::shared_ptr<Connection>> connections_;
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> nextId_{1};
    std::thread thread_;
};

}  // namespace omnigate
