#include "plugins/plugin_library.h"

#include <Poco/File.h>
#include <Poco/Path.h>

namespace omnigate {

std::string PluginLibrary::pathFor(const std::string& directory, const std::string& type) {
    return Poco::Path(directory).makeDirectory().setFileName("omnigate_" + type + ".so").toString();
}

PluginLibrary::PluginLibrary(const std::string& path) : path_(path) {
    const std::string name = Poco::Path(path).getBaseName();
    if (!Poco::File(path).exists()) {
        throw PluginLoadError("plugin " + name + " not found at " + path +
                              ": build it (cmake --build build) or set plugins.directory to where it is");
    }
    try {
        library_.load(path);
    } catch (const Poco::Exception& e) {
        throw PluginLoadError("plugin " + name + " (" + path + ") cannot be loaded: " + e.displayText());
    }
    if (!library_.hasSymbol("omnigate_plugin_abi_version") || !library_.hasSymbol("omnigate_plugin_create") ||
        !library_.hasSymbol("omnigate_plugin_destroy")) {
        throw PluginLoadError("plugin " + name + " (" + path +
                              ") is not an omnigate plugin: it lacks the OMNIGATE_PLUGIN() entry points");
    }
    const auto version = reinterpret_cast<int (*)()>(library_.getSymbol("omnigate_plugin_abi_version"))();
    if (version != OMNIGATE_PLUGIN_ABI_VERSION) {
        throw PluginLoadError("plugin " + name + " (" + path + ") was built for plugin ABI version " +
                              std::to_string(version) + ", but this omnigate speaks version " +
                              std::to_string(OMNIGATE_PLUGIN_ABI_VERSION) +
                              ": rebuild the plugin against this omnigate's SDK");
    }
    const auto create = reinterpret_cast<Plugin* (*)()>(library_.getSymbol("omnigate_plugin_create"));
    destroy_ = reinterpret_cast<DestroyFn>(library_.getSymbol("omnigate_plugin_destroy"));
    plugin_ = create();
    if (plugin_ == nullptr) throw PluginLoadError("plugin " + name + " (" + path + ") failed to construct itself");
}

PluginLibrary::~PluginLibrary() {
    if (plugin_ != nullptr) destroy_(plugin_);
    // The library stays mapped: objects it created (loggers, thread-locals, exception types) may outlive this.
}

}  // namespace omnigate
