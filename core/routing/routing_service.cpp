#include "routing/routing_service.h"

#include <algorithm>

#include "db/db_time.h"
#include "omnigate/sdk/api_error.h"
#include "routing/routing_moves.h"
#include "store/routing_store.h"

namespace omnigate {

namespace {

std::string idText(std::int64_t id) { return std::to_string(id); }

bool isOffer(InteractionStatus status) {
    return status == InteractionStatus::Offered || status == InteractionStatus::Transferred;
}

bool canWork(OperatorStatus status) { return status == OperatorStatus::Ready || status == OperatorStatus::Busy; }

// The same wording as InteractionStore::changeStatus, so a client sees one kind of lifecycle refusal.
void requireTransition(const Interaction& current, InteractionStatus to) {
    if (current.status == to || canTransition(current.status, to)) return;
    std::string allowed;
    for (InteractionStatus s : allowedTransitions(current.status)) {
        allowed += (allowed.empty() ? "" : ", ") + std::string(toString(s));
    }
    throw ApiError(409, "illegal_transition",
                   std::string("an interaction cannot go from ") + toString(current.status) + " to " + toString(to) +
                       "; allowed from " + toString(current.status) + ": " +
                       (allowed.empty() ? "none (it is final)" : allowed));
}


// An operator acts only on what they hold (or what nobody holds); administrators and supervisors on anything.
void requireHolder(const Interaction& current, const Actor& actor) {
    if (actor.kind == "bot") {
        requireBot(current, actor);
        return;
    }
    if (actor.kind != "operator" || current.operatorId.empty() || current.operatorId == actor.id) return;
    throw ApiError(409, "not_your_interaction",
                   "interaction " + idText(current.id) + " is " +
                       (current.operatorId.empty() ? "held by no operator" : "held by operator " + current.operatorId) +
                       ", not by " + actor.id);
}

OperatorLoad requireOperator(RoutingStore& store, const std::string& id) {
    auto op = store.lockOperator(id);
    if (!op) throw ApiError::notFound("no operator '" + id + "'");
    return *op;
}

std::vector<std::string> breakReasons(DbSession& session) {
    std::vector<std::string> ids;
    std::unique_ptr<sql::ResultSet> rs(session.prepare("SELECT id FROM break_reasons ORDER BY id").executeQuery());
    while (rs->next()) ids.push_back(rs->getString(1));
    return ids;
}

}  // namespace

RoutingService::RoutingService(TransactionRunner& runner, RoutingCatalog& catalog, InteractionService& interactions,
                               std::function<void()> wakeDistributor)
    : runner_(runner), catalog_(catalog), interactions_(interactions), wakeDistributor_(std::move(wakeDistributor)) {}

void requireBot(const Interaction& current, const Actor& bot) {
    if (current.status == InteractionStatus::Bot && !current.bot.empty() && current.bot == bot.id) return;
    const std::string why = current.status != InteractionStatus::Bot ? std::string(toString(current.status))
                            : current.bot.empty()                    ? "with no bot yet"
                                                                     : "with another bot";
    throw ApiError(409, "not_held_by_bot",
                   "interaction " + idText(current.id) + " is " + why + ", not with the bot of '" + bot.id +
                       "': a bot may only answer, hand off or close what its own integration holds");
}

Interaction RoutingService::act(std::int64_t id,
                                const std::function<Interaction(RoutingStore&, const Interaction&)>& move) {
    Interaction result;
    runner_.run([&](DbSession& session) {
        RoutingStore store(session);
        const auto current = InteractionStore(session).load(id, true);
        if (!current) throw ApiError::notFound("no interaction " + idText(id));
        result = move(store, *current);
    });
    if (wakeDistributor_) wakeDistributor_();
    return result;
}

Interaction RoutingService::accept(std::int64_t id, const std::string& operatorId, const Actor& actor) {
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        if (!isOffer(current.status) || current.operatorId != operatorId) {
            throw ApiError(409, "offer_not_yours",
                           "interaction " + idText(id) + " is not offered to operator " + operatorId + " (it is " +
                               toString(current.status) +
                               (current.operatorId.empty() ? "" : ", with operator " + current.operatorId) + ")");
        }
        if (!current.offerExpiresAt.empty() && isoToDbTime(current.offerExpiresAt) <= nowDbTime()) {
            throw ApiError(409, "offer_expired",
                           "the offer of interaction " + idText(id) + " expired at " + current.offerExpiresAt +
                               "; it goes back to its queue");
        }
        return RoutingMoves(store).assign(current, operatorId, actor, "accepted");
    });
}

