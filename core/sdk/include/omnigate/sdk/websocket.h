// WebSockets as plugins see them. The core does the upgrade, the framing, the size limits and the reading (one
// poller thread for all sockets, so an idle visitor costs no thread); the plugin only sees text messages.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "omnigate/sdk/http.h"

namespace omnigate {

class WebSocketConnection {
public:
    virtual ~WebSocketConnection() = default;
    virtual std::uint64_t id() const = 0;
    // False when the peer is gone; the connection is then closed by the core.
    virtual bool sendText(const std::string& text) = 0;
    virtual void close(std::uint16_t code, const std::string& reason) = 0;
};

class WebSocketHandler {
public:
    virtual ~WebSocketHandler() = default;
    // Called before the upgrade: throw ApiError to refuse (the client gets that status and JSON error).
    virtual void authorize(const HttpRequest& request) = 0;
    virtual void onOpen(const HttpRequest& request, const std::shared_ptr<WebSocketConnection>& connection) = 0;
    virtual void onText(const std::shared_ptr<WebSocketConnection>& connection, const std::string& text) = 0;
    // Once for every connection that was opened, whoever closed it: the peer, the limits or the core shutting down.
    // The core keeps the handler alive only while it has connections, so a handler may keep them until then.
    virtual void onClose(const std::shared_ptr<WebSocketConnection>& connection) = 0;
};

}  // namespace omnigate
