// What operators and supervisors do to route interactions by hand: accept or decline an offer, wait for the
// client, transfer, postpone, close, take one from a queue, assign one, change its priority; and operators'
// own statuses. Each action is one short transaction (TransactionRunner) with its events; the distributor is
// woken afterwards, because almost every action frees or fills some operator's capacity.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "db/transaction_runner.h"
#include "interactions/interaction_service.h"
#include "model/interaction.h"
#include "model/operator.h"
#include "routing/routing_catalog.h"
#include "store/interaction_store.h"

namespace omnigate {

class RoutingService {
public:
    RoutingService(TransactionRunner& runner, RoutingCatalog& catalog, InteractionService& interactions,
                   std::function<void()> wakeDistributor);

    // 409 offer_not_yours unless it is offered (or transferred) to `operatorId`; 409 offer_expired past its time.
    Interaction accept(std::int64_t id, const std::string& operatorId, const Actor& actor);
    // Back to its queue at its place; the operator is not offered it again while someone else can take it.
    Interaction decline(std::int64_t id, const std::string& operatorId, const std::string& reason, const Actor& actor);
    // Waiting for the client's reply: it frees the operator's place and comes back to them when the client answers
    // (if they are ready then; else it goes to the queue).
    Interaction waitForClient(std::int64_t id, const Actor& actor);
    // To another queue (at its place in line) or, as an offer in status transferred, to another operator.
    Interaction transferToQueue(std::int64_t id, const std::string& queue, const std::string& comment,
                                const Actor& actor);
    Interaction transferToOperator(std::int64_t id, const std::string& operatorId, const std::string& comment,
                                   const Actor& actor);
    // Until `untilIso` (a future time); then back to the same operator if they can take it, else to the queue.
    Interaction postpone(std::int64_t id, const std::string& untilIso, const std::string& comment, const Actor& actor);
    // Through the interaction lifecycle (rating request and all); the queue may require a resolution.
    Interaction close(std::int64_t id, const std::string& resolution, const Actor& actor);
    // An operator takes a queued interaction themselves, where the queue allows it and they serve the queue.
    Interaction take(std::int64_t id, const std::string& operatorId, const Actor& actor);
    // A supervisor gives it to an operator (or to themselves), whatever its status, capacity notwithstanding.
    Interaction assign(std::int64_t id, const std::string& operatorId, const std::string& comment, const Actor& actor);
    Interaction setPriority(std::int64_t id, int priority, const Actor& actor);

    // --- The chatbot of a bot-first queue (actor {bot, <its integration>}); 409 not_held_by_bot unless the
    // interaction is in status bot and held by that integration.

    // The bot of integration `actor.id` gets the interaction: true when it now holds it (it was in status bot and
    // no other bot held it).
    bool holdForBot(std::int64_t id, const Actor& actor);
    // Before the bot's reply is sent: its clock stops until the client writes again.
    Interaction botReplied(std::int64_t id, const Actor& actor);
    // To people: queued in `queue` (empty: where it is) with `priority` when given.
    Interaction handOff(std::int64_t id, const std::string& queue, std::optional<int> priority,
                        const std::string& comment, const Actor& actor);

    // ready, break (with a reason from the break reasons) or offline; busy, wrap-up and not responding are
    // omnigate's to set (400). Going on a break or offline withdraws the offers the operator holds.
    // Returns {operator_id, status, reason}.
    Poco::JSON::Object::Ptr setOperatorStatus(const std::string& operatorId, const std::string& status,
                                              const std::string& reason, const Actor& actor);

    // The hooks InteractionService calls around every status change.
    StatusHooks statusHooks();

private:
    Interaction act(std::int64_t id, const std::function<Interaction(class RoutingStore&, const Interaction&)>& move);
    void afterClose(const Interaction& before);

    TransactionRunner& runner_;
    RoutingCatalog& catalog_;
    InteractionService& interactions_;
    std::function<void()> wakeDistributor_;
};

// 409 not_held_by_bot unless `current` is in status bot and held by the integration `bot.id` names.
void requireBot(const Interaction& current, const Actor& bot);

}  // namespace omnigate
