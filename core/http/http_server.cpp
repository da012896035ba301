#include "http/http_server.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <chrono>
#include <sstream>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.http"); }

constexpr std::int64_t kMaxDrainBytes = 8 * 1024 * 1024;

void sendResponse(Poco::Net::HTTPServerResponse& out, const HttpResponse& response) {
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    out.setContentType(response.contentType);
    for (const auto& [name, value] : response.headers) out.set(name, value);
    if (response.status == 503 && !out.has("Retry-After")) out.set("Retry-After", "1");
    out.setContentLength(static_cast<std::streamsize>(response.body.size()));
    out.send().write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
}

class RequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    RequestHandler(const HttpConfig& config, Router& router, Metrics& metrics, WebSocketHub& hub)
        : config_(config), router_(router), metrics_(metrics), hub_(hub) {}

    void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
        const auto started = std::chrono::steady_clock::now();
        HttpResponse response;
        bool upgraded = false;
        try {
            HttpRequest request = describe(in);
            allowOrigin(in, out);
            if (request.method == "OPTIONS" && in.has("Access-Control-Request-Method")) {
                response = preflight(in, out, request);
            } else if (Poco::icompare(in.get("Upgrade", ""), "websocket") == 0) {
                upgraded = upgrade(in, out, request);
                if (upgraded) return;
            } else {
                response = dispatch(in, out, request);
            }
        } catch (const ApiError& e) {
            response = HttpResponse::json(e.status(), errorBody(e.code(), e.what()));
            if (e.status() == 400 && !bodyRead_) out.setKeepAlive(false);
        } catch (const std::exception& e) {
            logger().error("%s %s failed: %s", in.getMethod(), in.getURI(), std::string(e.what()));
            response = HttpResponse::json(500, errorBody("internal", "the request failed inside omnigate; see its log"));
        }
        if (response.status >= 400) metrics_.countHttpError(response.status);
        try {
            sendResponse(out, response);
        } catch (const Poco::Exception& e) {
            logger().debug("answering %s %s: %s", in.getMethod(), in.getURI(), e.displayText());
        }
        metrics_.observeRequest(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }

