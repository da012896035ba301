#include "routing/distributor.h"

#include <Poco/Logger.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <cstdio>

#include "db/db_time.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"
#include "routing/operator_picker.h"
#include "routing/routing_moves.h"
#include "store/interaction_store.h"
#include "store/routing_facts_reader.h"
#include "store/routing_store.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.routing"); }

const Actor kSystem{"system", "distributor"};

// Interactions routed to queues per transaction: each needs its facts read, so keep transactions short.
constexpr std::size_t kRouteBatch = 200;

std::string sequenceMark(const std::string& now, std::size_t sequence) {
    // Offers made in one pass share a millisecond; the suffix orders them for round robin within the pass.
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "#%08zu", sequence);
    return now + suffix;
}

}  // namespace

Distributor::Distributor(ConnectionPool& pool, RoutingCatalog& catalog, TransactionRunner& runner,
                         DistributorOptions options)
    : pool_(pool), catalog_(catalog), runner_(runner), options_(options) {}

Distributor::~Distributor() { stop(); }

void Distributor::start() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = false;
    }
    thread_ = std::thread([this] { loop(); });
}

void Distributor::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Distributor::wake() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        woken_ = true;
    }
    wake_.notify_one();
}

std::size_t Distributor::runPass() {
    PooledSession session = pool_.acquire();
    return pass(*session, true);
}

void Distributor::loop() {
    std::unique_ptr<DbSession> session;
    auto nextTick = std::chrono::steady_clock::now();
    auto quietUntil = std::chrono::steady_clock::now();
    for (;;) {
        bool clockWork = false;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait_until(lock, std::max(nextTick, quietUntil), [&] {
                return stopping_ || (woken_ && std::chrono::steady_clock::now() >= quietUntil);
            });
            if (stopping_) return;
            woken_ = false;
            clockWork = std::chrono::steady_clock::now() >= nextTick;
        }
        if (clockWork) nextTick = std::chrono::steady_clock::now() + options_.tick;
        try {
            if (!session || session->broken()) session = pool_.connect();
            // A pass that gave something out may have left more: go again at once.
            while (pass(*session, clockWork) > 0) clockWork = false;
            quietUntil = std::chrono::steady_clock::now() + options_.minGap;
        } catch (const std::exception& e) {
            // The database is away or refused: the next tick tries again; nothing was half-done (each step is one
            // transaction).
            logger().warning("routing pass failed, retrying in a second: %s", withCause(e));
            if (session && session->broken()) session.reset();
            quietUntil = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        }
    }
}

std::size_t Distributor::pass(DbSession& session, bool clockWork) {
    std::lock_guard<std::mutex> lock(passMutex_);
    ++passes_;
    const auto snapshot = catalog_.current();
    if (clockWork) {
        releaseWrapUps(session);
        expireOffers(session);
        returnPostponed(session);
        overflow(session, *snapshot);
    }
    routeNew(session, *snapshot);
    return distribute(session, *snapshot);
}

void Distributor::releaseWrapUps(DbSession& session) {
    runner_.run(session, [&](DbSession& s) {
        RoutingStore store(s);
        for (const std::string& id : store.lockEndedWrapUps()) {
            const auto op = store.lockOperator(id);
            if (!op) continue;
            store.setOperatorStatus(id, op->status, op->full() ? OperatorStatus::Busy : OperatorStatus::Ready,
                                    "wrap-up over", kSystem);
        }
    });
}

void Distributor::expireOffers(DbSession& session) {
    runner_.run(session, [&](DbSession& s) {
        RoutingStore store(s);
        InteractionStore interactions(s);
        RoutingMoves moves(store);
        for (std::int64_t id : store.lockExpiredOffers(options_.batch)) {
            const auto current = interactions.load(id);
            if (!current) continue;
            if (current->status == InteractionStatus::Bot) {
                // The bot left the client waiting: people take over at once.
                moves.requeue(*current, current->queue, kSystem, "the bot did not answer in time");
                continue;
            }
            const std::string missedBy = current->operatorId;
            moves.requeue(*current, current->queue, kSystem, "offer expired", missedBy);
            // Monitoring of inactivity [мониторинг бездействия]: whoever lets an offer lapse gets no more offers
            // until they say they are ready, and the supervisors hear of it.
            const auto op = store.lockOperator(missedBy);
            if (!op) continue;
            if (op->status == OperatorStatus::Ready || op->status == OperatorStatus::Busy) {
                store.setOperatorStatus(op->id, op->status, OperatorStatus::NotResponding,
                                        "missed the offer of interaction " + std::to_string(id), kSystem);
            }
            Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            data->set("operator_id", missedBy);
            data->set("interaction_id", id);
            data->set("queue", current->queue);
            store.supervisorEvent("operator.not_responding", data);
        }
    });
}

