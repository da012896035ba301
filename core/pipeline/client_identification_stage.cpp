#include "pipeline/client_identification_stage.h"

#include "store/client_store.h"

namespace omnigate {

bool ClientIdentificationStage::run(InboundContext& context, DbSession& session) {
    const InboundMessage& m = context.message;
    // A known sender needs nothing more; a new one is created with their addresses.
    context.clientId = context.lookup && context.lookup->clientId != 0
                           ? context.lookup->clientId
                           : ClientStore(session).resolve(m.from, m.clientName, m.contacts);
    return true;
}

}  // namespace omnigate
