// The Host a plugin is handed: the daemon's services narrowed to what one plugin may do, with everything the
// plugin gives back (route handlers, timer tasks) wrapped so that its exceptions are logged, not propagated.
#pragma once

#include <Poco/Logger.h>
#include <Poco/Util/Timer.h>

#include <map>
#include <mutex>

#include "http/router.h"
#include "omnigate/sdk/host.h"
#include "pipeline/message_service.h"

namespace omnigate {

class PluginContext : public Host {
public:
    PluginContext(std::string pluginName, std::vector<AccountConfig> accounts, Router& router,
                  MessageService& messages, Poco::Util::Timer& timer);
    ~PluginContext() override;

    void log(LogLevel level, const std::string& message) override;
    const std::vector<AccountConfig>& accounts() const override { return accounts_; }
    SubmitResult submitInbound(const InboundMessage& message) override;
    std::vector<StoredMessage> history(const std::string& account, const Address& client, std::size_t limit) override;
    void updateDeliveryStatus(const StatusUpdate& update) override;
    void rateInteraction(const std::string& account, const Address& client, std::int64_t interactionId, int rating,
                         const std::string& comment) override;
    void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) override;
    void addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler) override;
    TimerId addTimer(std::chrono::milliseconds interval, std::function<void()> task) override;
    void cancelTimer(TimerId id) override;

    void cancelAllTimers();
    // Routes and WebSockets reach the router only once the plugin has loaded: a plugin that declines or fails
    // after registering leaves nothing behind that points into it.
    void commitRoutes();

private:
    void checkAccount(const std::string& account) const;
    void register_(std::function<void()> registration);

    std::string name_;
    std::vector<AccountConfig> accounts_;
    Router& router_;
    MessageService& messages_;
    Poco::Util::Timer& timer_;
    Poco::Logger& logger_;
    std::mutex timersMutex_;
    std::map<TimerId, Poco::Util::TimerTask::Ptr> timers_;
    std::mutex routesMutex_;
    bool committed_ = false;
    std::vector<std::function<void()>> pendingRoutes_;
    TimerId nextTimer_ = 1;
};

}  // namespace omnigate
