#include "webchat_socket.h"

#include <Poco/Exception.h>

#include "omnigate/sdk/api_error.h"
#include "webchat_json.h"

namespace omnigate::webchat {

namespace {

// RFC 6455 7.4.1: the endpoint refuses a message that violates its policy (here: a token that went bad).
constexpr std::uint16_t policyViolation = 1008;

std::string errorFrame(const std::string& message) {
    Poco::JSON::Object::Ptr error = newObject();
    error->set("code", std::string("bad_request"));
    error->set("message", message);
    Poco::JSON::Object::Ptr frame = newObject();
    frame->set("type", std::string("error"));
    frame->set("error", error);
    return toJson(*frame);
}

}  // namespace

WebchatSocket::WebchatSocket(ChannelHost& host, std::shared_ptr<const WebchatAccounts> accounts,
                             std::shared_ptr<VisitorConnections> connections)
    : host_(host), accounts_(std::move(accounts)), connections_(std::move(connections)) {}

VisitorToken WebchatSocket::authenticate(const HttpRequest& request) const {
    return accounts_->authenticate(request.param("account"), request.queryParam("token"),
                                   "in the query string: ?token=<token>");
}

void WebchatSocket::authorize(const HttpRequest& request) { authenticate(request); }

void WebchatSocket::onOpen(const HttpRequest& request, const std::shared_ptr<WebSocketConnection>& connection) {
    // Verified again rather than remembered from authorize(): the SDK passes nothing from one to the other, and
    // an HMAC is cheap. It can only fail if the token expired in between.
    try {
        const VisitorToken visitor = authenticate(request);
        // A script opening sockets in a loop would otherwise hold file descriptors without end.
        const std::size_t limit = accounts_->find(visitor.account).maxSocketsPerVisitor;
        if (connections_->of(visitor.account, visitor.visitorId).size() >= limit) {
            connection->close(policyViolation, "this visitor already has " + std::to_string(limit) +
                                                   " open connections; close one first");
            return;
        }
        connections_->add(visitor.account, visitor.visitorId, connection);
    } catch (const ApiError& e) {
        connection->close(policyViolation, e.what());
    }
}

void WebchatSocket::onText(const std::shared_ptr<WebSocketConnection>& connection, const std::string& text) {
    // A confused widget gets told what is wrong but stays connected: closing would only make it reconnect.
    std::string reply;
    try {
        const Poco::JSON::Object::Ptr frame = parseObject(text, "the frame", false);
        const std::optional<std::string> type = optionalString(*frame, "type");
        if (type && *type == "ping") {
            reply = R"({"type":"pong"})";
        } else if (!type) {
            reply = errorFrame("a frame needs a string 'type'; the only one a client may send is \"ping\"");
        } else {
            reply = errorFrame("unknown frame type '" + *type + "'; the only one a client may send is \"ping\" "
                               "(send messages with POST .../messages)");
        }
    } catch (const ApiError& e) {
        reply = errorFrame(e.what());
    }
    if (!connection->sendText(reply)) {
        host_.log(LogLevel::Debug, "webchat: could not answer WebSocket " + std::to_string(connection->id()) +
                                       ": the peer is gone");
    }
}

void WebchatSocket::onClose(const std::shared_ptr<WebSocketConnection>& connection) {
    connections_->remove(connection->id());
}

}  // namespace omnigate::webchat
