#include "store/routing_store.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>

#include "db/db_time.h"
#include "db/outbox.h"
#include "store/stats_facts.h"

namespace omnigate {

const char* const kSupervisorTopic = "omnigate/v1/supervisors/events";

std::string operatorTopic(const std::string& operatorId) { return "omnigate/v1/operators/" + operatorId + "/events"; }
std::string operatorInboxTopic(const std::string& operatorId) {
    return "omnigate/v1/operators/" + operatorId + "/inbox";
}

Poco::JSON::Object::Ptr inboxPayload(const Interaction& interaction, const std::string& reason,
                                     const std::string& comment) {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("interaction_id", interaction.id);
    data->set("reason", reason);
    if (!comment.empty()) data->set("comment", comment);
    data->set("interaction", toJson(interaction));
    return data;
}

namespace {

// Database times as the rest of the store reads them: milliseconds, no zone (the sessions run in UTC).
std::string dbTime(const std::string& column) {
    return "COALESCE(LEFT(DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s.%f'), 23), '')";
}

const std::string kOperatorColumns = "SELECT id, status, capacities, " + dbTime("last_offer_at") + ", " +
                                     dbTime("idle_since") + ", " + dbTime("status_since") +
                                     ", status_reason FROM operators ";

std::map<std::string, int> parseCapacities(const std::string& text) {
    std::map<std::string, int> capacities;
    try {
        const auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        for (const auto& [channel, value] : *object) {
            if (value.isInteger()) capacities[channel] = std::max(0, value.convert<int>());
        }
    } catch (const Poco::Exception&) {
        // A row written around the API: the operator takes nothing rather than stopping distribution.
    }
    return capacities;
}

OperatorLoad readOperator(sql::ResultSet& rs) {
    OperatorLoad op;
    op.id = rs.getString(1);
    op.status = parseOperatorStatus(rs.getString(2)).value_or(OperatorStatus::Offline);
    op.capacities = parseCapacities(rs.getString(3));
    op.lastOfferAt = rs.getString(4);
    op.idleSince = rs.getString(5);
    op.statusSince = rs.getString(6);
    op.statusReason = rs.getString(7);
    return op;
}

std::string placeholders(std::size_t n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += i == 0 ? "?" : ", ?";
    return text;
}

std::vector<std::int64_t> readIds(sql::PreparedStatement& query) {
    std::vector<std::int64_t> ids;
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) ids.push_back(rs->getInt64(1));
    return ids;
}

}  // namespace

int OperatorLoad::capacity(const std::string& channel) const {
    const auto found = capacities.find(channel);
    return found == capacities.end() ? 0 : found->second;
}

int OperatorLoad::held(const std::string& channel) const {
    const auto found = load.find(channel);
    return found == load.end() ? 0 : found->second;
}

int OperatorLoad::totalHeld() const {
    int total = 0;
    for (const auto& [channel, count] : load) total += count;
    return total;
}

bool OperatorLoad::full() const {
    for (const auto& [channel, limit] : capacities) {
        if (limit > 0 && held(channel) < limit) return false;
    }
    return true;
}

