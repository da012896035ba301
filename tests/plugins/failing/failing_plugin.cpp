// A plugin that cannot run: load() fails, and start-up must stop with its message.
#include "omnigate/sdk/plugin.h"

namespace {

class FailingPlugin : public omnigate::ChannelPlugin {
public:
    std::string name() const override { return "failing"; }
    omnigate::LoadResult load(omnigate::ChannelHost&) override {
        return omnigate::LoadResult::failure("the licence file is missing");
    }
    omnigate::SendResult send(const omnigate::OutboundMessage&) override { return {}; }
};

}  // namespace

OMNIGATE_PLUGIN(FailingPlugin)
