#include "http/http_server.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <chrono>
#include <optional>
#include <sstream>

#include "http/connection_gate.h"
#include "http/token_bucket.h"
#include "http/trusted_proxies.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/unique_id.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.http"); }

constexpr std::int64_t kMaxDrainBytes = 8 * 1024 * 1024;
// How long a worker waits for a kept-alive connection's next request before handing it to the gate: the time a
// client on the same network takes to send it, and a round trip through the gate saved.
const Poco::Timespan kLinger(0, 1000);

// What every request's handler shares.
struct Shared {
    const HttpConfig& config;
    Router& router;
    RouteGuard& guard;
    Metrics& metrics;
    WebSocketHub& hub;
    TokenBucket failedAuth;  // per client IP: a token spent by every 401 to a request that carried credentials
    TrustedProxies proxies;
    std::unique_ptr<ConnectionGate> gate;
};

// A token of any kind (admin, API, bot, visitor) came with the request: its 401 is a guess that failed.
bool carriesCredentials(const HttpRequest& request) {
    return !request.header("authorization").empty() || !request.queryParam("token").empty();
}

void sendResponse(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, const HttpResponse& response) {
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    out.setContentType(response.contentType);
    for (const auto& [name, value] : response.headers) out.set(name, value);
    if (response.status == 503 && !out.has("Retry-After")) out.set("Retry-After", "1");
    if (response.stream) {
        out.setChunkedTransferEncoding(true);
        std::ostream& body = out.send();
        try {
            response.stream(body);
        } catch (...) {
            // The head is gone: cut the connection before the last chunk, so the client sees a body that broke
            // off rather than a complete wrong one.
            static_cast<Poco::Net::HTTPServerRequestImpl&>(in).socket().shutdown();
            throw;
        }
        return;
    }
    out.setContentLength(static_cast<std::streamsize>(response.body.size()));
    // A body larger than POCO's output buffer leaves in two writes; with Nagle's algorithm the second waited for
    // the client's delayed acknowledgement, 40 ms on Linux (measured by bench/templates on a page of templates).
    static_cast<Poco::Net::HTTPServerRequestImpl&>(in).socket().setNoDelay(true);
    out.send().write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
}

class RequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit RequestHandler(Shared& shared)
        : shared_(shared),
          config_(shared.config),
          router_(shared.router),
          guard_(shared.guard),
          metrics_(shared.metrics),
          hub_(shared.hub) {}

    void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
        const auto started = std::chrono::steady_clock::now();
        // Named in the answer and in the log line about it, so a client's report finds what the log knows.
        const std::string requestId = randomUuid();
        out.set("X-Request-Id", requestId);
        HttpResponse response;
        bool upgraded = false;
        bool guess = false;  // a 401 to this request costs its client a token of shared_.failedAuth
        std::string clientIp;
        try {
            HttpRequest request = describe(in);
            clientIp = request.clientIp;
            guess = carriesCredentials(request);
            allowOrigin(in, out);
            // Checked before the token: once the allowance is spent even the right token waits, or guessing on
            // would still tell a hit from a miss.
            const std::chrono::seconds wait = guess ? shared_.failedAuth.wait(clientIp) : std::chrono::seconds(0);
            if (wait.count() > 0) {
                out.setKeepAlive(false);  // the body is left unread
                throw ApiError::rateLimited("too many failed authentications from " + clientIp +
                                                "; try again in " + std::to_string(wait.count()) + " s",
                                            wait);
            }
            if (request.method == "OPTIONS" && in.has("Access-Control-Request-Method")) {
                response = preflight(in, out, request);
            } else if (Poco::icompare(in.get("Upgrade", ""), "websocket") == 0) {
                upgraded = upgrade(in, out, request);
                if (upgraded) return;
            } else {
                response = dispatch(in, out, request);
            }
        } catch (const ApiError& e) {
            response = HttpResponse::json(e.status(), errorBody(e.code(), e.what(), requestId));
            if (e.retryAfter().count() > 0) response.headers.emplace_back("Retry-After", std::to_string(e.retryAfter().count()));
            if (e.status() == 400 && !bodyRead_) out.setKeepAlive(false);
            // What a database or a disk said stays here; a 500 is a fault to look into. Other errors are the
            // client's or a passing overload, told to the client in full, and not worth a line each.
            const auto* internal = dynamic_cast<const InternalError*>(&e);
            if (internal || e.status() == 500) {
                logger().error("request %s: %s %s answered %d %s: %s", requestId, in.getMethod(),
                               redactedUri(in.getURI()), e.status(), e.code(), withCause(e));
            }
        } catch (const std::exception& e) {
            logger().error("request %s: %s %s failed: %s", requestId, in.getMethod(), redactedUri(in.getURI()),
                           std::string(e.what()));
            response = HttpResponse::json(
                500, errorBody("internal", "the request failed inside omnigate; see its log", requestId));
        }
        if (guess && response.status == 401) shared_.failedAuth.take(clientIp);
        if (response.status >= 400) metrics_.countHttpError(response.status);
        try {
            sendResponse(in, out, response);
        } catch (const Poco::Exception& e) {
            logger().debug("answering request %s: %s %s: %s", requestId, in.getMethod(), redactedUri(in.getURI()),
                           e.displayText());
        } catch (const std::exception& e) {
            logger().error("request %s: %s %s: its streamed body broke off: %s", requestId, in.getMethod(),
                           redactedUri(in.getURI()), withCause(e));
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
        request.clientIp = shared_.proxies.clientIp(in.clientAddress().host(), request.header("x-forwarded-for"));
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
        const Actor actor = guard_.admit(request, match.access);
        const std::optional<HttpResponse> before =
            guard_.wantsBefore(request, match.access) ? stateBefore(request, actor) : std::nullopt;
        HttpResponse response = match.handler(request, actor);
        guard_.served(request, match.access, actor, response, before ? &*before : nullptr);
        return response;
    }

    // What GET answers on the path about to change, for the audit log: read in the caller's name, without the
    // guard (the change was admitted, and the record goes only to those who may read the audit log).
    std::optional<HttpResponse> stateBefore(const HttpRequest& request, const Actor& actor) {
        if (request.method == "POST" || request.method == "GET") return std::nullopt;
        Router::Match read = router_.match("GET", request.path);
        if (!read.handler) return std::nullopt;
        HttpRequest get;
        get.method = "GET";
        get.path = request.path;
        get.headers = request.headers;
        get.remoteAddress = request.remoteAddress;
        get.clientIp = request.clientIp;
        get.pathParams = std::move(read.params);
        try {
            HttpResponse answer = read.handler(get, actor);
            if (answer.status == 200) return answer;
        } catch (const std::exception&) {
            // Gone already, or unreadable: the record has the change without its before.
        }
        return std::nullopt;
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
        // A client trickling its body would hold this thread: past the deadline the gate ends the read.
        const ConnectionGate::Deadline deadline(*shared_.gate, static_cast<Poco::Net::HTTPServerRequestImpl&>(in).socket(),
                                                std::chrono::steady_clock::now() + config_.requestBodyTimeout);
        std::string body;
        char chunk[16384];
        try {
            while (stream) {
                stream.read(chunk, sizeof chunk);
                body.append(chunk, static_cast<std::size_t>(stream.gcount()));
                if (static_cast<std::int64_t>(body.size()) > limit) throw tooLarge();
            }
        } catch (const Poco::Exception&) {
            if (!deadline.expired()) throw;  // a broken chunked encoding or a reset: nobody to answer
        }
        const bool truncated = in.hasContentLength() && static_cast<std::int64_t>(body.size()) < in.getContentLength64();
        if (deadline.expired() || truncated) {
            out.setKeepAlive(false);
            throw ApiError(408, "request_timeout",
                           "the request body did not arrive within " +
                               std::to_string(config_.requestBodyTimeout.count()) + " s");
        }
        request.body = std::move(body);
        bodyRead_ = true;
    }

    bool upgrade(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, HttpRequest& request) {
        Router::WebSocketMatch match = router_.matchWebSocket(request.path);
        if (!match.handler) throw ApiError::notFound("no WebSocket endpoint at " + request.path);
        request.pathParams = std::move(match.params);
        guard_.admit(request, match.access);
        match.handler->authorize(request);
        try {
            Poco::Net::WebSocket socket(in, out);  // answers 101 and takes the connection over
            hub_.add(socket, match.handler, request);
        } catch (const Poco::Net::WebSocketException& e) {
            throw ApiError::badRequest("WebSocket handshake failed: " + e.displayText());
        }
        return true;
    }

    Shared& shared_;
    const HttpConfig& config_;
    Router& router_;
    RouteGuard& guard_;
    Metrics& metrics_;
    WebSocketHub& hub_;
    bool bodyRead_ = false;
};

