// Which WebSockets are open for which visitor. The core calls onOpen/onClose from its poller thread while
// operators' messages are sent from HTTP threads, so this registry is the one piece of shared mutable state in
// the channel. It only hands out copies: nobody writes to a socket while holding its lock, so a slow peer cannot
// stall the poller, and a core that calls onClose from inside sendText() cannot deadlock on it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "omnigate/sdk/websocket.h"

namespace omnigate::webchat {

class VisitorConnections {
public:
    using Connection = std::shared_ptr<WebSocketConnection>;

    // A visitor may have the site open in several tabs: every one of them gets the operator's messages.
    void add(const std::string& account, const std::string& visitorId, const Connection& connection);
    void remove(std::uint64_t connectionId);

    std::vector<Connection> of(const std::string& account, const std::string& visitorId) const;
    std::vector<Connection> takeAll();  // forgets every connection, for shutdown
    std::size_t size() const;

private:
    using VisitorKey = std::pair<std::string, std::string>;  // (account, visitor id)

    mutable std::mutex mutex_;
    std::map<VisitorKey, std::map<std::uint64_t, Connection>> byVisitor_;
    std::map<std::uint64_t, VisitorKey> visitorOf_;
};

}  // namespace omnigate::webchat
