// Wires the daemon together and owns its parts, started in dependency order (store, bus, plugins, HTTP) and
// stopped in reverse, so nothing ever calls into a part that is already gone.
#pragma once

#include <Poco/Util/Timer.h>
#include <Poco/Util/TimerTask.h>

#include <memory>
#include <stdexcept>

#include "api/api_tokens_api.h"
#include "api/audit_api.h"
#include "api/auth_api.h"
#include "api/branches_api.h"
#include "api/console_files.h"
#include "api/directory_sync.h"
#include "api/mqtt_sessions.h"
#include "bus/dynamic_security.h"
#include "api/users_api.h"
#include "api/auto_replies_api.h"
#include "api/blacklist_api.h"
#include "api/break_reasons_api.h"
#include "api/chat_api.h"
#include "api/notifications_api.h"
#include "api/template_catalogs_api.h"
#include "api/templates_api.h"
#include "api/offers_api.h"
#include "api/clients_api.h"
#include "api/files_api.h"
#include "api/interactions_api.h"
#include "api/operator_groups_api.h"
#include "api/operators_api.h"
#include "api/queues_api.h"
#include "api/routing_actions_api.h"
#include "api/routing_rules_api.h"
#include "api/spam_words_api.h"
#include "api/reports_api.h"
#include "api/stats_api.h"
#include "api/supervisor_api.h"
#include "api/topics_api.h"
#include "bus/mqtt_bus.h"
#include "bus/outbox_relay.h"
#include "stats/stats_publisher.h"
#include "stats/today_aggregates.h"
#include "config/daemon_config.h"
#include "daemon/admin_api.h"
#include "db/connection_pool.h"
#include "db/post_commit_hook.h"
#include "db/transaction_runner.h"
#include "db/write_batcher.h"
#include "http/http_server.h"
#include "http/router.h"
#include "http/token_bucket.h"
#include "http/websocket_hub.h"
#include "interactions/channel_notifier.h"
#include "interactions/message_service.h"
#include "campaigns/campaign_runner.h"
#include "campaigns/campaigns_api.h"
#include "mailings/mailing_runner.h"
#include "mailings/mailing_scheduler.h"
#include "mailings/mailings_api.h"
#include "metrics/metrics.h"
#include "pipeline/catalog_cache.h"
#include "pipeline/inbound_pipeline.h"
#include "plugins/plugin_manager.h"
#include "routing/distributor.h"
#include "routing/routing_catalog.h"
#include "routing/routing_service.h"

namespace omnigate {

class StartupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Daemon {
public:
    explicit Daemon(DaemonConfig config);
    ~Daemon();

    // Throws StartupError with a message that says what to do.
    void start();
    void stop();

    int httpPort() const { return http_ ? http_->port() : 0; }

private:
    // The writer's post-commit hook: hands the batch's events to the relay, wakes routing when they concern it and
    // tells channels of their interactions.
    void afterWrite(const std::vector<CommittedEvent>& events);

    void waitForDatabase();
    // The steps of start(), in order.
    void startWritePath();
    void registerApis();
    void loadPlugins();
    void serve();
    PluginServices::BotActions botActions();
    // Hourly on the timer: the audit log and sign-in sessions past retention go.
    void purgeAudit(Poco::Util::TimerTask& task);
    // Every auth.session_sweep_seconds: sessions whose refresh token expired unused lose their broker accounts.
    void endExpiredSessions(Poco::Util::TimerTask& task);
    // Every auth.directory_sync_minutes with auth.ldap: directory users gone or regrouped are updated.
    void syncDirectory(Poco::Util::TimerTask& task);

