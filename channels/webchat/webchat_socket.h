// The widget's WebSocket, /api/v1/webchat/{account}/ws?token=…: the way an operator's reply reaches an open page
// at once instead of on the next poll. The token travels in the query string because browsers cannot set headers
// on a WebSocket. Inbound chat still goes through POST .../messages, so the socket carries only pushes and pings.
#pragma once

#include <memory>

#include "omnigate/sdk/channel_host.h"
#include "omnigate/sdk/websocket.h"
#include "visitor_connections.h"
#include "webchat_accounts.h"

namespace omnigate::webchat {

class WebchatSocket : public WebSocketHandler {
public:
    // Holds the accounts and the registry by shared_ptr: the core may keep this handler as long as it likes.
    WebchatSocket(ChannelHost& host, std::shared_ptr<const WebchatAccounts> accounts,
                  std::shared_ptr<VisitorConnections> connections);

    void authorize(const HttpRequest& request) override;
    void onOpen(const HttpRequest& request, const std::shared_ptr<WebSocketConnection>& connection) override;
    void onText(const std::shared_ptr<WebSocketConnection>& connection, const std::string& text) override;
    void onClose(const std::shared_ptr<WebSocketConnection>& connection) override;

private:
    VisitorToken authenticate(const HttpRequest& request) const;

    ChannelHost& host_;
    std::shared_ptr<const WebchatAccounts> accounts_;
    std::shared_ptr<VisitorConnections> connections_;
};

}  // namespace omnigate::webchat
