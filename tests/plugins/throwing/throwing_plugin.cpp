// A plugin whose load() throws: the host must turn the exception into a load failure, not crash.
#include <stdexcept>

#include "omnigate/sdk/plugin.h"

namespace {

class ThrowingPlugin : public omnigate::ChannelPlugin {
public:
    std::string name() const override { return "throwing"; }
    omnigate::LoadResult load(omnigate::ChannelHost&) override { throw std::runtime_error("boom in load"); }
    omnigate::SendResult send(const omnigate::OutboundMessage&) override { return {}; }
};

}  // namespace

OMNIGATE_PLUGIN(ThrowingPlugin)
