// Maps method + path to a handler. Patterns are literal segments and {name} captures; routes are registered
// while the daemon starts (plugins' load()) and only read afterwards.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "omnigate/sdk/http.h"
#include "omnigate/sdk/websocket.h"

namespace omnigate {

class Router {
public:
    // Throws std::invalid_argument when the same method and pattern is registered twice.
    void add(const std::string& method, const std::string& pattern, HttpHandler handler);
    void addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler);

    struct Match {
        HttpHandler handler;                         // empty: no route
        bool pathKnown = false;                      // the path exists for another method (405, not 404)
        std::map<std::string, std::string> params;
    };
    Match match(const std::string& method, const std::string& path) const;

    struct WebSocketMatch {
        std::shared_ptr<WebSocketHandler> handler;  // null: no route
        std::map<std::string, std::string> params;
    };
    WebSocketMatch matchWebSocket(const std::string& path) const;

    // "GET /healthz", "WEBSOCKET /api/v1/webchat/{account}/ws"…, in registration order.
    std::vector<std::string> describe() const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        HttpHandler handler;
        std::shared_ptr<WebSocketHandler> webSocket;
    };
    void insert(Route route, const std::string& pattern);
    static std::vector<std::string> split(const std::string& path);
    static bool matches(const Route& route, const std::vector<std::string>& segments,
                        std::map<std::string, std::string>& params);

    mutable std::shared_mutex mutex_;
    std::vector<Route> routes_;
};

}  // namespace omnigate