void Distributor::returnPostponed(DbSession& session) {
    runner_.run(session, [&](DbSession& s) {
        RoutingStore store(s);
        InteractionStore interactions(s);
        RoutingMoves moves(store);
        for (std::int64_t id : store.lockPostponedDue(options_.batch)) {
            const auto current = interactions.load(id);
            if (!current) continue;
            // Back to whoever put it off when they can take it now; otherwise to its queue.
            if (!current->operatorId.empty()) {
                const auto op = store.lockOperator(current->operatorId);
                if (op && (op->status == OperatorStatus::Ready || op->status == OperatorStatus::Busy) &&
                    op->hasRoom(current->channel)) {
                    moves.assign(*current, op->id, kSystem, "postponed until now");
                    auto after = *op;
                    ++after.load[current->channel];
                    store.refreshBusy(after, kSystem);
                    continue;
                }
            }
            moves.requeue(*current, current->queue, kSystem, "postponed until now");
        }
    });
}

void Distributor::overflow(DbSession& session, const RoutingSnapshot& snapshot) {
    for (const Queue& queue : snapshot.queueOrder) {
        if (queue.maxWaitSeconds <= 0) continue;
        runner_.run(session, [&](DbSession& s) {
            RoutingStore store(s);
            InteractionStore interactions(s);
            RoutingMoves moves(store);
            const std::string enteredBefore = dbTimeIn(-std::chrono::seconds(queue.maxWaitSeconds));
            const Queue* target = snapshot.queue(queue.overflowQueue);
            for (std::int64_t id : store.lockOverdue(queue.id, enteredBefore, options_.batch)) {
                const auto current = interactions.load(id);
                if (!current) continue;
                Interaction moved = *current;
                if (target != nullptr) {
                    moved = moves.requeue(*current, target->id, kSystem,
                                          "waited over " + std::to_string(queue.maxWaitSeconds) + " s in " + queue.id);
                } else {
                    // No overflow queue: it stays, and the supervisors are told again after each maximum wait.
                    Interaction next = *current;
                    next.queueEnteredAt = dbTimeToIso(nowDbTime());
                    moved = store.save(*current, next, kSystem, "waited over the maximum");
                }
                Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                data->set("interaction_id", id);
                data->set("from_queue", queue.id);
                data->set("to_queue", target ? Poco::Dynamic::Var(target->id) : Poco::Dynamic::Var());
                data->set("max_wait_seconds", queue.maxWaitSeconds);
                store.supervisorEvent("interaction.overflowed", data);
            }
        });
    }
}

