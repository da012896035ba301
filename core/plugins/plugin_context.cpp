#include "plugins/plugin_context.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Util/TimerTaskAdapter.h>

#include <sstream>

#include "db/db_time.h"
#include "db/event_sinks.h"
#include "db/outbox.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/secrets.h"
#include "store/client_store.h"
#include "store/delivery_store.h"
#include "store/interaction_store.h"
#include "store/response_template_store.h"

namespace omnigate {

namespace {

class FunctionTask : public Poco::Util::TimerTask {
public:
    FunctionTask(std::function<void()> task, Poco::Logger& logger) : task_(std::move(task)), logger_(logger) {}
    void run() override {
        try {
            task_();
        } catch (const std::exception& e) {
            logger_.error("timer task failed: %s", withCause(e));
        }
    }

private:
    std::function<void()> task_;
    Poco::Logger& logger_;
};

constexpr std::size_t kSinkMax = 120;
constexpr std::size_t kStateKeyMax = 191;

}  // namespace

PluginContext::PluginContext(std::string pluginName, std::vector<AccountConfig> accounts, Router& router,
                             MessageService& messages, Poco::Util::Timer& timer, PluginServices services)
    : name_(std::move(pluginName)),
      accounts_(std::move(accounts)),
      router_(router),
      messages_(messages),
      timer_(timer),
      services_(std::move(services)),
      transactions_(services_.pool, nullptr),
      logger_(Poco::Logger::get("omnigate.plugin." + name_)) {}

PluginContext::~PluginContext() { cancelAllTimers(); }

void PluginContext::log(LogLevel level, const std::string& message) {
    switch (level) {
        case LogLevel::Debug: logger_.debug(message); break;
        case LogLevel::Info: logger_.information(message); break;
        case LogLevel::Warning: logger_.warning(message); break;
        case LogLevel::Error: logger_.error(message); break;
    }
}

void PluginContext::checkAccount(const std::string& account) const {
    for (const AccountConfig& a : accounts_) {
        if (a.id == account) return;
    }
    throw ApiError(404, "unknown_account", "no " + name_ + " account '" + account + "' is configured");
}

SubmitResult PluginContext::submitInbound(const InboundMessage& message) {
    checkAccount(message.account);
    return messages_.submitInbound(name_, message);
}

std::vector<StoredMessage> PluginContext::history(const std::string& account, const Address& client, std::size_t limit) {
    checkAccount(account);
    return messages_.history(name_, account, client, limit);
}

void PluginContext::updateDeliveryStatus(const StatusUpdate& update) {
    checkAccount(update.account);
    messages_.updateDeliveryStatus(name_, update);
}

bool PluginContext::amendInbound(const InboundAmendment& amendment) {
    checkAccount(amendment.account);
    return messages_.amendInbound(name_, amendment);
}

std::optional<std::int64_t> PluginContext::clientIdByAddress(const Address& address) {
    return messages_.clientIdByAddress(address);
}

void PluginContext::closeInteraction(std::int64_t interactionId, const std::string& resolution,
                                     const std::string& reason) {
    if (!services_.closeInteraction) throw ApiError::unavailable("routing is not running");
    services_.closeInteraction(interactionId, resolution, reason, Actor{"channel", name_});
}

StoredMessage PluginContext::addSystemMessage(std::int64_t interactionId, const std::string& text,
                                              const std::vector<Attachment>& attachments) {
    return messages_.addSystemMessage(interactionId, text, attachments);
}

void PluginContext::rateInteraction(const std::string& account, const Address& client, std::int64_t interactionId,
                                    int rating, const std::string& comment) {
    checkAccount(account);
    messages_.rateByClient(name_, account, client, interactionId, rating, comment);
}

RouteHandler PluginContext::contained(HttpHandler handler) {
    // An ApiError is the plugin's answer; anything else thrown is its bug, logged here and answered 500 without the
    // details, so that one plugin's failure never takes the daemon's thread with it.
    return [this, handler = std::move(handler)](const HttpRequest& request, const Actor& actor) {
        try {
            if (actor.ownOnly) {
                HttpRequest own = request;
                own.actingOperator = actor.id;
                return handler(own);
            }
            return handler(request);
        } catch (const ApiError&) {
            throw;
        } catch (const std::exception& e) {
            logger_.error("%s %s failed in the plugin: %s", request.method, request.path, withCause(e));
        } catch (...) {
            logger_.error("%s %s failed in the plugin with a non-standard exception", request.method, request.path);
        }
        throw ApiError(500, "plugin_error", "the " + name_ + " plugin failed; see the omnigate log");
    };
}

void PluginContext::addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) {
    // The handler checks its own credentials (a visitor's token, a bot's, a provider's signature), so the route
    // table marks the route as the plugin's.
    register_([this, method, pattern, route = contained(std::move(handler))] {
        router_.add(method, pattern, Access::plugin(), route);
    });
}

