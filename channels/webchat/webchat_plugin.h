// The web chat channel: a site's chat widget opens a visitor session, posts the visitor's messages, reads the
// conversation back, listens on a WebSocket for the operators' replies and status changes, and rates a closed
// interaction with its own form. Everything is stateless over HTTP (the session is a signed token, the history
// and ratings are the store's), except the set of open sockets.
#pragma once

#include <Poco/Crypto/OpenSSLInitializer.h>

#include <memory>
#include <string>

#include "omnigate/sdk/plugin.h"
#include "visitor_connections.h"
#include "webchat_accounts.h"

namespace omnigate::webchat {

class WebchatPlugin : public ChannelPlugin {
public:
    WebchatPlugin();

    std::string name() const override { return "webchat"; }
    LoadResult load(ChannelHost& host) override;
    void stop() override;
    SendResult send(const OutboundMessage& message) override;
    void onInteractionUpdate(const InteractionUpdate& update) override;
    // The widget shows a rating form when told rating_requested, so the core sends no "rate us 1-5" message.
    bool asksForRatingItself() const override { return true; }

private:
    HttpResponse createSession(const HttpRequest& request);  // POST /api/v1/webchat/{account}/sessions
    HttpResponse postMessage(const HttpRequest& request);    // POST /api/v1/webchat/{account}/messages
    HttpResponse getMessages(const HttpRequest& request);    // GET  /api/v1/webchat/{account}/messages
    HttpResponse postRating(const HttpRequest& request);     // POST /api/v1/webchat/{account}/rating
    // Every open socket of one visitor gets `frame`; returns how many took it.
    std::size_t push(const std::string& account, const std::string& visitorId, const std::string& frame);
    VisitorToken visitorOf(const HttpRequest& request) const;
    HttpHandler guarded(HttpResponse (WebchatPlugin::*handler)(const HttpRequest&));

    // Held for the plugin's lifetime: POCO 1.11 counts OpenSSL users and tears OpenSSL down whenever the count
    // drops to zero, so two requests verifying tokens at once could destroy its locks under each other (a crash
    // seen under load); with this reference the count never reaches zero while requests run.
    Poco::Crypto::OpenSSLInitializer openssl_;
    ChannelHost* host_ = nullptr;
    std::shared_ptr<const WebchatAccounts> accounts_;
    std::shared_ptr<VisitorConnections> connections_;
};

}  // namespace omnigate::webchat