Interaction RoutingService::decline(std::int64_t id, const std::string& operatorId, const std::string& reason,
                                    const Actor& actor) {
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        if (!isOffer(current.status) || current.operatorId != operatorId) {
            throw ApiError(409, "offer_not_yours",
                           "interaction " + idText(id) + " is not offered to operator " + operatorId + " (it is " +
                               toString(current.status) + ")");
        }
        RoutingMoves moves(store);
        const Interaction queued = moves.requeue(current, current.queue, actor,
                                                 reason.empty() ? "declined" : "declined: " + reason, operatorId);
        moves.released(operatorId, actor);
        return queued;
    });
}

Interaction RoutingService::waitForClient(std::int64_t id, const Actor& actor) {
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        requireHolder(current, actor);
        requireTransition(current, InteractionStatus::Waiting);
        Interaction next = current;
        next.status = InteractionStatus::Waiting;
        const Interaction waiting = store.save(current, next, actor, "waiting for the client's reply");
        RoutingMoves(store).released(current.operatorId, actor);
        return waiting;
    });
}

Interaction RoutingService::transferToQueue(std::int64_t id, const std::string& queue, const std::string& comment,
                                            const Actor& actor) {
    if (catalog_.current()->queue(queue) == nullptr) {
        catalog_.invalidate();  // made through another daemon a moment ago, perhaps
        if (catalog_.current()->queue(queue) == nullptr) throw ApiError::notFound("no queue '" + queue + "'");
    }
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        requireHolder(current, actor);
        requireTransition(current, InteractionStatus::Queued);
        RoutingMoves moves(store);
        const Interaction queued = moves.requeue(current, queue, actor,
                                                 "transferred to queue " + queue + (comment.empty() ? "" : ": " + comment),
                                                 current.operatorId);
        moves.released(current.operatorId, actor);
        return queued;
    });
}

Interaction RoutingService::transferToOperator(std::int64_t id, const std::string& operatorId,
                                               const std::string& comment, const Actor& actor) {
    const auto snapshot = catalog_.current();
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        requireHolder(current, actor);
        if (current.operatorId == operatorId && !isOffer(current.status)) {
            throw ApiError(409, "already_theirs", "operator " + operatorId + " already holds interaction " + idText(id));
        }
        requireTransition(current, InteractionStatus::Transferred);
        const OperatorLoad target = requireOperator(store, operatorId);
        if (!canWork(target.status)) {
            throw ApiError(409, "operator_unavailable",
                           "operator " + operatorId + " is " + toString(target.status) +
                               ": they cannot take a transfer now; transfer to their queue instead");
        }
        RoutingMoves moves(store);
        const std::string previous = current.operatorId;
        const Interaction offered =
            moves.offer(current, operatorId, snapshot->queue(current.queue), actor,
                        "transferred to operator " + operatorId + (comment.empty() ? "" : ": " + comment), comment,
                        true);
        if (!previous.empty() && previous != operatorId) moves.released(previous, actor);
        return offered;
    });
}

Interaction RoutingService::postpone(std::int64_t id, const std::string& untilIso, const std::string& comment,
                                     const Actor& actor) {
    if (isoToDbTime(untilIso) <= nowDbTime()) {
        throw ApiError::badRequest("'until' must be in the future (it is " + dbTimeToIso(nowDbTime()) + " now)");
    }
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        requireHolder(current, actor);
        requireTransition(current, InteractionStatus::Postponed);
        Interaction next = current;
        next.status = InteractionStatus::Postponed;
        next.postponedUntil = untilIso;
        next.offerExpiresAt.clear();
        const Interaction postponed =
            store.save(current, next, actor, "postponed until " + untilIso + (comment.empty() ? "" : ": " + comment));
        RoutingMoves(store).released(current.operatorId, actor);
        return postponed;
    });
}

Interaction RoutingService::close(std::int64_t id, const std::string& resolution, const Actor& actor) {
    return interactions_.changeStatus(id, InteractionStatus::Closed, actor, "", resolution, "", std::nullopt);
}