Interaction RoutingStore::save(const Interaction& before, Interaction after, const Actor& actor,
                               const std::string& reason) {
    std::vector<std::string> changes;
    const auto differs = [&](bool changed, const char* name) {
        if (changed) changes.emplace_back(name);
    };
    differs(before.status != after.status, "status");
    differs(before.queue != after.queue, "queue");
    differs(before.operatorId != after.operatorId, "operator");
    differs(before.priority != after.priority, "priority");
    differs(before.priorityStep != after.priorityStep, "priority_per_minute");
    differs(before.routingRuleId != after.routingRuleId, "routing_rule_id");
    differs(before.queuedAt != after.queuedAt, "queued_at");
    differs(before.offerExpiresAt != after.offerExpiresAt, "offer_expires_at");
    differs(before.acceptedAt != after.acceptedAt, "accepted_at");
    differs(before.resolution != after.resolution, "resolution");
    differs(before.postponedUntil != after.postponedUntil, "postponed_until");
    if (changes.empty() && before.declinedBy == after.declinedBy && before.queueEnteredAt == after.queueEnteredAt) {
        return after;
    }

    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE interactions SET status = ?, queue = NULLIF(?, ''), operator = NULLIF(?, ''), priority = ?, "
        "priority_step = ?, routing_rule_id = NULLIF(?, 0), queued_at = NULLIF(?, ''), "
        "queue_entered_at = NULLIF(?, ''), offer_expires_at = NULLIF(?, ''), declined_by = NULLIF(?, ''), "
        "accepted_at = NULLIF(?, ''), resolution = NULLIF(?, ''), postponed_until = NULLIF(?, ''), "
        "closed_at = NULLIF(?, ''), bot = NULLIF(?, ''), routing_checked_at = NULL, updated_at = ?, "
        "version = version + 1 WHERE id = ?");
    update.setString(1, toString(after.status));
    update.setString(2, after.queue);
    update.setString(3, after.operatorId);
    update.setInt(4, after.priority);
    update.setDouble(5, after.priorityStep);
    update.setInt64(6, after.routingRuleId);
    update.setString(7, isoToDbTime(after.queuedAt));
    update.setString(8, isoToDbTime(after.queueEnteredAt));
    update.setString(9, isoToDbTime(after.offerExpiresAt));
    update.setString(10, after.declinedBy);
    update.setString(11, isoToDbTime(after.acceptedAt));
    update.setString(12, after.resolution);
    update.setString(13, isoToDbTime(after.postponedUntil));
    update.setString(14, isoToDbTime(after.closedAt));
    update.setString(15, after.bot);
    update.setString(16, now);
    update.setInt64(17, after.id);
    update.executeUpdate();
    after.version = before.version + 1;
    after.updatedAt = dbTimeToIso(now);

    StatsFacts(session_).changed(before, after, now);
    if (before.status != after.status) {
        sql::PreparedStatement& history = session_.prepare(
            "INSERT INTO interaction_status_history (interaction_id, from_status, to_status, actor_kind, actor_id, "
            "reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        history.setInt64(1, after.id);
        history.setString(2, toString(before.status));
        history.setString(3, toString(after.status));
        history.setString(4, actor.kind);
        history.setString(5, actor.id);
        history.setString(6, reason.substr(0, 255));
        history.setString(7, now);
        history.executeUpdate();
    }
    if (!changes.empty()) interactions_.appendUpdated(after, changes, actor);
    return after;
}

std::vector<UnroutedInteraction> RoutingStore::lockUnrouted(const std::string& judgedBefore, std::size_t limit) {
    std::vector<UnroutedInteraction> out;
    // New ones, and queued ones that lost their queue, not yet judged by the current queues and rules.
    for (const char* status : {"new", "queued"}) {
        sql::PreparedStatement& query = session_.prepare(
            std::string("SELECT id, routing_checked_at IS NOT NULL FROM interactions WHERE status = '") + status +
            "'" + (std::string(status) == "queued" ? " AND queue IS NULL" : "") +
            " AND (routing_checked_at IS NULL OR routing_checked_at < ?) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED");
        query.setString(1, judgedBefore);
        query.setInt64(2, static_cast<std::int64_t>(limit));
        std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
        while (rs->next()) out.push_back({rs->getInt64(1), rs->getBoolean(2)});
    }
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    return out;
}

void RoutingStore::markUnroutable(std::int64_t id) {
    sql::PreparedStatement& update = session_.prepare("UPDATE interactions SET routing_checked_at = ? WHERE id = ?");
    update.setString(1, nowDbTime());
    update.setInt64(2, id);
    update.executeUpdate();
}