private:
    HttpRequest describe(Poco::Net::HTTPServerRequest& in) {
        HttpRequest request;
        request.method = in.getMethod();
        try {
            const Poco::URI uri(in.getURI());
            request.path = uri.getPath();
            request.query = uri.getQueryParameters();
        } catch (const Poco::SyntaxException& e) {
            throw ApiError::badRequest("malformed request URI: " + e.displayText());
        }
        for (const auto& [name, value] : in) request.headers[Poco::toLower(name)] = value;
        request.remoteAddress = in.clientAddress().toString();
        return request;
    }

    // CORS: a chat widget runs on the customer's site, another origin than the API's.
    bool originAllowed(const std::string& origin) const {
        for (const std::string& allowed : config_.corsOrigins) {
            if (allowed == "*" || allowed == origin) return true;
        }
        return false;
    }

    void allowOrigin(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
        const std::string origin = in.get("Origin", "");
        if (origin.empty() || !originAllowed(origin)) return;
        out.set("Access-Control-Allow-Origin", origin);
        out.set("Vary", "Origin");
        out.set("Access-Control-Expose-Headers", "Retry-After");
    }

    HttpResponse preflight(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
                           const HttpRequest& request) {
        const std::string origin = in.get("Origin", "");
        if (!originAllowed(origin)) {
            throw ApiError(403, "origin_not_allowed", "the origin '" + origin + "' may not call this API; add it to http.cors_origins");
        }
        const std::string method = in.get("Access-Control-Request-Method");
        if (!router_.match(method, request.path).handler) {
            throw ApiError::notFound("no such endpoint: " + method + " " + request.path);
        }
        out.set("Access-Control-Allow-Methods", method);
        out.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
        out.set("Access-Control-Max-Age", "600");
        HttpResponse response;
        response.status = 204;
        return response;
    }

    HttpResponse dispatch(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
                          HttpRequest& request) {
        // The body is read before routing so that every answer, errors included, leaves the connection clean
        // for the next keep-alive request.
        readBody(in, out, request);
        Router::Match match = router_.match(request.method, request.path);
        if (!match.handler) {
            if (match.pathKnown) throw ApiError(405, "method_not_allowed", request.method + " is not allowed on " + request.path);
            throw ApiError::notFound("no such endpoint: " + request.method + " " + request.path);
        }
        request.pathParams = std::move(match.params);
        return match.handler(request);
    }

    void readBody(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, HttpRequest& request) {
        const auto limit = config_.maxBodyBytes;
        std::istream& stream = in.stream();
        const auto tooLarge = [&] {
            // A client still sending would see a reset instead of our answer, so a moderate excess is read and
            // discarded first; beyond that the connection is simply closed after the answer.
            char discard[16384];
            std::int64_t drained = 0;
            while (stream && drained < kMaxDrainBytes) {
                stream.read(discard, sizeof discard);
                drained += stream.gcount();
            }
            out.setKeepAlive(false);
            return ApiError(413, "body_too_large", "the request body exceeds the limit of " + std::to_string(limit) + " bytes");
        };
        if (in.hasContentLength() && in.getContentLength64() > limit) throw tooLarge();
        std::string body;
        char chunk[16384];
        while (stream) {
            stream.read(chunk, sizeof chunk);
            body.append(chunk, static_cast<std::size_t>(stream.gcount()));
            if (static_cast<std::int64_t>(body.size()) > limit) throw tooLarge();
        }
        request.body = std::move(body);
        bodyRead_ = true;
    }

    bool upgrade(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, HttpRequest& request) {
        Router::WebSocketMatch match = router_.matchWebSocket(request.path);
        if (!match.handler) throw ApiError::notFound("no WebSocket endpoint at " + request.path);
        request.pathParams = std::move(match.params);
        match.handler->authorize(request);
        try {
            Poco::Net::WebSocket socket(in, out);  // answers 101 and takes the connection over
            hub_.add(socket, match.handler, request);
        } catch (const Poco::Net::WebSocketException& e) {
            throw ApiError::badRequest("WebSocket handshake failed: " + e.displayText());
        }
        return true;
    }

    const HttpConfig& config_;
    Router& router_;
    Metrics& metrics_;
    WebSocketHub& hub_;
    bool bodyRead_ = false;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    HandlerFactory(const HttpConfig& config, Router& router, Metrics& metrics, WebSocketHub& hub)
        : config_(config), router_(router), metrics_(metrics), hub_(hub) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new RequestHandler(config_, router_, metrics_, hub_);
    }

private:
    const HttpConfig& config_;
    Router& router_;
    Metrics& metrics_;
    WebSocketHub& hub_;
};

}  // namespace

std::string errorBody(const std::string& code, const std::string& message) {
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    error->set("code", code);
    error->set("message", message);
    Poco::JSON::Object root;
    root.set("error", error);
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

HttpServer::HttpServer(const HttpConfig& config, Router& router, Metrics& metrics, WebSocketHub& hub)
    : config_(config), router_(router), metrics_(metrics), hub_(hub) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(config_.host, static_cast<Poco::UInt16>(config_.port)), 256);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(config_.maxThreads);
    params->setMaxQueued(config_.maxQueued);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);  // unlimited: load generators and proxies keep connections open
    params->setKeepAliveTimeout(Poco::Timespan(15, 0));
    params->setTimeout(Poco::Timespan(30, 0));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(config_, router_, metrics_, hub_), socket, params);
    server_->start();
}

void HttpServer::stop() {
    if (server_) {
        server_->stopAll(true);
        server_.reset();
    }
}

int HttpServer::port() const { return server_ ? server_->port() : 0; }

}  // namespace omnigate
