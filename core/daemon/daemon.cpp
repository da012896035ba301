#include "daemon/daemon.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Logger.h>
#include <Poco/RandomStream.h>
#include <Poco/Util/TimerTaskAdapter.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "auth/ldap_config.h"
#include "daemon/routing_bootstrap.h"
#include "daemon/user_bootstrap.h"
#include "db/migrator.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate"); }

constexpr auto kDatabaseWait = std::chrono::seconds(60);
// Changes through this daemon's admin API invalidate at once; this bounds how stale another daemon's changes are.
constexpr auto kCatalogMaxAge = std::chrono::seconds(5);
constexpr long kAuditPurgeEveryMs = 60L * 60 * 1000;
constexpr long kFirstDirectorySyncMs = 5 * 1000;

// auth.token_secret when configured; else a random key for this run, which ends every session at a restart.
std::string tokenSecret(const AuthConfig& auth) {
    if (!auth.tokenSecret.empty()) return auth.tokenSecret;
    logger().warning("auth.token_secret is not set: sign-ins are signed with a key made for this run, so they end "
                     "when the daemon restarts and work on this daemon only; set it (the same on every daemon)");
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    Poco::RandomInputStream random;
    char bytes[48];
    random.read(bytes, sizeof bytes);
    encoder.write(bytes, sizeof bytes);
    encoder.close();
    return out.str();
}

}  // namespace

Daemon::Daemon(DaemonConfig config) : config_(std::move(config)) {}

Daemon::~Daemon() { stop(); }

void Daemon::waitForDatabase() {
    const auto deadline = std::chrono::steady_clock::now() + kDatabaseWait;
    auto nextNotice = std::chrono::steady_clock::now();
    for (;;) {
        try {
            auto session = pool_->connect();
            Migrator migrator(*session, [](const std::string& step) { logger().information(step); });
            const int applied = migrator.apply(builtInMigrations());
            logger().information("database %s at schema version %d (%d migration(s) applied now)", pool_->describe(),
                                 migrator.currentVersion(), applied);
            return;
        } catch (const ApiError& e) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw StartupError(withCause(e) + ": start MariaDB or fix database.* in " + config_.file);
            }
            if (std::chrono::steady_clock::now() >= nextNotice) {
                logger().warning("waiting for the database at %s …", pool_->describe());
                nextNotice += std::chrono::seconds(5);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        } catch (const std::runtime_error& e) {
            throw StartupError(e.what());
        }
    }
}

void Daemon::afterWrite(const std::vector<CommittedEvent>& events) {
    std::vector<OutboxRelay::Event> offered;
    offered.reserve(events.size());
    // Routing cares about interactions, operators and queues that appeared or changed, not about messages: most
    // commits under load only add messages to conversations already routed. A commit without events may have
    // changed anything.
    bool onlyMessages = !events.empty();
    for (const CommittedEvent& event : events) {
        offered.push_back({event.outboxId, event.topic, event.payload, trafficOf(event)});
        onlyMessages = onlyMessages && event.type.rfind("message.", 0) == 0;
    }
    relay_->offer(std::move(offered));
    if (!onlyMessages) distributor_->wake();
    channelNotifier_->onCommitted(events);
}

void Daemon::start() {
    pool_ = std::make_unique<ConnectionPool>(config_.database);
    waitForDatabase();
    startWritePath();
    registerApis();
    loadPlugins();
    serve();
}