    DaemonConfig config_;
    Metrics metrics_;
    Router router_;
    Poco::Util::Timer timer_;
    std::unique_ptr<ConnectionPool> pool_;
    std::unique_ptr<MqttBus> bus_;
    std::unique_ptr<OutboxRelay> relay_;
    std::unique_ptr<WriteBatcher> writer_;
    std::unique_ptr<RoutingCatalog> routingCatalog_;
    std::unique_ptr<TransactionRunner> distributorRunner_;
    std::unique_ptr<TransactionRunner> actionRunner_;
    std::unique_ptr<Distributor> distributor_;
    std::unique_ptr<CatalogCache> catalogs_;
    std::unique_ptr<InboundPipeline> pipeline_;
    std::unique_ptr<MessageService> messages_;
    std::unique_ptr<PluginManager> plugins_;
    std::unique_ptr<ChannelNotifier> channelNotifier_;  // closed by stop() before the plugins stop
    std::unique_ptr<InteractionService> interactions_;
    std::unique_ptr<RoutingService> routingService_;
    std::unique_ptr<RoutingActionsApi> routingActionsApi_;
    std::unique_ptr<FileStore> files_;
    std::unique_ptr<FilesApi> filesApi_;
    std::unique_ptr<PluginHealth> pluginHealth_;  // outlives the plugins: /readyz and /metrics read it
    std::unique_ptr<AdminApi> admin_;
    std::unique_ptr<Authenticator> authenticator_;  // outlives every API that asks it
    std::unique_ptr<InteractionsApi> interactionsApi_;
    std::unique_ptr<ClientsApi> clients_;
    std::unique_ptr<ApiTokensApi> apiTokensApi_;
    std::unique_ptr<DynamicSecurity> brokerAccounts_;
    std::unique_ptr<MqttSessions> mqttSessions_;
    std::unique_ptr<LdapDirectory> directory_;  // null without auth.ldap
    std::unique_ptr<DirectorySync> directorySync_;
    std::unique_ptr<AuthApi> authApi_;
    std::unique_ptr<UsersApi> usersApi_;
    std::unique_ptr<BranchesApi> branchesApi_;
    std::unique_ptr<AuditApi> auditApi_;
    std::unique_ptr<SupervisorApi> supervisorApi_;
    // The day's sums so far, kept between snapshots for the publisher, the REST API and the mailings alike.
    TodayAggregates todayAggregates_;
    std::unique_ptr<StatsApi> statsApi_;
    std::unique_ptr<ReportsApi> reportsApi_;
    std::unique_ptr<StatsPublisher> statsPublisher_;
    std::unique_ptr<MailingRunner> mailingRunner_;        // null without mailings.smtp
    std::unique_ptr<MailingScheduler> mailingScheduler_;  // fed by the stats publisher, so stopped after it
    std::unique_ptr<MailingsApi> mailingsApi_;
    std::unique_ptr<CampaignRunner> campaignRunner_;  // sends through the plugins: stopped before them
    std::unique_ptr<CampaignsApi> campaignsApi_;
    std::unique_ptr<ConsoleFiles> consoleFiles_;
    std::unique_ptr<TopicsApi> topicsApi_;
    std::unique_ptr<QueuesApi> queuesApi_;
    std::unique_ptr<OperatorGroupsApi> operatorGroupsApi_;
    std::unique_ptr<OperatorsApi> operatorsApi_;
    std::unique_ptr<BreakReasonsApi> breakReasonsApi_;
    std::unique_ptr<NotificationsApi> notificationsApi_;
    std::unique_ptr<ChatApi> chatApi_;
    std::unique_ptr<TemplateCatalogsApi> templateCatalogsApi_;
    std::unique_ptr<TemplatesApi> templatesApi_;
    std::unique_ptr<OffersApi> offersApi_;
    std::unique_ptr<RoutingRulesApi> routingRulesApi_;
    std::unique_ptr<BlacklistApi> blacklistApi_;
    std::unique_ptr<SpamWordsApi> spamWordsApi_;
    std::unique_ptr<AutoRepliesApi> autoRepliesApi_;
    std::unique_ptr<TokenBucket> webchatSessions_;  // ChannelHost::throttle's buckets
    std::unique_ptr<TokenBucket> webchatMessages_;
    std::unique_ptr<WebSocketHub> hub_;
    std::unique_ptr<HttpServer> http_;
};

}  // namespace omnigate
