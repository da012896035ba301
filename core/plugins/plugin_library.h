// One plugin shared library, opened with Poco::SharedLibrary. The ABI version is read before anything else, and
// a mismatch is refused with one sentence naming the plugin, both versions and the fix (FreeSWITCH and DuckDB
// do the same), because the alternative is a crash at the first virtual call.
#pragma once

#include <Poco/SharedLibrary.h>

#include <stdexcept>
#include <string>

#include "omnigate/sdk/plugin.h"

namespace omnigate {

class PluginLoadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class PluginLibrary {
public:
    // Throws PluginLoadError with a sentence that says what to do.
    explicit PluginLibrary(const std::string& path);
    ~PluginLibrary();
    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;

    Plugin& plugin() { return *plugin_; }
    const std::string& path() const { return path_; }

    // <directory>/omnigate_<type>.so
    static std::string pathFor(const std::string& directory, const std::string& type);

private:
    using DestroyFn = void (*)(Plugin*);

    std::string path_;
    Poco::SharedLibrary library_;
    Plugin* plugin_ = nullptr;
    DestroyFn destroy_ = nullptr;
};

}  // namespace omnigate
