#include "webchat_plugin.h"

#include <algorithm>
#include <charconv>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include "omnigate/sdk/address_rule.h"
#include "omnigate/sdk/api_error.h"
#include "webchat_json.h"
#include "webchat_socket.h"

OMNIGATE_PLUGIN(omnigate::webchat::WebchatPlugin)

namespace omnigate::webchat {

namespace {

constexpr std::size_t maximumDetailLength = 255;         // the name: the store's column width
constexpr std::size_t maximumClientMessageIdLength = 128;
constexpr std::size_t maximumRatingCommentBytes = 1024;  // rating_comment's width; the store counts bytes too
constexpr std::size_t defaultHistoryLimit = 50;
constexpr std::uint16_t goingAway = 1001;                // RFC 6455 7.4.1: the server is going down

// A detail the visitor typed into the widget's form. Blank counts as not given: forms send empty fields.
std::string visitorDetail(const Poco::JSON::Object& body, const std::string& field) {
    const std::optional<std::string> value = optionalString(body, field);
    if (!value) return {};
    std::string detail = Poco::trim(*value);
    if (utf8Length(detail) > maximumDetailLength) {
        throw ApiError::badRequest("'" + field + "' must be at most " + std::to_string(maximumDetailLength) +
                                   " characters long");
    }
    return detail;
}

// An address the visitor typed, under the rule every client address follows. Checked before trimming: a line
// break at the end is as much a sign of an injection attempt as one in the middle.
std::string visitorAddress(const Poco::JSON::Object& body, const std::string& kind) {
    const std::optional<std::string> value = optionalString(body, kind);
    if (!value || Poco::trim(*value).empty()) return {};
    if (const auto problem = addressProblem({kind, *value}, AddressSource::Typed)) {
        throw ApiError::badRequest("'" + kind + "' " + *problem);
    }
    return Poco::trim(*value);
}

std::size_t historyLimitOf(const HttpRequest& request, std::size_t maximum) {
    std::size_t limit = std::min(defaultHistoryLimit, maximum);
    for (const auto& [key, value] : request.query) {
        if (key != "limit") continue;
        std::size_t parsed = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (value.empty() || ec != std::errc() || end != value.data() + value.size() || parsed < 1 ||
            parsed > maximum) {
            throw ApiError::badRequest("'limit' must be a whole number from 1 to " + std::to_string(maximum) +
                                       ", got '" + value + "'");
        }
        limit = parsed;
    }
    return limit;
}

std::vector<Address> contactsOf(const VisitorToken& visitor) {
    std::vector<Address> contacts;
    if (!visitor.email.empty()) contacts.push_back({"email", visitor.email});
    if (!visitor.phone.empty()) contacts.push_back({"phone", visitor.phone});
    return contacts;
}

}  // namespace

WebchatPlugin::WebchatPlugin()
    : accounts_(std::make_shared<WebchatAccounts>()), connections_(std::make_shared<VisitorConnections>()) {}

LoadResult WebchatPlugin::load(ChannelHost& host) {
    host_ = &host;
    if (host.accounts().empty()) return LoadResult::decline("no webchat accounts configured");

    auto accounts = std::make_shared<WebchatAccounts>();
    for (const AccountConfig& account : host.accounts()) {
        if (!accounts->add(account.id, parseWebchatConfig(account.settings))) {
            return LoadResult::failure("the webchat account '" + account.id +
                                       "' is configured twice: give every account its own id");
        }
    }
    accounts_ = accounts;

    host.addRoute("POST", "/api/v1/webchat/{account}/sessions", guarded(&WebchatPlugin::createSession));
    host.addRoute("POST", "/api/v1/webchat/{account}/messages", guarded(&WebchatPlugin::postMessage));
    host.addRoute("GET", "/api/v1/webchat/{account}/messages", guarded(&WebchatPlugin::getMessages));
    host.addRoute("POST", "/api/v1/webchat/{account}/rating", guarded(&WebchatPlugin::postRating));
    host.addWebSocket("/api/v1/webchat/{account}/ws",
                      std::make_shared<WebchatSocket>(host, accounts_, connections_));

    std::string ids;
    for (const std::string& id : accounts_->ids()) ids += (ids.empty() ? "" : ", ") + id;
    host.log(LogLevel::Info, "webchat: serving account(s) " + ids + " under /api/v1/webchat/{account}/");
    return LoadResult::success();
}

void WebchatPlugin::stop() {
    // Tell open widgets why they lose the socket, so they reconnect later instead of reporting an error.
    for (const auto& connection : connections_->takeAll()) {
        connection->close(goingAway, "the server is shutting down");
    }
}

HttpHandler WebchatPlugin::guarded(HttpResponse (WebchatPlugin::*handler)(const HttpRequest&)) {
    // Bad input is always reported as an ApiError 4xx by the handlers themselves; a Poco exception reaching here
    // is our bug, so it becomes a 500 that says where to look rather than the core's anonymous one.
    return [this, handler](const HttpRequest& request) {
        try {
            return (this->*handler)(request);
        } catch (const Poco::Exception& e) {
            host_->log(LogLevel::Error, "webchat: " + request.method + " " + request.path + " failed: " +
                                            e.displayText());
            throw ApiError(500, "internal_error", "the webchat channel failed on this request; see the daemon's log");
        }
    };
}

VisitorToken WebchatPlugin::visitorOf(const HttpRequest& request) const {
    return accounts_->authenticate(request.param("account"), request.bearerToken(),
                                   "in the header 'Authorization: Bearer <token>'");
}

HttpResponse WebchatPlugin::createSession(const HttpRequest& request) {
    const std::string account = request.param("account");
    const WebchatConfig& config = accounts_->find(account);
    // Each session is a new visitor, with its own message allowance: without this a script would mint them.
    const std::chrono::seconds wait = host_->throttle(ChannelHost::RateLimit::WebchatSessions, request.clientIp);
    if (wait.count() > 0) {
        throw ApiError::rateLimited("too many new chat sessions from " + request.clientIp +
                                        "; try again in " + std::to_string(wait.count()) + " s",
                                    wait);
    }
    const Poco::JSON::Object::Ptr body = parseObject(request.body, "the request body", true);

    VisitorToken visitor = VisitorToken::issue(account, VisitorToken::currentTime(), config.tokenTtl.count());
    visitor.name = visitorDetail(*body, "name");
    visitor.email = visitorAddress(*body, "email");
    visitor.phone = visitorAddress(*body, "phone");

    Poco::JSON::Object::Ptr reply = newObject();
    reply->set("token", visitor.sign(config.tokenSecret));
    reply->set("visitor_id", visitor.visitorId);
    reply->set("expires_at", Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(visitor.expiresAt),
                                                             Poco::DateTimeFormat::ISO8601_FORMAT));
    return HttpResponse::json(201, toJson(*reply));
}