std::vector<QueuedInteraction> RoutingStore::bestQueued(const std::vector<std::string>& queues, std::size_t limit) {
    std::vector<QueuedInteraction> out;
    if (queues.empty()) return out;
    sql::PreparedStatement& query = session_.prepare(
        "SELECT id, queue, channel, COALESCE(declined_by, '') FROM interactions WHERE status = 'queued' AND queue IN (" +
        placeholders(queues.size()) +
        ") ORDER BY LEAST(100, priority + FLOOR(priority_step * "
        "TIMESTAMPDIFF(SECOND, COALESCE(queued_at, created_at), UTC_TIMESTAMP(3)) / 60)) DESC, "
        "COALESCE(queued_at, created_at), id LIMIT ?");
    int index = 1;
    for (const std::string& queue : queues) query.setString(index++, queue);
    query.setInt64(index, static_cast<std::int64_t>(limit));
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) out.push_back({rs->getInt64(1), rs->getString(2), rs->getString(3), rs->getString(4)});
    return out;
}

std::set<std::int64_t> RoutingStore::lockStillQueued(const std::vector<std::int64_t>& ids) {
    std::set<std::int64_t> locked;
    // Chunks keep the statement count small: a handful of prepared shapes serves every size.
    for (std::size_t done = 0; done < ids.size();) {
        std::size_t chunk = 1;
        while (chunk * 2 <= ids.size() - done && chunk < 256) chunk *= 2;
        sql::PreparedStatement& query =
            session_.prepare("SELECT id FROM interactions WHERE id IN (" + placeholders(chunk) +
                             ") AND status = 'queued' FOR UPDATE SKIP LOCKED");
        for (std::size_t i = 0; i < chunk; ++i) query.setInt64(static_cast<int>(i + 1), ids[done + i]);
        for (std::int64_t id : readIds(query)) locked.insert(id);
        done += chunk;
    }
    return locked;
}

std::vector<std::int64_t> RoutingStore::lockExpiredOffers(std::size_t limit) {
    sql::PreparedStatement& query = session_.prepare(
        "SELECT id FROM interactions WHERE status IN ('offered', 'transferred', 'bot') AND offer_expires_at <= ? "
        "ORDER BY id LIMIT ? "
        "FOR UPDATE SKIP LOCKED");
    query.setString(1, nowDbTime());
    query.setInt64(2, static_cast<std::int64_t>(limit));
    return readIds(query);
}

std::vector<std::int64_t> RoutingStore::lockOverdue(const std::string& queue, const std::string& enteredBefore,
                                                    std::size_t limit) {
    sql::PreparedStatement& query = session_.prepare(
        "SELECT id FROM interactions WHERE status = 'queued' AND queue = ? AND queue_entered_at < ? ORDER BY id "
        "LIMIT ? FOR UPDATE SKIP LOCKED");
    query.setString(1, queue);
    query.setString(2, enteredBefore);
    query.setInt64(3, static_cast<std::int64_t>(limit));
    return readIds(query);
}

std::vector<std::int64_t> RoutingStore::lockPostponedDue(std::size_t limit) {
    sql::PreparedStatement& query = session_.prepare(
        "SELECT id FROM interactions WHERE status = 'postponed' AND postponed_until <= ? ORDER BY id LIMIT ? "
        "FOR UPDATE SKIP LOCKED");
    query.setString(1, nowDbTime());
    query.setInt64(2, static_cast<std::int64_t>(limit));
    return readIds(query);
}

std::vector<std::int64_t> RoutingStore::lockOffersOf(const std::string& operatorId) {
    sql::PreparedStatement& query = session_.prepare(
        "SELECT id FROM interactions WHERE operator = ? AND status IN ('offered', 'transferred') ORDER BY id "
        "FOR UPDATE");
    query.setString(1, operatorId);
    return readIds(query);
}

void RoutingStore::readLoads(std::map<std::string, OperatorLoad>& operators, bool single) {
    if (operators.empty()) return;
    // The loads are read after the operators' rows are locked, at READ COMMITTED: whoever else adds to an
    // operator's load must lock that row first, so what is counted here cannot grow behind our back.
    sql::PreparedStatement& query =
        single ? session_.prepare("SELECT operator, channel, COUNT(*) FROM interactions WHERE operator = ? AND "
                                  "status IN ('offered', 'transferred', 'assigned') GROUP BY operator, channel")
               : session_.prepare("SELECT operator, channel, COUNT(*) FROM interactions WHERE status IN "
                                  "('offered', 'transferred', 'assigned') AND operator IS NOT NULL GROUP BY "
                                  "operator, channel");
    if (single) query.setString(1, operators.begin()->first);
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) {
        const auto found = operators.find(rs->getString(1));
        if (found != operators.end()) found->second.load[rs->getString(2)] = rs->getInt(3);
    }
}

