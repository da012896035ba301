// A plugin built for the next ABI version: the host must refuse it after reading the version, before it calls
// anything else. The entry points are written out by hand because OMNIGATE_PLUGIN() always exports this SDK's
// version.
#include "omnigate/sdk/plugin.h"

namespace {

class AbiMismatchPlugin : public omnigate::ChannelPlugin {
public:
    std::string name() const override { return "abi_mismatch"; }
    omnigate::LoadResult load(omnigate::ChannelHost&) override { return omnigate::LoadResult::success(); }
    omnigate::SendResult send(const omnigate::OutboundMessage&) override { return {}; }
};

}  // namespace

extern "C" OMNIGATE_EXPORT int omnigate_plugin_abi_version() noexcept { return OMNIGATE_PLUGIN_ABI_VERSION + 1; }

extern "C" OMNIGATE_EXPORT omnigate::Plugin* omnigate_plugin_create() noexcept {
    try {
        return new AbiMismatchPlugin();
    } catch (...) {
        return nullptr;
    }
}

extern "C" OMNIGATE_EXPORT void omnigate_plugin_destroy(omnigate::Plugin* plugin) noexcept { delete plugin; }