void PluginContext::addGuardedRoute(const std::string& method, const std::string& pattern, RouteAccess access,
                                    HttpHandler handler) {
    if (access.ownership == Ownership::Caller) {
        throw std::invalid_argument("the " + name_ + " plugin's route " + method + " " + pattern +
                                    " asks for Ownership::Caller, which only the core's handlers can honour");
    }
    register_([this, method, pattern, access, route = contained(std::move(handler))] {
        router_.add(method, pattern, Access::needs(access), route);
    });
}

void PluginContext::addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler) {
    register_([this, pattern, handler] { router_.addWebSocket(pattern, Access::plugin(), handler); });
}

void PluginContext::register_(std::function<void()> registration) {
    std::lock_guard<std::mutex> lock(routesMutex_);
    if (committed_) {
        registration();
    } else {
        pendingRoutes_.push_back(std::move(registration));
    }
}

void PluginContext::commitRoutes() {
    std::lock_guard<std::mutex> lock(routesMutex_);
    for (const auto& registration : pendingRoutes_) registration();
    pendingRoutes_.clear();
    committed_ = true;
}

TimerId PluginContext::addTimer(std::chrono::milliseconds interval, std::function<void()> task) {
    Poco::Util::TimerTask::Ptr timerTask = new FunctionTask(std::move(task), logger_);
    std::lock_guard<std::mutex> lock(timersMutex_);
    const TimerId id = nextTimer_++;
    timers_[id] = timerTask;
    timer_.scheduleAtFixedRate(timerTask, interval.count(), interval.count());
    return id;
}

void PluginContext::cancelTimer(TimerId id) {
    std::lock_guard<std::mutex> lock(timersMutex_);
    const auto it = timers_.find(id);
    if (it == timers_.end()) return;
    it->second->cancel();
    timers_.erase(it);
}

void PluginContext::cancelAllTimers() {
    std::lock_guard<std::mutex> lock(timersMutex_);
    for (auto& [id, task] : timers_) task->cancel();
    timers_.clear();
}

std::string PluginContext::sinkName(const std::string& sink) const {
    if (sink.empty() || sink.size() > kSinkMax) {
        throw ApiError::badRequest("a sink name must be 1 to " + std::to_string(kSinkMax) + " characters");
    }
    return name_ + ":" + sink;
}

template <typename Result, typename Read>
Result PluginContext::read(const char* what, Read&& read) {
    PooledSession session = services_.pool.acquire();
    try {
        return read(*session);
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw InternalError::unavailable(std::string("reading ") + what + " failed", e.what());
    }
}

std::string PluginContext::operatorPhone(const std::string& operatorId) {
    return read<std::string>("the operator's workplace", [&](DbSession& session) {
        sql::PreparedStatement& q = session.prepare(
            "SELECT w.sip_uri FROM operators o JOIN workplaces w ON w.id = o.workplace WHERE o.id = ?");
        q.setString(1, operatorId);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        return rs->next() ? std::string(rs->getString(1)) : std::string();
    });
}

void PluginContext::subscribeEvents(const std::string& sink, const std::vector<std::string>& types) {
    EventSinks::global().set(sinkName(sink), types);
}

std::vector<EventDelivery> PluginContext::leaseDeliveries(const std::string& sink, std::size_t limit,
                                                          std::chrono::seconds lease) {
    std::vector<EventDelivery> leased;
    const std::string name = sinkName(sink);
    transactions_.run([&](DbSession& session) { leased = DeliveryStore(session).lease(name, limit, lease); });
    for (EventDelivery& d : leased) d.sink = sink;
    return leased;
}

void PluginContext::completeDelivery(std::int64_t id) {
    transactions_.run([&](DbSession& session) { DeliveryStore(session).complete(name_ + ":", id); });
}

void PluginContext::retryDelivery(std::int64_t id, std::chrono::system_clock::time_point notBefore,
                                  const std::string& error) {
    transactions_.run([&](DbSession& session) { DeliveryStore(session).retry(name_ + ":", id, notBefore, error); });
}

void PluginContext::deadLetterDelivery(std::int64_t id, const std::string& error) {
    transactions_.run([&](DbSession& session) { DeliveryStore(session).deadLetter(name_ + ":", id, error); });
}