// POCO's session, with the bytes it has read ahead (a pipelined request) in sight.
class Session : public Poco::Net::HTTPServerSession {
public:
    using HTTPServerSession::HTTPServerSession;
    using HTTPServerSession::buffered;
};

// What POCO's HTTPServerConnection does, except that a kept-alive connection goes back to the gate between
// requests instead of holding its worker thread while the client thinks.
class HttpConnection : public Poco::Net::TCPServerConnection {
public:
    HttpConnection(const Poco::Net::StreamSocket& socket, Shared& shared,
                   const Poco::Net::HTTPServerParams::Ptr& params)
        : TCPServerConnection(socket), shared_(shared), params_(params) {}

    void run() override {
        socket().setSendTimeout(params_->getTimeout());  // POCO sets only the receive timeout
        Session session(socket(), params_);
        if (!session.hasMoreRequests()) return;  // the gate saw a request head: this returns at once
        for (;;) {
            if (!serve(session)) return;
            if (!session.getKeepAlive() || !session.socket().impl()->initialized()) return;  // closing, or upgraded
            // A client that sends its next request as soon as it has the answer (a load balancer, a busy
            // integration) is served on at once; any other waits in the gate, not on this thread.
            if (session.buffered() == 0 && !(session.socket().poll(kLinger, Poco::Net::Socket::SELECT_READ) &&
                                             ConnectionGate::headArrived(session.socket()))) {
                shared_.gate->park(session.detachSocket());
                return;
            }
        }
    }

private:
    // One request; false when the connection is done with.
    bool serve(Session& session) {
        try {
            Poco::Net::HTTPServerResponseImpl response(session);
            std::optional<Poco::Net::HTTPServerRequestImpl> request;
            {
                // The gate saw the first head whole; a pipelined one may still be arriving.
                const ConnectionGate::Deadline deadline(*shared_.gate, session.socket(),
                                                        std::chrono::steady_clock::now() +
                                                            shared_.config.requestHeaderTimeout);
                request.emplace(response, session, params_.get());
            }
            response.setDate(Poco::Timestamp());
            response.setVersion(request->getVersion());
            response.setKeepAlive(params_->getKeepAlive() && request->getKeepAlive());
            if (request->getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) {
                response.sendContinue();
            }
            RequestHandler(shared_).handleRequest(*request, response);
            session.setKeepAlive(params_->getKeepAlive() && response.getKeepAlive());
            return true;
        } catch (const Poco::Net::NoMessageException&) {
            return false;  // the client closed the connection
        } catch (const Poco::Net::MessageException&) {
            answerMalformed(session);
            return false;
        } catch (const Poco::Exception& e) {
            logger().debug("HTTP connection ended: %s", e.displayText());  // reset, timed out…
            return false;
        }
    }

    static void answerMalformed(Session& session) {
        try {
            Poco::Net::HTTPServerResponseImpl response(session);
            response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
            response.setKeepAlive(false);
            const std::string requestId = randomUuid();
            response.set("X-Request-Id", requestId);
            const std::string body = errorBody("bad_request", "the request is not well-formed HTTP", requestId);
            response.setContentType("application/json");
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        } catch (const Poco::Exception&) {
            // The client may be gone already.
        }
    }

