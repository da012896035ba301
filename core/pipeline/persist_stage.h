// Stage 8: writes the message (and any auto-replies after it) with their outbox events. The writer commits the
// batch; the outbox relay publishes the events after that, so subscribers never hear of uncommitted data.
#pragma once

#include "pipeline/inbound_context.h"

namespace omnigate {

class PersistStage : public InboundStage {
public:
    const char* name() const override { return "persist"; }
    bool run(InboundContext& context, DbSession& session) override;
};

}  // namespace omnigate
