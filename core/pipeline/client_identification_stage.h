// Stage 4: the sender's address names the client; an address never seen before makes a new client (with the
// further contacts the channel knows, such as a web chat visitor's e-mail).
#pragma once

#include "pipeline/inbound_context.h"

namespace omnigate {

class ClientIdentificationStage : public InboundStage {
public:
    const char* name() const override { return "client identification"; }
    bool run(InboundContext& context, DbSession& session) override;
};

}  // namespace omnigate
