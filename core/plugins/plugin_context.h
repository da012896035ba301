// The host a plugin is handed: the daemon's services narrowed to what one plugin may do, with everything the
// plugin gives back (route handlers, timer tasks) wrapped so that its exceptions are logged, not propagated. One
// object implements every role; a plugin sees it only as the role its kind is handed in load().
#pragma once

#include <Poco/Logger.h>
#include <Poco/Util/Timer.h>

#include <map>
#include <mutex>

#include "db/connection_pool.h"
#include "db/transaction_runner.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "interactions/message_service.h"
#include "omnigate/sdk/bot_host.h"
#include "omnigate/sdk/channel_host.h"
#include "plugins/plugin_health.h"
#include "store/file_store.h"
#include "store/interaction_store.h"

namespace omnigate {

// What the daemon lends every plugin besides routes and messages.
struct PluginServices {
    ConnectionPool& pool;
    WriteBatcher& writer;
    FileStore& files;
    PluginHealth& health;
    std::string adminToken;
    // What a chatbot integration does for its bot, done by routing (which the daemon wires in: the plugin host
    // sits below routing). The actor is {bot, <the plugin's entry>}.
    struct BotActions {
        std::function<bool(std::int64_t id, const Actor& bot)> hold;
        std::function<StoredMessage(std::int64_t id, const std::string& text, const Actor& bot)> reply;
        std::function<void(std::int64_t id, const BotHost::HandOff& handOff, const Actor& bot)> handOff;
        std::function<void(std::int64_t id, const std::string& resolution, const Actor& bot)> close;
    };
    BotActions bot;
    // The rate limits of ChannelHost::throttle (the daemon's token buckets).
    std::function<std::chrono::seconds(ChannelHost::RateLimit limit, const std::string& key)> throttle;
    // A channel closes an interaction (a caller hung up), from any open status, freeing its operator's place.
    std::function<void(std::int64_t id, const std::string& resolution, const std::string& reason, const Actor& by)>
        closeInteraction;
};

class PluginContext : public ChannelHost, public BotHost {
public:
    PluginContext(std::string pluginName, std::vector<AccountConfig> accounts, Router& router,
                  MessageService& messages, Poco::Util::Timer& timer, PluginServices services);
    ~PluginContext() override;

    void log(LogLevel level, const std::string& message) override;
    const std::vector<AccountConfig>& accounts() const override { return accounts_; }
    SubmitResult submitInbound(const InboundMessage& message) override;
    std::vector<StoredMessage> history(const std::string& account, const Address& client, std::size_t limit) override;
    void updateDeliveryStatus(const StatusUpdate& update) override;
    bool amendInbound(const InboundAmendment& amendment) override;
    std::optional<std::int64_t> clientIdByAddress(const Address& address) override;
    std::string operatorPhone(const std::string& operatorId) override;
    void closeInteraction(std::int64_t interactionId, const std::string& resolution,
                          const std::string& reason) override;
    StoredMessage addSystemMessage(std::int64_t interactionId, const std::string& text,
                                   const std::vector<Attachment>& attachments) override;
    void rateInteraction(const std::string& account, const Address& client, std::int64_t interactionId, int rating,
                         const std::string& comment) override;
    void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) override;
    void addGuardedRoute(const std::string& method, const std::string& pattern, RouteAccess access,
                         HttpHandler handler) override;
    void addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler) override;
    TimerId addTimer(std::chrono::milliseconds interval, std::function<void()> task) override;
    void cancelTimer(TimerId id) override;

    void subscribeEvents(const std::string& sink, const std::vector<std::string>& types) override;
    std::vector<EventDelivery> leaseDeliveries(const std::string& sink, std::size_t limit,
                                               std::chrono::seconds lease) override;
    void completeDelivery(std::int64_t id) override;
    void retryDelivery(std::int64_t id, std::chrono::system_clock::time_point notBefore,
                       const std::string& error) override;
    void deadLetterDelivery(std::int64_t id, const std::string& error) override;
    std::vector<EventDelivery> deadLetters(const std::string& sink, std::size_t limit) override;
    std::size_t redeliver(const std::string& sink, std::int64_t id) override;
    std::size_t backlog(const std::string& sink) override;
    std::size_t purgeDeliveries(const std::string& sink) override;
    std::vector<SharedTemplate> sharedTemplates() override;
    std::map<std::string, std::int64_t> templateUses(const std::string& operatorId, const std::string& queue) override;
    bool importTemplate(const std::string& legacyId, const SharedTemplate& templ) override;
    Attachment storeFile(const std::string& bytes, const std::string& mimeType, const std::string& name) override;
    std::optional<File> readFile(const std::string& fileId) override;
    std::optional<std::string> loadState(const std::string& key) override;
    void saveState(const std::string& key, const std::string& value) override;
    void eraseState(const std::string& key) override;
    std::vector<std::pair<std::string, std::string>> listState(const std::string& prefix) override;
    bool isAdmin(const HttpRequest& request) const override;
    std::chrono::seconds throttle(RateLimit limit, const std::string& key) override;
    void setReadiness(const std::string& component, bool ready, const std::string& reason) override;
    void setGauge(const std::string& name, const std::string& help, double value) override;
    void publish(const std::string& topic, const std::string& type, const std::string& dataJson) override;
    std::optional<std::string> interaction(std::int64_t id) override;
    std::optional<std::string> client(std::int64_t id) override;
    void updateClientCard(std::int64_t clientId, const std::map<std::string, std::string>& fields) override;
    std::vector<StoredMessage> messages(std::int64_t interactionId, std::size_t limit) override;
    bool holdForBot(const std::string& bot, std::int64_t interactionId) override;
    StoredMessage replyAsBot(const std::string& bot, std::int64_t interactionId, const std::string& text) override;
    void handOffToPeople(const std::string& bot, std::int64_t interactionId, const HandOff& handOff) override;
    void closeAsBot(const std::string& bot, std::int64_t interactionId, const std::string& resolution) override;

    void cancelAllTimers();
    // Routes and WebSockets reach the router only once the plugin has loaded: a plugin that declines or fails
    // after registering leaves nothing behind that points into it.
    void commitRoutes();

private:
    void checkAccount(const std::string& account) const;
    // {bot, entry} for an entry of this plugin; 400 for anything else: a plugin acts only for its own bots.
    Actor botActor(const std::string& entry) const;
    // Sinks are the plugin's own: "<plugin>:<sink>" in the database.
    std::string sinkName(const std::string& sink) const;
    template <typename Result, typename Read>
    Result read(const char* what, Read&& read);
    RouteHandler contained(HttpHandler handler);
    void register_(std::function<void()> registration);

    std::string name_;
    std::vector<AccountConfig> accounts_;
    Router& router_;
    MessageService& messages_;
    Poco::Util::Timer& timer_;
    PluginServices services_;
    TransactionRunner transactions_;
    Poco::Logger& logger_;
    std::mutex timersMutex_;
    std::map<TimerId, Poco::Util::TimerTask::Ptr> timers_;
    std::mutex routesMutex_;
    bool committed_ = false;
    std::vector<std::function<void()>> pendingRoutes_;
    TimerId nextTimer_ = 1;
};

}  // namespace omnigate
