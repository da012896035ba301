#include "model/queue_visit.h"

namespace omnigate {

const char* toString(VisitEnding ending) {
    switch (ending) {
        case VisitEnding::Answered: return "answered";
        case VisitEnding::Abandoned: return "abandoned";
        case VisitEnding::Left: return "left";
    }
    return "left";
}

bool waitsInQueue(const Interaction& i) {
    return (i.status == InteractionStatus::Queued || i.status == InteractionStatus::Offered) && !i.queue.empty() &&
           !i.queueEnteredAt.empty();
}

std::optional<VisitEnding> visitEnding(const Interaction& before, const Interaction& after) {
    if (!waitsInQueue(before)) return std::nullopt;
    if (waitsInQueue(after) && after.queue == before.queue && after.queueEnteredAt == before.queueEnteredAt) {
        return std::nullopt;
    }
    if (after.status == InteractionStatus::Assigned) return VisitEnding::Answered;
    if (after.status == InteractionStatus::Closed) return VisitEnding::Abandoned;
    return VisitEnding::Left;
}

}  // namespace omnigate
