// What the prioritisation rules look at, read for one interaction: its channel and account, its client's flags and
// card, its topics, the text of its latest inbound message and how long it has waited. The dry run and the
// distributor both read the facts here, in one round trip, so a rule sees the same thing in either.
#pragma once

#include <cstdint>
#include <optional>

#include "db/db_session.h"
#include "model/routing_rule.h"

namespace omnigate {

class RoutingFactsReader {
public:
    explicit RoutingFactsReader(DbSession& session) : session_(session) {}

    // nullopt when there is no such interaction. waitedSeconds counts from when it was first queued (or, never
    // queued, from its creation) to now, by this daemon's clock like every time it writes.
    std::optional<RoutingFacts> read(std::int64_t interactionId);

private:
    DbSession& session_;
};

}  // namespace omnigate