// The bus, the relay, the writer and the routing machinery, started and with the configured routing stored.
void Daemon::startWritePath() {
    bus_ = std::make_unique<MqttBus>(config_.mqtt, config_.instance);
    relay_ = std::make_unique<OutboxRelay>(*pool_, *bus_);
    bus_->onConnected([this] { relay_->wake(); });
    bus_->onDelivered([this] { relay_->acknowledged(); });
    // Before the writers it listens to, which never see it change.
    channelNotifier_ = std::make_unique<ChannelNotifier>([this](const std::string& channel) {
        return plugins_ ? plugins_->channel(channel) : nullptr;
    });
    writer_ = std::make_unique<WriteBatcher>(*pool_, config_.database.writers, config_.database.batchMax,
                                             static_cast<std::size_t>(config_.database.writeQueueMax),
                                             [this](const std::vector<CommittedEvent>& events) { afterWrite(events); });
    routingCatalog_ = std::make_unique<RoutingCatalog>(*pool_, kCatalogMaxAge);
    // Two runners: the distributor's own commits must not wake the distributor again; the relay reads their events
    // from the outbox.
    const PostCommitHook afterRoutingCommit = [this](const std::vector<CommittedEvent>& events) {
        channelNotifier_->onCommitted(events);
        relay_->wake();
    };
    distributorRunner_ = std::make_unique<TransactionRunner>(*pool_, afterRoutingCommit);
    actionRunner_ = std::make_unique<TransactionRunner>(*pool_, afterRoutingCommit);
    distributor_ = std::make_unique<Distributor>(*pool_, *routingCatalog_, *distributorRunner_);
    catalogs_ = std::make_unique<CatalogCache>(*pool_, kCatalogMaxAge);
    pipeline_ = std::make_unique<InboundPipeline>(*catalogs_, std::chrono::hours(config_.interactions.ratingWindowHours),
                                                  config_.campaigns.stopWords, config_.campaigns.replyWindowHours);
    messages_ = std::make_unique<MessageService>(*writer_, *pool_, metrics_, *pipeline_, [this](const std::string& channel) {
        return plugins_ ? plugins_->channel(channel) : nullptr;
    });
    metrics_.addGauge("omnigate_outbox_backlog", "Events stored but not yet acknowledged by the broker.",
                      [this] { return static_cast<double>(relay_->backlog()); });
    metrics_.addGauge("omnigate_outbox_published", "Events acknowledged by the broker since start.",
                      [this] { return static_cast<double>(relay_->published()); });
    metrics_.addGauge("omnigate_outbox_dead_letters", "Events the broker refused repeatedly, set aside since start.",
                      [this] { return static_cast<double>(relay_->deadLetters()); });
    metrics_.addGauge("omnigate_write_queue", "Writes waiting for the next group commit.",
                      [this] { return static_cast<double>(writer_->backlog()); });
    metrics_.addGauge("omnigate_routing_decisions", "Interactions offered or assigned by the distributor since start.",
                      [this] { return static_cast<double>(distributor_->decisions()); });
    metrics_.addGauge("omnigate_routing_passes", "Distribution passes since start.",
                      [this] { return static_cast<double>(distributor_->passes()); });
    statsPublisher_ = std::make_unique<StatsPublisher>(*pool_, *bus_, todayAggregates_, config_.stats.intervalSeconds,
                                                       config_.stats.utcOffsetMinutes);
    if (config_.mailings.smtp.configured()) {
        mailingRunner_ = std::make_unique<MailingRunner>(*pool_, config_.mailings.smtp, config_.stats.utcOffsetMinutes);
        mailingScheduler_ = std::make_unique<MailingScheduler>(*pool_, *mailingRunner_);
        statsPublisher_->onSnapshot(
            [this](const OnlineSnapshot& snapshot) { mailingScheduler_->offer(queueReadings(snapshot)); });
    } else {
        logger().information("mailings: no mailings.smtp in %s, so mailings are kept but none is sent", config_.file);
    }
    writer_->start();
    bus_->start();
    relay_->start();
    statsPublisher_->start();
    if (mailingScheduler_) mailingScheduler_->start();
    // Before any API can be called: the configured queues, groups and operators exist from the first request on.
    try {
        logger().information("%s", RoutingBootstrap(config_.routing, *writer_).run());
    } catch (const ApiError& e) {
        throw StartupError(std::string("storing the routing section of ") + config_.file + " failed: " + withCause(e));
    }
    // After the routing section: a seeded operator user names an operator it created.
    try {
        logger().information("%s", UserBootstrap(config_.auth, *writer_).run());
    } catch (const ApiError& e) {
        throw StartupError(std::string("creating the users of ") + config_.file + " failed: " + withCause(e));
    }
}

