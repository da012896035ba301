#include "http/router.h"

#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace omnigate {

namespace {

bool isParameter(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// /a/{x} and /a/{y} match the same requests, so they are the same route whatever the names.
bool sameShape(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (isParameter(a[i]) != isParameter(b[i]) || (!isParameter(a[i]) && a[i] != b[i])) return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> Router::split(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::size_t end = slash == std::string::npos ? path.size() : slash;
        if (end > start) segments.push_back(path.substr(start, end - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return segments;
}

bool Router::matches(const Route& route, const std::vector<std::string>& segments,
                     std::map<std::string, std::string>& params) {
    if (route.segments.size() != segments.size()) return false;
    std::map<std::string, std::string> captured;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string& pattern = route.segments[i];
        if (isParameter(pattern)) {
            captured[pattern.substr(1, pattern.size() - 2)] = segments[i];
        } else if (pattern != segments[i]) {
            return false;
        }
    }
    params = std::move(captured);
    return true;
}


void Router::insert(Route route, const std::string& pattern) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    for (const Route& r : routes_) {
        if (r.method == route.method && sameShape(r.segments, route.segments)) {
            throw std::invalid_argument("the route " + route.method + " " + pattern + " is registered twice");
        }
    }
    routes_.push_back(std::move(route));
}

void Router::add(const std::string& method, const std::string& pattern, Access access, RouteHandler handler) {
    insert({method, split(pattern), access, std::move(handler), nullptr}, pattern);
}

void Router::addWebSocket(const std::string& pattern, Access access, std::shared_ptr<WebSocketHandler> handler) {
    insert({"WEBSOCKET", split(pattern), access, nullptr, std::move(handler)}, pattern);
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    const auto segments = split(path);
    Match result;
    std::size_t fewestParameters = SIZE_MAX;
    for (const Route& r : routes_) {
        std::map<std::string, std::string> params;
        if (!r.handler || !matches(r, segments, params)) continue;
        if (r.method != method) {
            result.pathKnown = true;
            continue;
        }
        // The most literal route wins: /interactions/search before /interactions/{id}, whatever the order.
        if (params.size() < fewestParameters) {
            fewestParameters = params.size();
            result.handler = r.handler;
            result.access = r.access;
            result.params = std::move(params);
        }
    }
    return result;
}

Router::WebSocketMatch Router::matchWebSocket(const std::string& path) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    const auto segments = split(path);
    for (const Route& r : routes_) {
        std::map<std::string, std::string> params;
        if (r.webSocket && matches(r, segments, params)) return {r.webSocket, r.access, std::move(params)};
    }
    return {};
}

std::vector<std::string> Router::describe() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const Route& r : routes_) {
        std::string path;
        for (const std::string& segment : r.segments) path += "/" + segment;
        out.push_back(r.method + " " + (path.empty() ? "/" : path) + " (" + r.access.describe() + ")");
    }
    return out;
}

}  // namespace omnigate
