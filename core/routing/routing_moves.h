// The few moves every routing path makes - offer, assign, back to a queue - each with the events it owes (the
// interaction's, the operator's inbox). The distributor, the timers and the operators' actions all move
// interactions through here, so a move looks the same on MQTT whoever made it.
#pragma once

#include <string>

#include "model/interaction.h"
#include "model/queue.h"
#include "store/routing_store.h"

namespace omnigate {

class RoutingMoves {
public:
    explicit RoutingMoves(RoutingStore& store) : store_(store) {}

    // Offers `current` to the operator until the queue's offer timeout (30 s without a queue); a queue with
    // auto-accept assigns at once instead. A colleague's transfer is an offer too, in status transferred.
    // inbox: offer.created (or interaction.assigned).
    Interaction offer(const Interaction& current, const std::string& operatorId, const Queue* queue,
                      const Actor& actor, const std::string& reason, const std::string& comment = "",
                      bool byTransfer = false);
    // The operator works on it from now. inbox: interaction.assigned.
    Interaction assign(const Interaction& current, const std::string& operatorId, const Actor& actor,
                       const std::string& reason, const std::string& comment = "");
    // Back to `queue` (empty: to the router, which picks one), keeping its place in line. An offer it was under
    // is withdrawn (inbox: offer.withdrawn); `skipOperator` is not offered it again while others can take it.
    Interaction requeue(const Interaction& current, const std::string& queue, const Actor& actor,
                        const std::string& reason, const std::string& skipOperator = "");

    // After an operator's load shrank: busy becomes ready again, and an operator holding nothing is idle from now.
    void released(const std::string& operatorId, const Actor& actor);

private:
    RoutingStore& store_;
};

}  // namespace omnigate