// Every core REST API on the router: registered before the plugins, whose routes come after.
void Daemon::registerApis() {
    pluginHealth_ = std::make_unique<PluginHealth>(metrics_);
    files_ = std::make_unique<FileStore>(config_.files, *pool_, *writer_);
    admin_ = std::make_unique<AdminApi>(*pool_, *bus_, metrics_, *pluginHealth_, *files_);
    admin_->registerRoutes(router_);
    const auto invalidateCatalogs = [this] { catalogs_->invalidate(); };
    const auto routingChanged = [this] {
        catalogs_->invalidate();
        routingCatalog_->invalidate();
        distributor_->wake();
    };
    topicsApi_ = std::make_unique<TopicsApi>(*writer_, *pool_, invalidateCatalogs);
    topicsApi_->registerRoutes(router_);
    queuesApi_ = std::make_unique<QueuesApi>(*writer_, *pool_, routingChanged);
    queuesApi_->registerRoutes(router_);
    operatorGroupsApi_ = std::make_unique<OperatorGroupsApi>(*writer_, *pool_, routingChanged);
    operatorGroupsApi_->registerRoutes(router_);
    operatorsApi_ = std::make_unique<OperatorsApi>(*writer_, *pool_, routingChanged);
    operatorsApi_->registerRoutes(router_);
    breakReasonsApi_ = std::make_unique<BreakReasonsApi>(*writer_, *pool_, invalidateCatalogs);
    breakReasonsApi_->registerRoutes(router_);
    notificationsApi_ = std::make_unique<NotificationsApi>(*writer_, *pool_);
    notificationsApi_->registerRoutes(router_);
    chatApi_ = std::make_unique<ChatApi>(*writer_, *pool_, *files_);
    chatApi_->registerRoutes(router_);
    templateCatalogsApi_ = std::make_unique<TemplateCatalogsApi>(*writer_, *pool_);
    templateCatalogsApi_->registerRoutes(router_);
    templatesApi_ = std::make_unique<TemplatesApi>(*writer_, *pool_, *files_);
    templatesApi_->registerRoutes(router_);
    routingRulesApi_ = std::make_unique<RoutingRulesApi>(*writer_, *pool_, routingChanged);
    routingRulesApi_->registerRoutes(router_);
    blacklistApi_ = std::make_unique<BlacklistApi>(*writer_, *pool_, invalidateCatalogs);
    blacklistApi_->registerRoutes(router_);
    spamWordsApi_ = std::make_unique<SpamWordsApi>(*writer_, *pool_, invalidateCatalogs);
    spamWordsApi_->registerRoutes(router_);
    autoRepliesApi_ = std::make_unique<AutoRepliesApi>(*writer_, *pool_, invalidateCatalogs);
    autoRepliesApi_->registerRoutes(router_);
    interactions_ = std::make_unique<InteractionService>(config_, *writer_, *pool_, *messages_,
                                                         [this](const std::string& channel) {
                                                             return plugins_ ? plugins_->channel(channel) : nullptr;
                                                         });
    routingService_ = std::make_unique<RoutingService>(*actionRunner_, *routingCatalog_, *interactions_,
                                                       [this] { distributor_->wake(); });
    interactions_->setStatusHooks(routingService_->statusHooks());
    routingActionsApi_ = std::make_unique<RoutingActionsApi>(*routingService_, *pool_);
    routingActionsApi_->registerRoutes(router_);
    authenticator_ = std::make_unique<Authenticator>(
        config_.adminToken, config_.http.metricsToken,
        AccessTokens(tokenSecret(config_.auth), config_.auth.accessTokenLifetime), storeDirectory(*pool_, *writer_));
    // A deactivated operator (through the API or the directory sync) takes no more work.
    const UsersApi::TakeOffline takeOffline = [this](const std::string& operatorId, const Actor& by) {
        try {
            routingService_->setOperatorStatus(operatorId, "offline", "", by);
        } catch (const std::exception& e) {
            logger().warning("operator %s was deactivated but stays in its status: %s", operatorId, withCause(e));
        }
    };
    // People's broker accounts, managed over the dynamic-security plugin with the daemon's own credentials.
    brokerAccounts_ = std::make_unique<DynamicSecurity>(config_.mqtt, config_.instance);
    mqttSessions_ = std::make_unique<MqttSessions>(brokerAccounts_.get(), config_.mqtt.websocketUrl);
    if (config_.auth.ldap.defined()) {
        try {
            directory_ = std::make_unique<LdapDirectory>(parseLdapConfig(config_.auth.ldap));
        } catch (const ConfigError& e) {
            throw StartupError(e.what());
        }
        directorySync_ =
            std::make_unique<DirectorySync>(*directory_, *authenticator_, *writer_, *pool_, *mqttSessions_, takeOffline);
        const long every = static_cast<long>(config_.auth.directorySync.count()) * 1000;
        // A first check soon after start: who left while the daemon was down is out before their next shift.
        timer_.schedule(
            Poco::Util::TimerTask::Ptr(new Poco::Util::TimerTaskAdapter<Daemon>(*this, &Daemon::syncDirectory)),
            kFirstDirectorySyncMs, every);
    }
    authApi_ = std::make_unique<AuthApi>(config_.auth, *authenticator_, *routingService_, *writer_, *pool_,
                                         directory_.get(), *mqttSessions_);
    authApi_->registerRoutes(router_);
    usersApi_ = std::make_unique<UsersApi>(*authenticator_, *writer_, *pool_, *mqttSessions_, takeOffline);
    usersApi_->registerRoutes(router_);
    branchesApi_ = std::make_unique<BranchesApi>(*writer_, *pool_);
    branchesApi_->registerRoutes(router_);
    auditApi_ = std::make_unique<AuditApi>(config_.audit.retentionDays, *writer_, *pool_);
    auditApi_->registerRoutes(router_);
    timer_.schedule(Poco::Util::TimerTask::Ptr(new Poco::Util::TimerTaskAdapter<Daemon>(*this, &Daemon::purgeAudit)),
                    60 * 1000, kAuditPurgeEveryMs);
    const long sweep = static_cast<long>(config_.auth.sessionSweep.count()) * 1000;
    timer_.schedule(
        Poco::Util::TimerTask::Ptr(new Poco::Util::TimerTaskAdapter<Daemon>(*this, &Daemon::endExpiredSessions)),
        sweep, sweep);
    interactionsApi_ = std::make_unique<InteractionsApi>(*interactions_, *messages_, *files_);
    interactionsApi_->registerRoutes(router_);
    offersApi_ = std::make_unique<OffersApi>(*writer_, *pool_, *messages_, *files_);
    offersApi_->registerRoutes(router_);
    clients_ = std::make_unique<ClientsApi>(*writer_, *pool_);
    clients_->registerRoutes(router_);
    apiTokensApi_ = std::make_unique<ApiTokensApi>(*authenticator_, *writer_, *pool_);
    apiTokensApi_->registerRoutes(router_);
    filesApi_ = std::make_unique<FilesApi>(*files_, *writer_, *pool_);
    filesApi_->registerRoutes(router_);
    supervisorApi_ = std::make_unique<SupervisorApi>(*pool_);
    supervisorApi_->registerRoutes(router_);
    statsApi_ = std::make_unique<StatsApi>(*pool_, todayAggregates_, config_.stats.utcOffsetMinutes);
    statsApi_->registerRoutes(router_);
    reportsApi_ = std::make_unique<ReportsApi>(*pool_, config_.stats.utcOffsetMinutes, config_.stats.maxExportRows);
    reportsApi_->registerRoutes(router_);
    mailingsApi_ = std::make_unique<MailingsApi>(*writer_, *pool_, mailingRunner_.get(), todayAggregates_,
                                                 config_.stats.utcOffsetMinutes);
    mailingsApi_->registerRoutes(router_);
    const MessageService::ChannelLookup channels = [this](const std::string& channel) {
        return plugins_ ? plugins_->channel(channel) : nullptr;
    };
    campaignRunner_ = std::make_unique<CampaignRunner>(*pool_, *actionRunner_, channels, *files_, config_.campaigns);
    campaignsApi_ = std::make_unique<CampaignsApi>(config_, *pool_, *actionRunner_, channels, *campaignRunner_);
    campaignsApi_->registerRoutes(router_);
    consoleFiles_ = std::make_unique<ConsoleFiles>(config_.console.directory, config_.mqtt.websocketUrl);
    consoleFiles_->registerRoutes(router_);
}

