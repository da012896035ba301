// Stage 2: a message from an address on the black list [черный список] is still stored (nothing a client sends is
// lost) but its interaction is marked blocked, which routing never picks up.
#pragma once

#include "pipeline/inbound_context.h"

namespace omnigate {

class BlacklistStage : public InboundStage {
public:
    const char* name() const override { return "blacklist"; }
    bool run(InboundContext& context, DbSession& session) override;
};

}  // namespace omnigate