HttpResponse WebchatPlugin::postMessage(const HttpRequest& request) {
    const VisitorToken visitor = visitorOf(request);
    const WebchatConfig& config = accounts_->find(visitor.account);
    const std::chrono::seconds wait =
        host_->throttle(ChannelHost::RateLimit::WebchatMessages, visitor.account + "/" + visitor.visitorId);
    if (wait.count() > 0) {
        throw ApiError::rateLimited("too many messages from this visitor; try again in " +
                                        std::to_string(wait.count()) + " s",
                                    wait);
    }
    const Poco::JSON::Object::Ptr body = parseObject(request.body, "the request body", false);

    const std::optional<std::string> text = optionalString(*body, "text");
    if (!text) throw ApiError::badRequest("'text' is required");
    if (Poco::trim(*text).empty()) throw ApiError::badRequest("'text' must not be empty or only whitespace");
    if (text->size() > config.maxTextBytes) {
        throw ApiError(413, "text_too_long",
                       "'text' is " + std::to_string(text->size()) + " bytes long; this account accepts at most " +
                           std::to_string(config.maxTextBytes) + " bytes (UTF-8) per message");
    }
    const std::optional<std::string> clientMessageId = optionalString(*body, "client_message_id");
    if (clientMessageId && (clientMessageId->empty() || clientMessageId->size() > maximumClientMessageIdLength)) {
        throw ApiError::badRequest("'client_message_id' must be 1 to " +
                                   std::to_string(maximumClientMessageIdLength) + " characters long");
    }

    InboundMessage message;
    message.account = visitor.account;
    message.externalId = inboundExternalId(visitor.visitorId, clientMessageId);
    message.from = Address{"webchat", visitor.visitorId};
    message.clientName = visitor.name;
    message.contacts = contactsOf(visitor);
    message.text = *text;
    const SubmitResult stored = host_->submitInbound(message);
    // A resend of a stored client_message_id is answered like the first time, with what was stored then.
    return HttpResponse::json(stored.duplicate ? 200 : 201, toJson(*messageObject(stored.message, visitor.visitorId)));
}

HttpResponse WebchatPlugin::getMessages(const HttpRequest& request) {
    const VisitorToken visitor = visitorOf(request);
    const WebchatConfig& config = accounts_->find(visitor.account);
    const std::size_t limit = historyLimitOf(request, config.historyLimit);

    Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
    for (const StoredMessage& message :
         host_->history(visitor.account, Address{"webchat", visitor.visitorId}, limit)) {
        messages->add(messageObject(message, visitor.visitorId));
    }
    Poco::JSON::Object::Ptr reply = newObject();
    reply->set("messages", messages);
    return HttpResponse::json(200, toJson(*reply));
}