void Daemon::purgeAudit(Poco::Util::TimerTask&) {
    try {
        const int deleted = auditApi_->purge();
        if (deleted > 0) logger().information("audit: %d entries past retention deleted", deleted);
    } catch (const std::exception& e) {
        logger().warning("audit: deleting entries past retention failed (tried again in an hour): %s", withCause(e));
    }
}

void Daemon::endExpiredSessions(Poco::Util::TimerTask&) {
    try {
        const int ended = authApi_->endExpiredSessions();
        if (ended > 0) logger().information("auth: %d session(s) expired without a sign-out ended", ended);
    } catch (const std::exception& e) {
        logger().warning("auth: ending expired sessions failed (tried again at the next sweep): %s", withCause(e));
    }
}

void Daemon::syncDirectory(Poco::Util::TimerTask&) {
    try {
        const DirectorySync::Result r = directorySync_->run();
        if (r.deactivated + r.updated > 0) {
            logger().information("directory: %d user(s) checked, %d deactivated (gone from the directory or its "
                                 "mapped groups), %d with new roles",
                                 r.checked, r.deactivated, r.updated);
        }
    } catch (const std::exception& e) {
        logger().warning("directory: the sync of directory users failed, nobody was changed (tried again later): %s",
                         withCause(e));
    }
}