Interaction RoutingService::take(std::int64_t id, const std::string& operatorId, const Actor& actor) {
    const auto snapshot = catalog_.current();
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        if (current.status != InteractionStatus::Queued) {
            throw ApiError(409, "not_queued",
                           "interaction " + idText(id) + " is " + toString(current.status) + ", not waiting in a queue");
        }
        const Queue* queue = snapshot->queue(current.queue);
        if (queue == nullptr || !queue->operatorsMayTake) {
            throw ApiError(409, "taking_not_allowed",
                           "queue " + current.queue +
                               " does not let operators take interactions themselves (operators_may_take is off)");
        }
        OperatorLoad op = requireOperator(store, operatorId);
        if (op.queues.count(current.queue) == 0) {
            throw ApiError(409, "queue_not_served",
                           "operator " + operatorId + " does not serve queue " + current.queue +
                               " (none of their groups lists it)");
        }
        const Interaction taken = RoutingMoves(store).assign(current, operatorId, actor, "taken from the queue");
        ++op.load[current.channel];
        store.refreshBusy(op, actor);
        return taken;
    });
}

Interaction RoutingService::assign(std::int64_t id, const std::string& operatorId, const std::string& comment,
                                   const Actor& actor) {
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        if (current.status == InteractionStatus::Assigned && current.operatorId == operatorId) return current;
        requireTransition(current, InteractionStatus::Assigned);
        OperatorLoad op = requireOperator(store, operatorId);
        if (op.status == OperatorStatus::Offline) {
            throw ApiError(409, "operator_unavailable",
                           "operator " + operatorId + " is offline: they would not see the interaction");
        }
        RoutingMoves moves(store);
        const std::string previous = current.operatorId;
        const Interaction assigned = moves.assign(current, operatorId, actor,
                                                  "assigned by " + actor.kind + (actor.id.empty() ? "" : " " + actor.id),
                                                  comment);
        ++op.load[current.channel];
        store.refreshBusy(op, actor);
        if (!previous.empty() && previous != operatorId) moves.released(previous, actor);
        return assigned;
    });
}

Interaction RoutingService::setPriority(std::int64_t id, int priority, const Actor& actor) {
    if (priority < 0 || priority > 100) throw ApiError::badRequest("'priority' must be 0 to 100");
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        if (current.status == InteractionStatus::Closed) {
            throw ApiError(409, "interaction_closed", "interaction " + idText(id) + " is closed");
        }
        Interaction next = current;
        next.priority = priority;
        return store.save(current, next, actor, "priority set to " + std::to_string(priority));
    });
}

bool RoutingService::holdForBot(std::int64_t id, const Actor& actor) {
    bool held = false;
    runner_.run([&](DbSession& session) { held = InteractionStore(session).holdForBot(id, actor.id); });
    return held;
}

Interaction RoutingService::botReplied(std::int64_t id, const Actor& actor) {
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        requireBot(current, actor);
        Interaction next = current;
        next.offerExpiresAt.clear();
        return store.save(current, next, actor, "");
    });
}

Interaction RoutingService::handOff(std::int64_t id, const std::string& queue, std::optional<int> priority,
                                    const std::string& comment, const Actor& actor) {
    if (priority && (*priority < 0 || *priority > 100)) throw ApiError::badRequest("'priority' must be 0 to 100");
    if (!queue.empty() && catalog_.current()->queue(queue) == nullptr) {
        catalog_.invalidate();
        if (catalog_.current()->queue(queue) == nullptr) throw ApiError::badRequest("'queue_id': no queue '" + queue + "'");
    }
    return act(id, [&](RoutingStore& store, const Interaction& current) {
        requireBot(current, actor);
        Interaction prioritised = current;
        if (priority) prioritised.priority = *priority;
        RoutingMoves moves(store);
        const std::string target = queue.empty() ? current.queue : queue;
        const std::string why = "handed off by the bot" + (comment.empty() ? "" : ": " + comment);
        if (!priority) return moves.requeue(current, target, actor, why);
        // Priority and queue in one change, so the event shows both.
        Interaction next = prioritised;
        next.status = InteractionStatus::Queued;
        next.queue = target;
        next.offerExpiresAt.clear();
        const std::string now = dbTimeToIso(nowDbTime());
        if (next.queuedAt.empty()) next.queuedAt = now;
        if (target != current.queue) next.queueEnteredAt = now;
        return store.save(current, next, actor, why);
    });
}