void RoutingStore::readQueues(std::map<std::string, OperatorLoad>& operators) {
    if (operators.empty()) return;
    const bool single = operators.size() == 1;
    sql::PreparedStatement& query = session_.prepare(
        std::string("SELECT m.operator_id, q.queue_id FROM operator_group_members m JOIN operator_group_queues q ON "
                    "q.group_id = m.group_id") +
        (single ? " WHERE m.operator_id = ?" : ""));
    if (single) query.setString(1, operators.begin()->first);
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) {
        const auto found = operators.find(rs->getString(1));
        if (found != operators.end()) found->second.queues.insert(rs->getString(2));
    }
}

std::vector<OperatorLoad> RoutingStore::lockAvailableOperators() {
    std::map<std::string, OperatorLoad> operators;
    {
        sql::PreparedStatement& query =
            session_.prepare(kOperatorColumns + "WHERE status IN ('ready', 'busy') FOR UPDATE SKIP LOCKED");
        std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
        while (rs->next()) {
            OperatorLoad op = readOperator(*rs);
            operators.emplace(op.id, std::move(op));
        }
    }
    readLoads(operators, false);
    readQueues(operators);
    std::vector<OperatorLoad> out;
    out.reserve(operators.size());
    for (auto& [id, op] : operators) out.push_back(std::move(op));
    return out;
}

std::optional<OperatorLoad> RoutingStore::lockOperator(const std::string& id) { return readOne(id, true); }

std::optional<OperatorLoad> RoutingStore::findOperator(const std::string& id) { return readOne(id, false); }

