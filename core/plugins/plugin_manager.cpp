#include "plugins/plugin_manager.h"

#include "model/internal_error.h"
#include <Poco/Logger.h>

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.plugins"); }

// Hands the plugin the role its kind needs; kind() names the class it derives from, so the cast is exact.
LoadResult loadInRole(Plugin& plugin, PluginContext& context) {
    switch (plugin.kind()) {
        case PluginKind::Channel: return static_cast<ChannelPlugin&>(plugin).load(context);
        case PluginKind::Integration: return static_cast<IntegrationPlugin&>(plugin).load(context);
        case PluginKind::Bot: return static_cast<BotPlugin&>(plugin).load(context);
    }
    return LoadResult::failure("declares a kind this omnigate does not know");
}

}  // namespace

PluginManager::PluginManager(const DaemonConfig& config, Router& router, MessageService& messages,
                             Poco::Util::Timer& timer, PluginServices services)
    : config_(config), router_(router), messages_(messages), timer_(timer), services_(std::move(services)) {}

PluginManager::~PluginManager() { stopAll(); }

void PluginManager::loadAll() {
    for (const std::string& type : config_.pluginTypes()) {
        std::vector<AccountConfig> accounts;
        for (const auto* list : {&config_.channels, &config_.integrations}) {
            for (const PluginEntry& e : *list) {
                if (e.type == type) accounts.push_back({e.id, e.settings});
            }
        }
        Entry entry;
        entry.library = std::make_unique<PluginLibrary>(PluginLibrary::pathFor(config_.pluginDirectory, type));
        Plugin& plugin = entry.library->plugin();
        if (plugin.name() != type) {
            throw PluginLoadError("plugin " + entry.library->path() + " calls itself '" + plugin.name() +
                                  "', not '" + type + "': rename the library or fix its name()");
        }
        entry.context =
            std::make_unique<PluginContext>(type, std::move(accounts), router_, messages_, timer_, services_);
        LoadResult result;
        try {
            result = loadInRole(plugin, *entry.context);
        } catch (const ConfigError&) {
            throw;
        } catch (const std::exception& e) {
            result = LoadResult::failure(std::string("threw during load: ") + withCause(e));
        } catch (...) {
            result = LoadResult::failure("threw a non-standard exception during load");
        }
        switch (result.code) {
            case LoadResult::Code::Success:
                try {
                    entry.context->commitRoutes();
                } catch (const std::invalid_argument& e) {
                    throw PluginLoadError("plugin " + type + ": " + withCause(e));
                }
                logger().information("plugin %s loaded from %s", type, entry.library->path());
                order_.push_back(type);
                plugins_[type] = std::move(entry);
                break;
            case LoadResult::Code::Decline:
                logger().notice("plugin %s declined to run: %s", type, result.message);
                declined_.push_back(type);
                break;
            case LoadResult::Code::Failure:
                throw PluginLoadError("plugin " + type + " failed to load: " + result.message);
        }
    }
}

void PluginManager::startAll() {
    for (const std::string& type : order_) {
        try {
            plugins_.at(type).library->plugin().start();
        } catch (const std::exception& e) {
            throw PluginLoadError("plugin " + type + " failed to start: " + withCause(e));
        } catch (...) {
            throw PluginLoadError("plugin " + type + " failed to start with a non-standard exception");
        }
    }
}

void PluginManager::stopAll() {
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
        Entry& entry = plugins_.at(*it);
        entry.context->cancelAllTimers();
        try {
            entry.library->plugin().stop();
        } catch (const std::exception& e) {
            logger().error("plugin %s failed to stop: %s", *it, withCause(e));
        } catch (...) {
            logger().error("plugin %s failed to stop with a non-standard exception", *it);
        }
    }
    order_.clear();
}

ChannelPlugin* PluginManager::channel(const std::string& type) const {
    const auto it = plugins_.find(type);
    if (it == plugins_.end() || it->second.library->plugin().kind() != PluginKind::Channel) return nullptr;
    return static_cast<ChannelPlugin*>(&it->second.library->plugin());
}

std::vector<std::string> PluginManager::loaded() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : plugins_) names.push_back(name);
    return names;
}

}  // namespace omnigate
