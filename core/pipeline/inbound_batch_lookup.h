// The lookup stage's reads for a whole run of inbound messages in one writer batch: two statements for the run
// instead of one per message (WriteBatcher::Prelude). Under load the statement, not its rows, is what MariaDB spends
// its CPU on, and each one is a round trip the lane waits for.
//
// A message that shares an address or an external id with an earlier one of the run is left to look for itself
// (LookupStage), after that one's writes: a read made before the run cannot see the client or interaction the
// earlier message is about to create.
#pragma once

#include "db/write_batcher.h"

namespace omnigate {

class InboundBatchLookup : public WriteBatcher::Prelude {
public:
    // The items are InboundContexts.
    void runBefore(DbSession& session, const std::vector<WriteBatcher::PreludeItem*>& items) override;
};

}  // namespace omnigate
