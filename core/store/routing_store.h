// The SQL of routing decisions: interactions moving between queues and operators, operators' statuses and loads,
// and the events each change owes (the interaction's own, the operator's inbox, the supervisors'). Every method
// runs inside the caller's transaction; the caller holds the locks its reads promised.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/interaction.h"
#include "model/operator.h"
#include "store/interaction_store.h"

namespace omnigate {

// An operator as the distributor sees them: status, capacities, what they hold now, which queues they serve.
struct OperatorLoad {
    std::string id;
    OperatorStatus status = OperatorStatus::Offline;
    std::map<std::string, int> capacities;
    std::map<std::string, int> load;  // offered, transferred (to them) and assigned interactions per channel
    std::set<std::string> queues;     // through their groups
    std::string lastOfferAt;          // database time; empty: never offered
    std::string idleSince;            // database time; empty: unknown
    std::string statusSince;
    std::string statusReason;

    int capacity(const std::string& channel) const;
    int held(const std::string& channel) const;
    int totalHeld() const;
    bool hasRoom(const std::string& channel) const { return held(channel) < capacity(channel); }
    // At capacity on every channel they have a capacity for (or have none at all).
    bool full() const;
};

// An interaction the router has to find a queue for.
struct UnroutedInteraction {
    std::int64_t id = 0;
    bool judgedBefore = false;  // found unroutable by earlier queues and rules (supervisors were told then)
};

// A queued interaction competing for an operator.
struct QueuedInteraction {
    std::int64_t id = 0;
    std::string queue;
    std::string channel;
    std::string declinedBy;
};

class RoutingStore {
public:
    explicit RoutingStore(DbSession& session) : session_(session), interactions_(session) {}

    // --- Interactions

    // Writes the routing fields of `after` (status, queue, operator, priority and its step, rule, line and offer
    // times, resolution, postponement): one UPDATE, a status history row when the status changed, and an
    // interaction.updated event naming the changed fields. The caller loaded `before` with its lock and checked
    // the lifecycle. Returns `after` with its new version and update time.
    Interaction save(const Interaction& before, Interaction after, const Actor& actor, const std::string& reason);

    // Interactions waiting for the router to pick their queue (new, or queued with no queue) that were not found
    // unroutable since `judgedBefore` (a database time: when the queues or rules last changed), locked; rows another
    // daemon holds are skipped.
    std::vector<UnroutedInteraction> lockUnrouted(const std::string& judgedBefore, std::size_t limit);
    // Remembers when no queue took this interaction, so later passes leave it alone until the queues or rules change.
    void markUnroutable(std::int64_t id);
    // The best `limit` queued interactions of `queues`: highest effective priority first
    // (priority + priority_step per minute waited, at most 100), then longest in line.
    std::vector<QueuedInteraction> bestQueued(const std::vector<std::string>& queues, std::size_t limit);
    // Of `ids`, those still queued, locked; rows another daemon holds are skipped.
    std::set<std::int64_t> lockStillQueued(const std::vector<std::int64_t>& ids);
    // Offers (distributed or by transfer) that have expired, and interactions whose client a chatbot left
    // unanswered too long, locked (skipping rows others hold).
    std::vector<std::int64_t> lockExpiredOffers(std::size_t limit);
    // Queued interactions of `queue` that entered it before `enteredBefore` (database time), locked.
    std::vector<std::int64_t> lockOverdue(const std::string& queue, const std::string& enteredBefore, std::size_t limit);
    // Postponed interactions whose time has come, locked.
    std::vector<std::int64_t> lockPostponedDue(std::size_t limit);
    // Offers held by `operatorId`, locked (when they go on a break, say).
    std::vector<std::int64_t> lockOffersOf(const std::string& operatorId);

    // --- Operators

    // Ready and busy operators with their loads and queues, locked; operators another daemon holds are skipped,
    // so two daemons never hand the same operator more than their capacity.
    std::vector<OperatorLoad> lockAvailableOperators();
    // One operator with their load and queues, locked (waits for the lock). Empty when there is no such operator.
    std::optional<OperatorLoad> lockOperator(const std::string& id);
    // The same without a lock, for a glance from inside another writer's transaction.
    std::optional<OperatorLoad> findOperator(const std::string& id);
    // Operators in a fixed wrap-up that has ended, locked.
    std::vector<std::string> lockEndedWrapUps();

    // Records the change in the history and publishes operator.status_changed on the operator's topic. A
    // change to the same status with the same reason does nothing.
    void setOperatorStatus(const std::string& id, OperatorStatus from, OperatorStatus to, const std::string& reason,
                           const Actor& actor, const std::string& wrapUpUntil = "");
    // Ready <-> busy as their load says.
    void refreshBusy(const OperatorLoad& op, const Actor& actor);
    void markOffered(const std::string& operatorId, const std::string& at);
    // How long a bot-first queue's bot may leave a client's message unanswered (30 s by default).
    int botTimeoutSeconds(const std::string& queue);
    // The operator's status changes, newest first: [{id, from, to, reason, actor_kind, actor_id, at}].
    Poco::JSON::Array::Ptr operatorStatusHistory(const std::string& operatorId, std::size_t limit,
                                                 std::int64_t beforeId);
    void markIdle(const std::string& operatorId, const std::string& at);

    // --- Events beyond the interaction's own

    // omnigate/v1/operators/{id}/inbox: offer.created, offer.withdrawn, interaction.assigned.
    void inboxEvent(const std::string& operatorId, const std::string& type, const Poco::JSON::Object::Ptr& data);
    // omnigate/v1/supervisors/events: operator.not_responding, interaction.overflowed, interaction.unroutable.
    void supervisorEvent(const std::string& type, const Poco::JSON::Object::Ptr& data);

private:
    void readLoads(std::map<std::string, OperatorLoad>& operators, bool single);
    void readQueues(std::map<std::string, OperatorLoad>& operators);
    std::optional<OperatorLoad> readOne(const std::string& id, bool lock);

    DbSession& session_;
    InteractionStore interactions_;
};

// {"interaction_id", "reason", "comment"?, "interaction": {…}}: what an operator's inbox events carry.
Poco::JSON::Object::Ptr inboxPayload(const Interaction& interaction, const std::string& reason,
                                     const std::string& comment = "");

std::string operatorTopic(const std::string& operatorId);
std::string operatorInboxTopic(const std::string& operatorId);
extern const char* const kSupervisorTopic;

}  // namespace omnigate
