// The route table: method + path to a handler, with who may call it. Patterns are literal segments and {name}
// captures; routes are registered while the daemon starts (plugins' load()) and only read afterwards. Each route
// declares its Access and the server enforces it before the handler runs (http/route_guard.h).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "http/access.h"
#include "model/actor.h"
#include "omnigate/sdk/http.h"
#include "omnigate/sdk/websocket.h"

namespace omnigate {

// A route's handler runs only once its Access admitted the request, and is told as whom.
using RouteHandler = std::function<HttpResponse(const HttpRequest& request, const Actor& actor)>;

class Router {
public:
    // Throws std::invalid_argument when the same method and pattern is registered twice.
    void add(const std::string& method, const std::string& pattern, Access access, RouteHandler handler);
    void addWebSocket(const std::string& pattern, Access access, std::shared_ptr<WebSocketHandler> handler);

    struct Match {
        RouteHandler handler;                        // empty: no route
        Access access = Access::plugin();
        bool pathKnown = false;                      // the path exists for another method (405, not 404)
        std::map<std::string, std::string> params;
    };
    Match match(const std::string& method, const std::string& path) const;

    struct WebSocketMatch {
        std::shared_ptr<WebSocketHandler> handler;  // null: no route
        Access access = Access::plugin();
        std::map<std::string, std::string> params;
    };
    WebSocketMatch matchWebSocket(const std::string& path) const;

    // "GET /healthz (open)", "POST /api/v1/queues (catalogs:write)", "WEBSOCKET /api/v1/webchat/{account}/ws (plugin)"…,
    // in registration order.
    std::vector<std::string> describe() const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Access access;
        RouteHandler handler;
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
