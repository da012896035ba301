// The version of the plugin contract, and the three C symbols every plugin exports.
// The host reads omnigate_plugin_abi_version() before it touches anything else in a library, because a plugin
// built against another SDK would otherwise crash at its first virtual call instead of failing with a sentence.
#pragma once

// Raise this whenever a class or struct in omnigate/sdk changes layout or a virtual function changes.
#define OMNIGATE_PLUGIN_ABI_VERSION 14

#define OMNIGATE_EXPORT __attribute__((visibility("default")))

namespace omnigate {
class Plugin;
}

// Put OMNIGATE_PLUGIN(MyPlugin) in exactly one .cpp file of a plugin.
#define OMNIGATE_PLUGIN(PluginClass)                                                          \
    extern "C" OMNIGATE_EXPORT int omnigate_plugin_abi_version() noexcept {                   \
        return OMNIGATE_PLUGIN_ABI_VERSION;                                                   \
    }                                                                                         \
    extern "C" OMNIGATE_EXPORT ::omnigate::Plugin* omnigate_plugin_create() noexcept {        \
        try {                                                                                 \
            return new PluginClass();                                                         \
        } catch (...) {                                                                       \
            return nullptr;                                                                   \
        }                                                                                     \
    }                                                                                         \
    extern "C" OMNIGATE_EXPORT void omnigate_plugin_destroy(::omnigate::Plugin* p) noexcept { \
        delete p;                                                                             \
    }