HttpResponse WebchatPlugin::postRating(const HttpRequest& request) {
    const VisitorToken visitor = visitorOf(request);
    const Poco::JSON::Object::Ptr body = parseObject(request.body, "the request body", false);

    // Checked here although the host checks the range too: a widget sending "5" or true should hear about
    // 'rating', not get the store's answer to whatever that would have converted to.
    const std::string ratingRule = "'rating' must be an integer from 1 to 5";
    std::optional<std::int64_t> rating;
    try {
        rating = optionalInteger(*body, "rating");
    } catch (const ApiError&) {
        throw ApiError::badRequest(ratingRule);
    }
    if (!rating) throw ApiError::badRequest("'rating' is required: an integer from 1 to 5");
    if (*rating < 1 || *rating > 5) throw ApiError::badRequest(ratingRule + ", got " + std::to_string(*rating));

    // A form's empty comment field is no comment.
    const std::string comment = Poco::trim(optionalString(*body, "comment").value_or(""));
    if (comment.size() > maximumRatingCommentBytes) {
        throw ApiError::badRequest("'comment' must be at most " + std::to_string(maximumRatingCommentBytes) +
                                   " bytes (UTF-8) long, got " + std::to_string(comment.size()));
    }
    const std::optional<std::int64_t> interactionId = optionalInteger(*body, "interaction_id");
    if (interactionId && *interactionId < 1) {
        throw ApiError::badRequest("'interaction_id' must be a positive integer; leave it out to rate the latest "
                                   "closed interaction");
    }

    // The host's 404 (not this visitor's), 409 (not closed, already rated) and 503 pass through as they are.
    host_->rateInteraction(visitor.account, Address{"webchat", visitor.visitorId}, interactionId.value_or(0),
                           static_cast<int>(*rating), comment);
    HttpResponse reply;
    reply.status = 204;
    reply.contentType.clear();  // no body, so no type
    return reply;
}

std::size_t WebchatPlugin::push(const std::string& account, const std::string& visitorId, const std::string& frame) {
    // The registry hands out copies and nobody writes under its lock: safe from any thread, and a slow tab
    // cannot hold up the others' registration.
    std::size_t delivered = 0;
    for (const auto& connection : connections_->of(account, visitorId)) {
        if (connection->sendText(frame)) ++delivered;
    }
    return delivered;
}

void WebchatPlugin::onInteractionUpdate(const InteractionUpdate& update) {
    if (update.client.kind != "webchat" || update.client.value.empty() || !accounts_->has(update.account)) {
        host_->log(LogLevel::Warning, "webchat: ignored an update of interaction " +
                                          std::to_string(update.interactionId) + " for a '" + update.client.kind +
                                          "' client on account '" + update.account +
                                          "': only webchat visitors of configured accounts have sockets here");
        return;
    }
    Poco::JSON::Object::Ptr interaction = newObject();
    interaction->set("id", static_cast<Poco::Int64>(update.interactionId));
    interaction->set("status", update.status);
    if (!update.resolution.empty()) interaction->set("resolution", update.resolution);
    interaction->set("rating_requested", update.ratingRequested);
    Poco::JSON::Object::Ptr frame = newObject();
    frame->set("type", std::string("interaction"));
    frame->set("interaction", interaction);
    // A visitor without an open page learns nothing now; the widget can rate later by posting interaction_id.
    push(update.account, update.client.value, toJson(*frame));
}

SendResult WebchatPlugin::send(const OutboundMessage& message) {
    SendResult result;
    result.externalId = "webchat:" + std::to_string(message.messageId);
    if (message.to.kind != "webchat" || message.to.value.empty()) {
        result.status = DeliveryStatus::Failed;
        result.errorCode = "bad_address";
        result.errorText = "the webchat channel reaches webchat visitor ids only, not a '" + message.to.kind +
                           "' address '" + message.to.value + "'";
        return result;
    }
    if (!accounts_->has(message.account)) {
        result.status = DeliveryStatus::Failed;
        result.errorCode = "unknown_account";
        result.errorText = "no webchat account '" + message.account + "' is configured";
        return result;
    }

    StoredMessage pushed;
    pushed.id = message.messageId;
    pushed.interactionId = message.interactionId;
    pushed.direction = Direction::Outbound;
    pushed.author = message.author;  // System for auto-replies and rating requests
    pushed.text = message.text;
    pushed.attachments = message.attachments;
    pushed.status = DeliveryStatus::Delivered;
    pushed.createdAt = message.createdAt;
    Poco::JSON::Object::Ptr frame = newObject();
    frame->set("type", std::string("message"));
    frame->set("message", messageObject(pushed, message.to.value));
    const std::string text = toJson(*frame);

    const std::size_t delivered = push(message.account, message.to.value, text);
    // Without an open socket the message still counts as sent: the widget reads it from the history when the
    // visitor comes back.
    result.status = delivered > 0 ? DeliveryStatus::Delivered : DeliveryStatus::Sent;
    return result;
}

}  // namespace omnigate::webchat
