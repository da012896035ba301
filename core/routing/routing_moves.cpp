#include "routing/routing_moves.h"

#include "db/db_time.h"

namespace omnigate {

namespace {

constexpr int kDefaultOfferSeconds = 30;

bool isOffer(InteractionStatus status) {
    return status == InteractionStatus::Offered || status == InteractionStatus::Transferred;
}

}  // namespace

Interaction RoutingMoves::offer(const Interaction& current, const std::string& operatorId, const Queue* queue,
                                const Actor& actor, const std::string& reason, const std::string& comment,
                                bool byTransfer) {
    if (queue != nullptr && queue->autoAccept) return assign(current, operatorId, actor, reason, comment);
    Interaction next = current;
    next.status = byTransfer ? InteractionStatus::Transferred : InteractionStatus::Offered;
    next.operatorId = operatorId;
    const int seconds = queue != nullptr ? queue->offerTimeoutSeconds : kDefaultOfferSeconds;
    next.offerExpiresAt = dbTimeToIso(dbTimeIn(std::chrono::seconds(seconds)));
    next.postponedUntil.clear();
    const Interaction offered = store_.save(current, next, actor, reason);
    if (isOffer(current.status) && !current.operatorId.empty() && current.operatorId != operatorId) {
        store_.inboxEvent(current.operatorId, "offer.withdrawn", inboxPayload(offered, "reassigned", ""));
    }
    Poco::JSON::Object::Ptr data = inboxPayload(offered, reason, comment);
    data->set("expires_at", offered.offerExpiresAt);
    store_.inboxEvent(operatorId, "offer.created", data);
    return offered;
}

Interaction RoutingMoves::assign(const Interaction& current, const std::string& operatorId, const Actor& actor,
                                 const std::string& reason, const std::string& comment) {
    Interaction next = current;
    next.status = InteractionStatus::Assigned;
    next.operatorId = operatorId;
    next.offerExpiresAt.clear();
    next.postponedUntil.clear();
    next.acceptedAt = dbTimeToIso(nowDbTime());
    const Interaction assigned = store_.save(current, next, actor, reason);
    if (isOffer(current.status) && !current.operatorId.empty() && current.operatorId != operatorId) {
        store_.inboxEvent(current.operatorId, "offer.withdrawn", inboxPayload(assigned, "reassigned", ""));
    }
    store_.inboxEvent(operatorId, "interaction.assigned", inboxPayload(assigned, reason, comment));
    return assigned;
}

Interaction RoutingMoves::requeue(const Interaction& current, const std::string& queue, const Actor& actor,
                                  const std::string& reason, const std::string& skipOperator) {
    Interaction next = current;
    next.status = InteractionStatus::Queued;
    next.queue = queue;
    next.operatorId.clear();
    next.offerExpiresAt.clear();
    next.postponedUntil.clear();
    const std::string now = dbTimeToIso(nowDbTime());
    if (next.queuedAt.empty()) next.queuedAt = now;
    if (queue != current.queue || current.queueEnteredAt.empty()) next.queueEnteredAt = now;
    if (!skipOperator.empty()) next.declinedBy = skipOperator;
    const Interaction queued = store_.save(current, next, actor, reason);
    if (isOffer(current.status) && !current.operatorId.empty()) {
        store_.inboxEvent(current.operatorId, "offer.withdrawn", inboxPayload(queued, reason, ""));
    }
    return queued;
}

void RoutingMoves::released(const std::string& operatorId, const Actor& actor) {
    if (operatorId.empty()) return;
    const auto op = store_.lockOperator(operatorId);
    if (!op) return;
    if (op->totalHeld() == 0) store_.markIdle(op->id, nowDbTime());
    store_.refreshBusy(*op, actor);
}

}  // namespace omnigate