Poco::JSON::Object::Ptr RoutingService::setOperatorStatus(const std::string& operatorId, const std::string& status,
                                                          const std::string& reason, const Actor& actor) {
    const auto wanted = parseOperatorStatus(status);
    if (!wanted || (*wanted != OperatorStatus::Ready && *wanted != OperatorStatus::Break &&
                    *wanted != OperatorStatus::Offline)) {
        throw ApiError::badRequest("'status' must be ready, break or offline (busy, wrap_up and not_responding are "
                                   "set by omnigate); got '" + status + "'");
    }
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    runner_.run([&](DbSession& session) {
        RoutingStore store(session);
        InteractionStore interactions(session);
        std::string why = reason;
        if (*wanted == OperatorStatus::Break) {
            const auto reasons = breakReasons(session);
            if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) {
                std::string list;
                for (const std::string& r : reasons) list += (list.empty() ? "" : ", ") + r;
                throw ApiError::badRequest("'reason': a break needs one of the break reasons (" +
                                           (list.empty() ? std::string("none defined yet: add them under "
                                                                       "/api/v1/break-reasons")
                                                         : list) +
                                           "); got '" + reason + "'");
            }
        } else if (*wanted == OperatorStatus::Ready) {
            why.clear();
        }
        OperatorLoad op = requireOperator(store, operatorId);
        OperatorStatus target = *wanted;
        if (target == OperatorStatus::Ready && op.full()) target = OperatorStatus::Busy;
        if (target == OperatorStatus::Break || target == OperatorStatus::Offline) {
            RoutingMoves moves(store);
            for (std::int64_t id : store.lockOffersOf(operatorId)) {
                const auto current = interactions.load(id);
                if (current) moves.requeue(*current, current->queue, actor, "operator went " + std::string(toString(target)));
            }
        }
        if (target != op.status || why != op.statusReason) {
            store.setOperatorStatus(operatorId, op.status, target, why, actor);
        }
        result->set("operator_id", operatorId);
        result->set("status", toString(target));
        result->set("reason", why);
    });
    if (wakeDistributor_) wakeDistributor_();
    return result;
}

StatusHooks RoutingService::statusHooks() {
    StatusHooks hooks;
    hooks.check = [this](const Interaction& current, InteractionStatus to, const std::string& resolution,
                         const Actor& actor) {
        if (actor.kind == "bot") requireBot(current, actor);  // the bot changes nothing it does not hold
        if (to != InteractionStatus::Closed) return;
        requireHolder(current, actor);
        const Queue* queue = catalog_.current()->queue(current.queue);
        if (queue != nullptr && queue->resolutionRequired &&
            resolution.find_first_not_of(" \t\r\n") == std::string::npos) {
            throw ApiError::badRequest("'resolution' is required to close an interaction of queue " + queue->id);
        }
    };
    hooks.changed = [this](const Interaction& before, const Interaction& after) {
        if (after.status == InteractionStatus::Closed && !before.operatorId.empty()) afterClose(before);
        if (wakeDistributor_) wakeDistributor_();
    };
    return hooks;
}

void RoutingService::afterClose(const Interaction& before) {
    const Queue* queue = catalog_.current()->queue(before.queue);
    const Actor system{"system", "wrap-up"};
    runner_.run([&](DbSession& session) {
        RoutingStore store(session);
        const auto op = store.lockOperator(before.operatorId);
        if (!op) return;
        if (op->totalHeld() == 0) store.markIdle(op->id, nowDbTime());
        // Wrap-up [поствызывная обработка] only interrupts an operator who is taking work; one on a break or
        // offline stays so.
        if (queue == nullptr || queue->wrapUp == WrapUpMode::None || !canWork(op->status)) {
            store.refreshBusy(*op, system);
            return;
        }
        const std::string until =
            queue->wrapUp == WrapUpMode::Fixed ? dbTimeIn(std::chrono::seconds(queue->wrapUpSeconds)) : "";
        store.setOperatorStatus(op->id, op->status, OperatorStatus::WrapUp,
                                "closed interaction " + idText(before.id), system, until);
    });
}

}  // namespace omnigate