void Daemon::loadPlugins() {
    PluginServices services{*pool_, *writer_, *files_, *pluginHealth_, config_.adminToken, botActions(), {}, {}};
    services.closeInteraction = [this](std::int64_t id, const std::string& resolution, const std::string& reason,
                                       const Actor& by) {
        interactions_->changeStatus(id, InteractionStatus::Closed, by, reason, resolution, "", std::nullopt);
    };
    webchatSessions_ = std::make_unique<TokenBucket>(
        TokenBucket::Rate{config_.http.webchatSessions.burst, config_.http.webchatSessions.perMinute});
    webchatMessages_ = std::make_unique<TokenBucket>(
        TokenBucket::Rate{config_.http.webchatMessages.burst, config_.http.webchatMessages.perMinute});
    services.throttle = [this](ChannelHost::RateLimit limit, const std::string& key) {
        return (limit == ChannelHost::RateLimit::WebchatSessions ? *webchatSessions_ : *webchatMessages_).take(key);
    };
    plugins_ = std::make_unique<PluginManager>(config_, router_, *messages_, timer_, std::move(services));
    try {
        plugins_->loadAll();
    } catch (const std::exception& e) {
        throw StartupError(e.what());
    }
}

// The WebSocket hub and the HTTP server, then the plugins and the distributor: from here on requests arrive.
void Daemon::serve() {
    WebSocketHub::Limits socketLimits;
    socketLimits.maxSockets = static_cast<std::size_t>(config_.http.maxWebSockets);
    socketLimits.sendQueueBytes = static_cast<std::size_t>(config_.http.webSocketSendQueueBytes);
    socketLimits.sendTimeout = config_.http.webSocketSendTimeout;
    socketLimits.frameTimeout = config_.http.webSocketFrameTimeout;
    hub_ = std::make_unique<WebSocketHub>(config_.http.maxWebSocketFrameBytes, socketLimits);
    hub_->start();
    metrics_.addGauge("omnigate_websocket_connections", "Open WebSocket connections.",
                      [this] { return static_cast<double>(hub_->size()); });
    http_ = std::make_unique<HttpServer>(config_.http, router_, *authenticator_, metrics_, *hub_);
    try {
        http_->start();
    } catch (const Poco::Exception& e) {
        throw StartupError("cannot listen on " + config_.http.host + ":" + std::to_string(config_.http.port) + ": " +
                           e.displayText() + " (set http.port or OMNIGATE_HTTP_PORT to a free port)");
    }
    try {
        plugins_->startAll();
    } catch (const std::exception& e) {
        throw StartupError(e.what());
    }
    distributor_->start();
    campaignRunner_->start();  // it sends through the plugins, so once they run
    for (const std::string& route : router_.describe()) logger().information("serving %s", route);
    logger().information("omnigate %s listening on http://%s:%d", config_.instance, config_.http.host, httpPort());
}

PluginServices::BotActions Daemon::botActions() {
    PluginServices::BotActions bot;
    bot.hold = [this](std::int64_t id, const Actor& actor) { return routingService_->holdForBot(id, actor); };
    bot.reply = [this](std::int64_t id, const std::string& text, const Actor& actor) {
        routingService_->botReplied(id, actor);
        OutboundMessage draft;
        draft.author = AuthorKind::Bot;
        draft.authorId = actor.id;
        draft.text = text;
        return messages_->reply(id, std::move(draft));
    };
    bot.handOff = [this](std::int64_t id, const BotHost::HandOff& handOff, const Actor& actor) {
        // Topics first, while the bot still holds it: unknown topics are refused before anything moved.
        if (!handOff.topics.empty()) {
            requireBot(interactions_->get(id).interaction, actor);
            interactions_->classify(id, handOff.topics, actor, std::nullopt);
        }
        routingService_->handOff(id, handOff.queue, handOff.priority, handOff.reason, actor);
    };
    bot.close = [this](std::int64_t id, const std::string& resolution, const Actor& actor) {
        interactions_->changeStatus(id, InteractionStatus::Closed, actor, "closed by the bot", resolution, "",
                                    std::nullopt);
    };
    return bot;
}

void Daemon::stop() {
    if (http_) http_->stop();
    if (hub_) hub_->stop();
    if (messages_) messages_->finishDeliveries();
    // The campaigns' messages in flight reach their plugins and are recorded before the plugins stop.
    if (campaignRunner_) campaignRunner_->stop();
    // Stops listening and lets what it queued reach the plugins while they still run.
    if (channelNotifier_) channelNotifier_->close();
    if (plugins_) plugins_->stopAll();
    timer_.cancel(true);
    if (distributor_) distributor_->stop();
    if (statsPublisher_) statsPublisher_->stop();
    if (mailingScheduler_) mailingScheduler_->stop();
    if (writer_) writer_->stop();
    if (relay_) relay_->stop();
    if (bus_) bus_->stop();
    http_.reset();
    hub_.reset();
    plugins_.reset();
}

}  // namespace omnigate
