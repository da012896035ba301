#include "pipeline/deduplication_stage.h"

#include "store/message_store.h"

namespace omnigate {

bool DeduplicationStage::run(InboundContext& context, DbSession& session) {
    if (context.lookup) {
        if (context.lookup->duplicateId == 0) return true;
        context.duplicateOf = MessageStore(session).find(context.lookup->duplicateId);
        return !context.duplicateOf;
    }
    context.duplicateOf = MessageStore(session).findByExternalId(context.channel, context.message.account,
                                                                 Direction::Inbound, context.message.externalId);
    return !context.duplicateOf;
}

}  // namespace omnigate
