#include "pipeline/client_identification_stage.h"

#include "store/interaction_store.h"

namespace omnigate {

bool ClientIdentificationStage::run(InboundContext& context, DbSession& session) {
    const InboundMessage& m = context.message;
    context.clientId = InteractionStore(session).resolveClient(m.from, m.clientName, m.contacts);
    return true;
}

}  // namespace omnigate
