// Loads the plugin of every type the config names, hands each its accounts, and keeps the outcome: loaded,
// declined (logged; the daemon runs on) or failed (start-up stops with the plugin's message).
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/daemon_config.h"
#include "plugins/plugin_context.h"
#include "plugins/plugin_library.h"

namespace omnigate {

class PluginManager {
public:
    PluginManager(const DaemonConfig& config, Router& router, MessageService& messages, Poco::Util::Timer& timer,
                  PluginServices services);
    ~PluginManager();

    // Throws PluginLoadError (ABI, missing file) or ConfigError, or PluginLoadError with a plugin's failure.
    void loadAll();
    void startAll();
    void stopAll();

    ChannelPlugin* channel(const std::string& type) const;
    std::vector<std::string> loaded() const;
    std::vector<std::string> declined() const { return declined_; }

private:
    struct Entry {
        std::unique_ptr<PluginLibrary> library;
        std::unique_ptr<PluginContext> context;
    };

    const DaemonConfig& config_;
    Router& router_;
    MessageService& messages_;
    Poco::Util::Timer& timer_;
    PluginServices services_;
    std::map<std::string, Entry> plugins_;
    std::vector<std::string> order_;
    std::vector<std::string> declined_;
};

}  // namespace omnigate