std::vector<EventDelivery> PluginContext::deadLetters(const std::string& sink, std::size_t limit) {
    const std::string name = sinkName(sink);
    auto dead = read<std::vector<EventDelivery>>("dead letters", [&](DbSession& session) {
        return DeliveryStore(session).deadLetters(name, limit);
    });
    for (EventDelivery& d : dead) d.sink = sink;
    return dead;
}

std::size_t PluginContext::redeliver(const std::string& sink, std::int64_t id) {
    std::size_t count = 0;
    const std::string name = sinkName(sink);
    transactions_.run([&](DbSession& session) { count = DeliveryStore(session).redeliver(name, id); });
    return count;
}

std::size_t PluginContext::backlog(const std::string& sink) {
    const std::string name = sinkName(sink);
    return read<std::size_t>("the backlog", [&](DbSession& session) { return DeliveryStore(session).backlog(name); });
}

std::size_t PluginContext::purgeDeliveries(const std::string& sink) {
    std::size_t count = 0;
    const std::string name = sinkName(sink);
    transactions_.run([&](DbSession& session) { count = DeliveryStore(session).purge(name); });
    return count;
}

std::vector<SharedTemplate> PluginContext::sharedTemplates() {
    const auto templates = read<std::vector<ResponseTemplate>>(
        "the response templates", [](DbSession& session) { return ResponseTemplateStore(session).list({}); });
    std::vector<SharedTemplate> out;
    out.reserve(templates.size());
    for (const ResponseTemplate& t : templates) out.push_back({std::to_string(t.id), t.title, t.text, t.queues});
    return out;
}

std::map<std::string, std::int64_t> PluginContext::templateUses(const std::string& operatorId, const std::string& queue) {
    std::map<std::string, std::int64_t> uses;
    if (operatorId.empty() && queue.empty()) return uses;
    const auto counts = read<TemplateUseCounts>("the response templates' uses", [&](DbSession& session) {
        return ResponseTemplateStore(session).useCounts(operatorId, queue);
    });
    for (const auto& [id, n] : counts) uses[std::to_string(id)] = n;
    return uses;
}

bool PluginContext::importTemplate(const std::string& legacyId, const SharedTemplate& templ) {
    ResponseTemplate t;
    t.title = templ.title;
    t.text = templ.text;
    t.queues = templ.queues;
    bool added = false;
    transactions_.run([&](DbSession& session) { added = ResponseTemplateStore(session).importLegacy(legacyId, t); });
    return added;
}

Attachment PluginContext::storeFile(const std::string& bytes, const std::string& mimeType, const std::string& name) {
    return services_.files.put(bytes, mimeType, name, name_, FileUse::Channel);
}

std::optional<PluginHost::File> PluginContext::readFile(const std::string& fileId) {
    // A file in quarantine or deleted is no file to send: the plugin tells its sender it is gone.
    const auto found = services_.files.record(fileId);
    if (!found || found->deleted || !found->meta.quarantine.empty()) return std::nullopt;
    auto content = services_.files.get(fileId);
    if (!content) return std::nullopt;
    return File{std::move(content->meta), std::move(content->bytes)};
}

std::optional<std::string> PluginContext::loadState(const std::string& key) {
    return read<std::optional<std::string>>("plugin state", [&](DbSession& session) -> std::optional<std::string> {
        sql::PreparedStatement& q = session.prepare("SELECT value FROM plugin_state WHERE plugin = ? AND state_key = ?");
        q.setString(1, name_);
        q.setString(2, key);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) return std::nullopt;
        return std::string(rs->getString(1));
    });
}

void PluginContext::saveState(const std::string& key, const std::string& value) {
    if (key.empty() || key.size() > kStateKeyMax) {
        throw ApiError::badRequest("a state key must be 1 to " + std::to_string(kStateKeyMax) + " characters");
    }
    services_.writer.run([&](DbSession& session) {
        sql::PreparedStatement& q = session.prepare(
            "INSERT INTO plugin_state (plugin, state_key, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = VALUES(updated_at)");
        q.setString(1, name_);
        q.setString(2, key);
        q.setString(3, value);
        q.setString(4, nowDbTime());
        q.executeUpdate();
    }, "plugin:" + name_);
}

void PluginContext::eraseState(const std::string& key) {
    services_.writer.run([&](DbSession& session) {
        sql::PreparedStatement& q = session.prepare("DELETE FROM plugin_state WHERE plugin = ? AND state_key = ?");
        q.setString(1, name_);
        q.setString(2, key);
        q.executeUpdate();
    }, "plugin:" + name_);
}

