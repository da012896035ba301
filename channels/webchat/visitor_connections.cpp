#include "visitor_connections.h"

namespace omnigate::webchat {

void VisitorConnections::add(const std::string& account, const std::string& visitorId,
                             const Connection& connection) {
    const std::uint64_t id = connection->id();
    std::lock_guard<std::mutex> lock(mutex_);
    VisitorKey key{account, visitorId};
    byVisitor_[key][id] = connection;
    visitorOf_[id] = std::move(key);
}

void VisitorConnections::remove(std::uint64_t connectionId) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = visitorOf_.find(connectionId);
    if (found == visitorOf_.end()) return;
    const auto visitor = byVisitor_.find(found->second);
    if (visitor != byVisitor_.end()) {
        visitor->second.erase(connectionId);
        if (visitor->second.empty()) byVisitor_.erase(visitor);
    }
    visitorOf_.erase(found);
}

std::vector<VisitorConnections::Connection> VisitorConnections::of(const std::string& account,
                                                                   const std::string& visitorId) const {
    std::vector<Connection> out;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto visitor = byVisitor_.find(VisitorKey{account, visitorId});
    if (visitor == byVisitor_.end()) return out;
    for (const auto& entry : visitor->second) out.push_back(entry.second);
    return out;
}

std::vector<VisitorConnections::Connection> VisitorConnections::takeAll() {
    std::vector<Connection> out;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& visitor : byVisitor_) {
        for (const auto& entry : visitor.second) out.push_back(entry.second);
    }
    byVisitor_.clear();
    visitorOf_.clear();
    return out;
}

std::size_t VisitorConnections::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return visitorOf_.size();
}

}  // namespace omnigate::webchat
