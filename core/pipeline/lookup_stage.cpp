#include "pipeline/lookup_stage.h"

#include "store/inbound_reader.h"

namespace omnigate {

bool LookupStage::run(InboundContext& context, DbSession& session) {
    if (context.lookup) return true;  // read with the rest of its batch
    const InboundMessage& m = context.message;
    context.lookup = InboundReader(session).lookup(context.channel, m.account, m.externalId, m.from, m.threadKey);
    return true;
}

}  // namespace omnigate