std::vector<std::pair<std::string, std::string>> PluginContext::listState(const std::string& prefix) {
    using Rows = std::vector<std::pair<std::string, std::string>>;
    return read<Rows>("plugin state", [&](DbSession& session) {
        sql::PreparedStatement& q = session.prepare(
            "SELECT state_key, value FROM plugin_state WHERE plugin = ? AND LEFT(state_key, ?) = ? ORDER BY state_key");
        q.setString(1, name_);
        q.setInt(2, static_cast<int>(prefix.size()));
        q.setString(3, prefix);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        Rows rows;
        while (rs->next()) rows.emplace_back(rs->getString(1), rs->getString(2));
        return rows;
    });
}

bool PluginContext::isAdmin(const HttpRequest& request) const {
    return !services_.adminToken.empty() && constantTimeEquals(request.bearerToken(), services_.adminToken);
}

std::chrono::seconds PluginContext::throttle(RateLimit limit, const std::string& key) {
    return services_.throttle ? services_.throttle(limit, key) : std::chrono::seconds(0);
}

void PluginContext::setReadiness(const std::string& component, bool ready, const std::string& reason) {
    services_.health.setReadiness(name_ + "/" + component, ready, reason);
}

void PluginContext::setGauge(const std::string& name, const std::string& help, double value) {
    services_.health.setGauge("omnigate_" + name_ + "_" + name, help, value);
}

void PluginContext::publish(const std::string& topic, const std::string& type, const std::string& dataJson) {
    if (topic.rfind("omnigate/v1/", 0) != 0 || topic.find_first_of("#+") != std::string::npos) {
        throw ApiError::badRequest("a plugin publishes under omnigate/v1/ (no wildcards), not on '" + topic + "'");
    }
    Poco::JSON::Object::Ptr data;
    try {
        data = Poco::JSON::Parser().parse(dataJson).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw ApiError::badRequest("the event data is not a JSON object: " + e.displayText());
    }
    services_.writer.run([&](DbSession& session) { appendEvent(session, topic, type, data); }, "plugin:" + name_);
}

std::optional<std::string> PluginContext::interaction(std::int64_t id) {
    return read<std::optional<std::string>>("the interaction", [&](DbSession& session) -> std::optional<std::string> {
        const auto found = InteractionStore(session).load(id);
        if (!found) return std::nullopt;
        std::ostringstream out;
        toJson(*found)->stringify(out);
        return out.str();
    });
}

std::optional<std::string> PluginContext::client(std::int64_t id) {
    return read<std::optional<std::string>>("the client", [&](DbSession& session) -> std::optional<std::string> {
        const auto found = ClientStore(session).load(id);
        if (!found) return std::nullopt;
        std::ostringstream out;
        toJson(*found)->stringify(out);
        return out.str();
    });
}

void PluginContext::updateClientCard(std::int64_t clientId, const std::map<std::string, std::string>& fields) {
    ClientChanges changes;
    for (const auto& [key, value] : fields) changes.card[key] = value;
    services_.writer.run([&](DbSession& session) {
        ClientStore store(session);
        const auto current = store.load(clientId, true);
        if (!current) throw ApiError::notFound("no client " + std::to_string(clientId));
        store.update(clientId, current->version, changes, Actor{"integration", name_});
    }, "client:" + std::to_string(clientId));
}

std::vector<StoredMessage> PluginContext::messages(std::int64_t interactionId, std::size_t limit) {
    return messages_.messagesOf(interactionId, limit);
}

Actor PluginContext::botActor(const std::string& entry) const {
    for (const AccountConfig& a : accounts_) {
        if (a.id == entry) return Actor{"bot", entry};
    }
    throw ApiError::badRequest("no " + name_ + " entry '" + entry + "' is configured: a bot acts for its own entry");
}

bool PluginContext::holdForBot(const std::string& bot, std::int64_t interactionId) {
    if (!services_.bot.hold) throw ApiError::unavailable("routing is not running");
    return services_.bot.hold(interactionId, botActor(bot));
}

StoredMessage PluginContext::replyAsBot(const std::string& bot, std::int64_t interactionId, const std::string& text) {
    if (!services_.bot.reply) throw ApiError::unavailable("routing is not running");
    return services_.bot.reply(interactionId, text, botActor(bot));
}

void PluginContext::handOffToPeople(const std::string& bot, std::int64_t interactionId, const HandOff& handOff) {
    if (!services_.bot.handOff) throw ApiError::unavailable("routing is not running");
    services_.bot.handOff(interactionId, handOff, botActor(bot));
}

void PluginContext::closeAsBot(const std::string& bot, std::int64_t interactionId, const std::string& resolution) {
    if (!services_.bot.close) throw ApiError::unavailable("routing is not running");
    services_.bot.close(interactionId, resolution, botActor(bot));
}

}  // namespace omnigate