    Shared& shared_;
    Poco::Net::HTTPServerParams::Ptr params_;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
    ConnectionFactory(Shared& shared, Poco::Net::HTTPServerParams::Ptr params)
        : shared_(shared), params_(std::move(params)) {}

    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new HttpConnection(socket, shared_, params_);
    }

private:
    Shared& shared_;
    Poco::Net::HTTPServerParams::Ptr params_;
};

}  // namespace

struct HttpServer::Running {
    Running(const HttpConfig& config, Router& router, RouteGuard& guard, Metrics& metrics, WebSocketHub& hub)
        : shared{config,
                 router,
                 guard,
                 metrics,
                 hub,
                 TokenBucket({config.failedAuth.burst, config.failedAuth.perMinute}),
                 TrustedProxies(config.trustedProxies),
                 nullptr},
          listener(Poco::Net::SocketAddress(config.host, static_cast<Poco::UInt16>(config.port)), 256),
          params(new Poco::Net::HTTPServerParams),
          pool(2, config.maxThreads) {
        params->setMaxThreads(config.maxThreads);
        params->setMaxQueued(config.maxQueued);
        params->setKeepAlive(true);
        // A worker blocked on a client, sending or receiving, gives up after this; the gate's deadlines bound
        // the whole head and body, this each single call.
        params->setTimeout(Poco::Timespan(config.requestBodyTimeout.count(), 0));
        dispatcher = new Poco::Net::TCPServerDispatcher(new ConnectionFactory(shared, params), pool, params);
        ConnectionGate::Limits limits;
        limits.headerTimeout = config.requestHeaderTimeout;
        limits.keepAliveTimeout = config.keepAliveTimeout;
        shared.gate = std::make_unique<ConnectionGate>(listener, limits, [this](const Poco::Net::StreamSocket& socket) {
            // A full queue drops the connection, as POCO's own server does.
            dispatcher->enqueue(socket);
        });
    }

    ~Running() {
        shared.gate->stop();
        dispatcher->stop();
        pool.joinAll();
        dispatcher->release();
    }

    Shared shared;
    Poco::Net::ServerSocket listener;
    Poco::Net::HTTPServerParams::Ptr params;
    Poco::ThreadPool pool;
    Poco::Net::TCPServerDispatcher* dispatcher = nullptr;
};

std::string errorBody(const std::string& code, const std::string& message, const std::string& requestId) {
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    error->set("code", code);
    error->set("message", message);
    error->set("request_id", requestId);
    Poco::JSON::Object root;
    root.set("error", error);
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

std::string redactedUri(const std::string& uri) {
    const std::size_t query = uri.find('?');
    if (query == std::string::npos) return uri;
    try {
        Poco::URI parsed(uri);
        Poco::URI::QueryParameters parameters = parsed.getQueryParameters();
        for (auto& [name, value] : parameters) {
            const std::string lower = Poco::toLower(name);
            if (lower.find("token") != std::string::npos || lower.find("secret") != std::string::npos ||
                lower.find("password") != std::string::npos) {
                value = "REDACTED";
            }
        }
        parsed.setQueryParameters(parameters);
        return parsed.getPathEtc();
    } catch (const Poco::SyntaxException&) {
        return uri.substr(0, query) + "?(a query that does not parse, not shown)";
    }
}

HttpServer::HttpServer(const HttpConfig& config, Router& router, RouteGuard& guard, Metrics& metrics,
                       WebSocketHub& hub)
    : config_(config), router_(router), guard_(guard), metrics_(metrics), hub_(hub) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
    running_ = std::make_unique<Running>(config_, router_, guard_, metrics_, hub_);
    running_->shared.gate->start();
}

void HttpServer::stop() { running_.reset(); }

int HttpServer::port() const { return running_ ? running_->listener.address().port() : 0; }

}  // namespace omnigate