void Distributor::routeNew(DbSession& session, const RoutingSnapshot& snapshot) {
    if (snapshot.generation != routedGeneration_) {
        // Queues or rules changed (or this daemon just started): what no queue took before may have a home now.
        routedGeneration_ = snapshot.generation;
        generationSeenAt_ = nowDbTime();
    }
    if (snapshot.queues.empty()) return;
    for (;;) {
        std::size_t seen = 0;
        runner_.run(session, [&](DbSession& s) {
            RoutingStore store(s);
            InteractionStore interactions(s);
            RoutingFactsReader factsReader(s);
            const auto unrouted = store.lockUnrouted(generationSeenAt_, kRouteBatch);
            seen = unrouted.size();
            for (const UnroutedInteraction& u : unrouted) {
                const std::int64_t id = u.id;
                const auto current = interactions.load(id);
                const auto facts = factsReader.read(id);
                if (!current || !facts) continue;
                const RuleEvaluation evaluation = evaluateRules(snapshot.rules, *facts);
                const Queue* queue = nullptr;
                std::string reason;
                if (evaluation.matched) {
                    queue = snapshot.queue(evaluation.matched->actions.queue);
                    reason = "rule '" + evaluation.matched->name + "'";
                }
                if (queue == nullptr) {
                    queue = snapshot.defaultQueue(facts->channel, facts->account, facts->topics);
                    if (queue != nullptr) reason = "queue " + queue->id + " takes " + facts->channel + " by default";
                }
                if (queue == nullptr) {
                    store.markUnroutable(id);
                    if (u.judgedBefore) continue;  // the supervisors were told the first time
                    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                    data->set("interaction_id", id);
                    data->set("channel", facts->channel);
                    data->set("account", facts->account);
                    data->set("reason", "no rule matches and no queue's sources accept " + facts->channel + "/" +
                                            facts->account);
                    store.supervisorEvent("interaction.unroutable", data);
                    continue;
                }
                Interaction next = *current;
                if (evaluation.matched && evaluation.matched->actions.queue == queue->id) {
                    next.priority = evaluation.matched->actions.priority.value_or(0);
                    next.priorityStep = evaluation.matched->actions.priorityPerMinute;
                    next.routingRuleId = evaluation.matched->id;
                }
                const std::string now = dbTimeToIso(nowDbTime());
                next.status = InteractionStatus::Queued;
                next.queue = queue->id;
                if (next.queuedAt.empty()) next.queuedAt = now;  // one queued before keeps its place in line
                next.queueEnteredAt = now;
                if (queue->botFirst) {
                    // A chatbot answers first; it must answer within the queue's bot timeout or people take over.
                    next.status = InteractionStatus::Bot;
                    next.bot.clear();  // the integration whose bot gets it records itself (BotHost::holdForBot)
                    next.offerExpiresAt = dbTimeToIso(dbTimeIn(std::chrono::seconds(queue->botTimeoutSeconds)));
                    reason += "; the bot answers first";
                }
                store.save(*current, next, kSystem, reason);
            }
        });
        if (seen < kRouteBatch) return;
    }
}

std::size_t Distributor::distribute(DbSession& session, const RoutingSnapshot& snapshot) {
    std::size_t decided = 0;
    if (snapshot.queues.empty()) return 0;  // nothing can wait anywhere: spare the database the operators' locks
    runner_.run(session, [&](DbSession& s) {
        decided = 0;
        RoutingStore store(s);
        InteractionStore interactions(s);
        RoutingMoves moves(store);
        std::vector<OperatorLoad> operators = store.lockAvailableOperators();
        std::set<std::string> open;
        long long room = 0;
        for (const OperatorLoad& op : operators) {
            if (op.full()) continue;
            for (const std::string& q : op.queues) {
                if (snapshot.queue(q) != nullptr) open.insert(q);
            }
            for (const auto& [channel, limit] : op.capacities) room += std::max(0, limit - op.held(channel));
        }
        if (open.empty() || room == 0) return;
        // Look a little beyond the free places: the best interactions may be on a channel nobody has room for.
        const std::size_t limit =
            std::min<std::size_t>(options_.batch, static_cast<std::size_t>(std::max<long long>(room * 2, 50)));
        const auto candidates = store.bestQueued({open.begin(), open.end()}, limit);
        std::vector<std::int64_t> ids;
        for (const auto& c : candidates) ids.push_back(c.id);
        const auto locked = store.lockStillQueued(ids);
        const auto current = interactions.loadMany({locked.begin(), locked.end()});
        const std::string now = nowDbTime();
        std::set<OperatorLoad*> touched;
        for (const QueuedInteraction& c : candidates) {
            const auto found = current.find(c.id);
            if (found == current.end()) continue;  // taken by another daemon meanwhile
            const Queue* queue = snapshot.queue(c.queue);
            if (queue == nullptr) continue;
            OperatorLoad* op = OperatorPicker::pick(operators, queue->mode, c.queue, c.channel, c.declinedBy);
            if (op == nullptr) continue;
            moves.offer(found->second, op->id, queue, kSystem,
                        std::string("distributed (") + toString(queue->mode) + ")");
            ++op->load[c.channel];
            op->lastOfferAt = sequenceMark(now, decided);
            touched.insert(op);
            ++decided;
        }
        for (OperatorLoad* op : touched) {
            store.markOffered(op->id, now);
            store.refreshBusy(*op, kSystem);
            if (op->full() && op->status == OperatorStatus::Ready) op->status = OperatorStatus::Busy;
        }
    });
    decisions_ += decided;
    return decided;
}

}  // namespace omnigate
