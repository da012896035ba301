// HTTP as plugins see it: plain value types, so a plugin never depends on the server's implementation.
// The core reads the body (enforcing the size limit), matches the route and turns ApiError into a JSON error.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace omnigate {

struct HttpRequest {
    std::string method;
    std::string path;                                     // without the query string
    std::map<std::string, std::string> pathParams;        // {account} in "/api/v1/webchat/{account}/messages"
    std::vector<std::pair<std::string, std::string>> query;
    std::map<std::string, std::string> headers;           // names lower-cased
    std::string body;
    std::string remoteAddress;                            // the peer, "ip:port"
    // The client's IP address: the peer's, or the one a trusted proxy (http.trusted_proxies) put in
    // X-Forwarded-For. What rate limits per client are keyed by.
    std::string clientIp;
    // On a guarded route (PluginHost::addGuardedRoute), the operator whose own work the caller is limited to: a
    // signed-in operator holding the route's permission only in its own form. Empty for everyone else.
    std::string actingOperator;

    // Empty when absent.
    std::string header(const std::string& lowerCaseName) const;
    std::string queryParam(const std::string& name) const;
    std::string param(const std::string& name) const;
    // The token of an "Authorization: Bearer …" header, empty when there is none.
    std::string bearerToken() const;
};

struct HttpResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // A body too long to hold in memory (an export of a million rows): when set, the server sends the head with
    // chunked transfer encoding and this writes the body straight to the connection; `body` is then unused. It
    // runs after the handler returned, so it must own or outlive everything it reads. Throwing from it cuts the
    // transfer short, which the client sees as an incomplete body rather than a complete wrong one.
    std::function<void(std::ostream&)> stream;

    static HttpResponse json(int status, std::string body) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace omnigate
