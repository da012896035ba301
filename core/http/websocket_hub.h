// Owns every upgraded WebSocket and reads them all from one poller thread, so an idle chat visitor costs a socket,
// not one of the HTTP server's bounded threads. Frames over the size limit, binary or fragmented frames and
// protocol garbage close that one connection with the matching close code; the daemon serves on.
#pragma once

#include <Poco/Net/PollSet.h>
#include <Poco/Net/WebSocket.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "omnigate/sdk/websocket.h"

namespace omnigate {

class WebSocketHub {
public:
    explicit WebSocketHub(int maxFrameBytes);
    ~WebSocketHub();

    void start();
    void stop();  // closes every connection (1001 going away)

    void add(Poco::Net::WebSocket socket, std::shared_ptr<WebSocketHandler> handler, const HttpRequest& request);
    std::size_t size() const;

private:
    class Connection;
    void loop();
    void readFrom(const std::shared_ptr<Connection>& connection);
    void remove(const std::shared_ptr<Connection>& connection);

    const int maxFrameBytes_;
    Poco::Net::PollSet pollSet_;
    mutable std::mutex mutex_;
    std::condition_variable added_;
    std::map<Poco::Net::Socket, std::shared_ptr<Connection>> connections_;
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> nextId_{1};
    std::thread thread_;
};

}  // namespace omnigate
