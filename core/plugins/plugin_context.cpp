#include "plugins/plugin_context.h"

#include <Poco/Util/TimerTaskAdapter.h>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

class FunctionTask : public Poco::Util::TimerTask {
public:
    FunctionTask(std::function<void()> task, Poco::Logger& logger) : task_(std::move(task)), logger_(logger) {}
    void run() override {
        try {
            task_();
        } catch (const std::exception& e) {
            logger_.error("timer task failed: %s", std::string(e.what()));
        }
    }

private:
    std::function<void()> task_;
    Poco::Logger& logger_;
};

}  // namespace

PluginContext::PluginContext(std::string pluginName, std::vector<AccountConfig> accounts, Router& router,
                             MessageService& messages, Poco::Util::Timer& timer)
    : name_(std::move(pluginName)),
      accounts_(std::move(accounts)),
      router_(router),
      messages_(messages),
      timer_(timer),
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

void PluginContext::rateInteraction(const std::string& account, const Address& client, std::int64_t interactionId,
                                    int rating, const std::string& comment) {
    checkAccount(account);
    messages_.rateByClient(name_, account, client, interactionId, rating, comment);
}

void PluginContext::addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) {
    HttpHandler contained = [this, handler = std::move(handler)](const HttpRequest& request) {
        try {
            return handler(request);
        } catch (const ApiError&) {
            throw;
        } catch (const std::exception& e) {
            logger_.error("%s %s failed in the plugin: %s", request.method, request.path, std::string(e.what()));
        } catch (...) {
            logger_.error("%s %s failed in the plugin with a non-standard exception", request.method, request.path);
        }
        throw ApiError(500, "plugin_error", "the " + name_ + " plugin failed; see the omnigate log");
    };
    register_([this, method, pattern, contained] { router_.add(method, pattern, contained); });
}

void PluginContext::addWebSocket(const std::string& pattern, std::shared_ptr<WebSocketHandler> handler) {
    register_([this, pattern, handler] { router_.addWebSocket(pattern, handler); });
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

}  // namespace omnigate
