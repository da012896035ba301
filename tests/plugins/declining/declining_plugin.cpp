// A plugin with nothing to do: load() declines, and the daemon must run on without it.
#include "omnigate/sdk/plugin.h"

namespace {

class DecliningPlugin : public omnigate::ChannelPlugin {
public:
    std::string name() const override { return "declining"; }
    omnigate::LoadResult load(omnigate::ChannelHost&) override {
        return omnigate::LoadResult::decline("nothing configured for it");
    }
    omnigate::SendResult send(const omnigate::OutboundMessage&) override { return {}; }
};

}  // namespace

OMNIGATE_PLUGIN(DecliningPlugin)