std::optional<OperatorLoad> RoutingStore::readOne(const std::string& id, bool lock) {
    std::map<std::string, OperatorLoad> operators;
    {
        sql::PreparedStatement& query =
            session_.prepare(kOperatorColumns + (lock ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
        query.setString(1, id);
        std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
        if (!rs->next()) return std::nullopt;
        operators.emplace(id, readOperator(*rs));
    }
    readLoads(operators, true);
    readQueues(operators);
    return std::move(operators.begin()->second);
}

std::vector<std::string> RoutingStore::lockEndedWrapUps() {
    sql::PreparedStatement& query = session_.prepare(
        "SELECT id FROM operators WHERE status = 'wrap_up' AND wrap_up_until <= ? FOR UPDATE SKIP LOCKED");
    query.setString(1, nowDbTime());
    std::vector<std::string> ids;
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) ids.push_back(rs->getString(1));
    return ids;
}

void RoutingStore::setOperatorStatus(const std::string& id, OperatorStatus from, OperatorStatus to,
                                     const std::string& reason, const Actor& actor, const std::string& wrapUpUntil) {
    const std::string now = nowDbTime();
    {
        // The status that ends now: its time goes to the statistics.
        sql::PreparedStatement& current = session_.prepare(
            "SELECT status, status_reason, DATE_FORMAT(status_since, '%Y-%m-%d %H:%i:%s.%f') FROM operators "
            "WHERE id = ?");
        current.setString(1, id);
        std::unique_ptr<sql::ResultSet> rs(current.executeQuery());
        if (rs->next() && !rs->isNull(3)) {
            const std::string since = std::string(rs->getString(3)).substr(0, 23);
            StatsFacts(session_).statusEnded(id, rs->getString(1), rs->getString(2), since, now);
        }
    }
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE operators SET status = ?, status_reason = ?, status_since = ?, wrap_up_until = NULLIF(?, ''), "
        "idle_since = CASE WHEN ? = 'ready' AND idle_since IS NULL THEN ? ELSE idle_since END, "
        "version = version + 1, updated_at = ? WHERE id = ?");
    const std::string status = toString(to);
    update.setString(1, status);
    update.setString(2, reason.substr(0, 64));
    update.setString(3, now);
    update.setString(4, wrapUpUntil);
    update.setString(5, status);
    update.setString(6, now);
    update.setString(7, now);
    update.setString(8, id);
    update.executeUpdate();

    sql::PreparedStatement& history = session_.prepare(
        "INSERT INTO operator_status_history (operator_id, from_status, to_status, reason, actor_kind, actor_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    history.setString(1, id);
    history.setString(2, toString(from));
    history.setString(3, status);
    history.setString(4, reason.substr(0, 255));
    history.setString(5, actor.kind);
    history.setString(6, actor.id);
    history.setString(7, now);
    history.executeUpdate();
    if (to == OperatorStatus::NotResponding) StatsFacts(session_).notResponding(id, now);

    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("operator_id", id);
    data->set("from", toString(from));
    data->set("to", status);
    data->set("reason", reason);
    data->set("wrap_up_until", wrapUpUntil.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(dbTimeToIso(wrapUpUntil)));
    Poco::JSON::Object::Ptr by = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    by->set("kind", actor.kind);
    by->set("id", actor.id);
    data->set("actor", by);
    appendEvent(session_, operatorTopic(id), "operator.status_changed", data);
}

void RoutingStore::refreshBusy(const OperatorLoad& op, const Actor& actor) {
    if (op.status == OperatorStatus::Ready && op.full()) {
        setOperatorStatus(op.id, op.status, OperatorStatus::Busy, "at capacity", actor);
    } else if (op.status == OperatorStatus::Busy && !op.full()) {
        setOperatorStatus(op.id, op.status, OperatorStatus::Ready, "capacity freed", actor);
    }
}

int RoutingStore::botTimeoutSeconds(const std::string& queue) {
    sql::PreparedStatement& query = session_.prepare(
        "SELECT COALESCE(JSON_VALUE(settings, '$.bot_timeout_seconds'), 30) FROM queues WHERE id = ?");
    query.setString(1, queue);
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    return rs->next() ? std::max(1, rs->getInt(1)) : 30;
}

void RoutingStore::markOffered(const std::string& operatorId, const std::string& at) {
    sql::PreparedStatement& update = session_.prepare("UPDATE operators SET last_offer_at = ? WHERE id = ?");
    update.setString(1, at);
    update.setString(2, operatorId);
    update.executeUpdate();
}

Poco::JSON::Array::Ptr RoutingStore::operatorStatusHistory(const std::string& operatorId, std::size_t limit,
                                                           std::int64_t beforeId) {
    sql::PreparedStatement& query = session_.prepare(
        "SELECT id, COALESCE(from_status, ''), to_status, reason, actor_kind, actor_id, " + dbTime("created_at") +
        " FROM operator_status_history WHERE operator_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
    query.setString(1, operatorId);
    query.setInt64(2, beforeId > 0 ? beforeId : INT64_MAX);
    query.setInt64(3, static_cast<std::int64_t>(limit));
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) {
        Poco::JSON::Object::Ptr row = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        row->set("id", rs->getInt64(1));
        const std::string from = rs->getString(2);
        row->set("from", from.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(from));
        row->set("to", std::string(rs->getString(3)));
        row->set("reason", std::string(rs->getString(4)));
        row->set("actor_kind", std::string(rs->getString(5)));
        row->set("actor_id", std::string(rs->getString(6)));
        row->set("at", dbTimeToIso(rs->getString(7)));
        rows->add(row);
    }
    return rows;
}

void RoutingStore::markIdle(const std::string& operatorId, const std::string& at) {
    sql::PreparedStatement& update = session_.prepare("UPDATE operators SET idle_since = ? WHERE id = ?");
    update.setString(1, at);
    update.setString(2, operatorId);
    update.executeUpdate();
}

void RoutingStore::inboxEvent(const std::string& operatorId, const std::string& type,
                              const Poco::JSON::Object::Ptr& data) {
    appendEvent(session_, operatorInboxTopic(operatorId), type, data);
}

void RoutingStore::supervisorEvent(const std::string& type, const Poco::JSON::Object::Ptr& data) {
    appendEvent(session_, kSupervisorTopic, type, data);
}

}  // namespace omnigate
