// The first inbound stage: one round trip for what de-duplication, client identification and threading would each
// ask the database separately (is this external id stored, who is the sender, which interaction of theirs is
// open). At thousands of messages a second the round trips, not the rows, are what a writer lane waits on. A message
// that came in a batch with others was usually looked up with them already (InboundBatchLookup).
#pragma once

#include "pipeline/inbound_context.h"

namespace omnigate {

class LookupStage : public InboundStage {
public:
    const char* name() const override { return "lookup"; }
    bool run(InboundContext& context, DbSession& session) override;
};

}  // namespace omnigate
