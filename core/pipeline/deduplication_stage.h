// Stage 1: a provider's retry, or a copy arriving at the same moment on another connection, is answered with what
// was stored the first time and goes no further. Jobs run one at a time in the writer thread, so two copies in
// flight meet here in order: the second finds the first, in this batch's transaction or an earlier one.
#pragma once

#include "pipeline/inbound_context.h"

namespace omnigate {

class DeduplicationStage : public InboundStage {
public:
    const char* name() const override { return "deduplication"; }
    bool run(InboundContext& context, DbSession& session) override;
};

}  // namespace omnigate
