// Stage 7: auto-reply templates [шаблоны автоответов] of the channel account (and queue): a greeting for every new
// interaction, and an out-of-hours answer outside the template's working hours (once per interaction, not per
// message). Machine-sent mail is never answered, so two auto-responders cannot talk to each other forever.
#pragma once

#include <map>
#include <string>

#include "pipeline/inbound_context.h"

namespace omnigate {

class AutoReplyStage : public InboundStage {
public:
    const char* name() const override { return "auto-reply"; }
    bool run(InboundContext& context, DbSession& session) override;
};

}  // namespace omnigate
