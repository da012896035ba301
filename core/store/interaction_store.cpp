#include "store/interaction_store.h"

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/interaction_rows.h"
#include "store/stats_facts.h"

namespace omnigate {

std::optional<Interaction> InteractionStore::load(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kInteractionColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::optional<Interaction> result;
    {
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) return std::nullopt;
        result = readInteraction(*rs);
    }
    sql::PreparedStatement& topics =
        session_.prepare("SELECT topic_id FROM interaction_topics WHERE interaction_id = ? ORDER BY topic_id");
    topics.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(topics.executeQuery());
    while (rs->next()) result->topics.push_back(rs->getInt64(1));
    return result;
}

std::map<std::int64_t, Interaction> InteractionStore::loadMany(const std::vector<std::int64_t>& ids) {
    std::map<std::int64_t, Interaction> out;
    // Chunks of 256, 128, … 1 ids: a handful of prepared shapes serves every size.
    for (std::size_t done = 0; done < ids.size();) {
        std::size_t chunk = 1;
        while (chunk * 2 <= ids.size() - done && chunk < 256) chunk *= 2;
        std::string marks;
        for (std::size_t i = 0; i < chunk; ++i) marks += i == 0 ? "?" : ", ?";
        sql::PreparedStatement& rows = session_.prepare(std::string(kInteractionColumns) + "WHERE id IN (" + marks + ")");
        sql::PreparedStatement& topics = session_.prepare(
            "SELECT interaction_id, topic_id FROM interaction_topics WHERE interaction_id IN (" + marks +
            ") ORDER BY interaction_id, topic_id");
        for (std::size_t i = 0; i < chunk; ++i) {
            rows.setInt64(static_cast<int>(i + 1), ids[done + i]);
            topics.setInt64(static_cast<int>(i + 1), ids[done + i]);
        }
        {
            std::unique_ptr<sql::ResultSet> rs(rows.executeQuery());
            while (rs->next()) {
                Interaction i = readInteraction(*rs);
                out.emplace(i.id, std::move(i));
            }
        }
        std::unique_ptr<sql::ResultSet> rs(topics.executeQuery());
        while (rs->next()) {
            const auto found = out.find(rs->getInt64(1));
            if (found != out.end()) found->second.topics.push_back(rs->getInt64(2));
        }
        done += chunk;
    }
    return out;
}

std::optional<Interaction> InteractionStore::findLatest(std::int64_t clientId, const std::string& channel,
                                                        const std::string& account, const Address& address,
                                                        const std::string& threadKey, bool closed) {
    sql::PreparedStatement& q = session_.prepare(
        std::string(kInteractionColumns) +
        "WHERE client_id = ? AND channel = ? AND account = ? AND address_kind = ? AND address_value = ? "
        "AND thread_key = ? AND (status = 'closed') = ? ORDER BY id DESC LIMIT 1");
    q.setInt64(1, clientId);
    q.setString(2, channel);
    q.setString(3, account);
    q.setString(4, address.kind);
    q.setString(5, address.value);
    q.setString(6, threadKey);
    q.setBoolean(7, closed);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readInteraction(*rs);
}

std::optional<Interaction> InteractionStore::findOpen(std::int64_t clientId, const std::string& channel,
                                                      const std::string& account, const Address& address,
                                                      const std::string& threadKey) {
    return findLatest(clientId, channel, account, address, threadKey, false);
}

std::optional<Interaction> InteractionStore::findLatestClosed(std::int64_t clientId, const std::string& channel,
                                                              const std::string& account, const Address& address,
                                                              const std::string& threadKey) {
    return findLatest(clientId, channel, account, address, threadKey, true);
}

Interaction InteractionStore::create(Interaction draft, const Actor& actor) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO interactions (channel, account, kind, client_id, address_kind, address_value, thread_key, "
        "subject, status, queue, priority, previous_interaction_id, created_at, updated_at, operator) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, NULLIF(?, 0), ?, ?, NULLIF(?, '')) RETURNING id");
    insert.setString(1, draft.channel);
    insert.setString(2, draft.account);
    insert.setString(3, draft.kind == InteractionKind::Public ? "public" : "private");
    insert.setInt64(4, draft.clientId);
    insert.setString(5, draft.address.kind);
    insert.setString(6, draft.address.value);
    insert.setString(7, draft.threadKey);
    insert.setString(8, draft.subject);
    insert.setString(9, toString(draft.status));
    insert.setString(10, draft.queue);
    insert.setInt(11, draft.priority);
    insert.setInt64(12, draft.previousInteractionId);
    insert.setString(13, now);
    insert.setString(14, now);
    insert.setString(15, draft.operatorId);
    draft.id = DbSession::insertReturningId(insert);
    draft.createdAt = dbTimeToIso(now);
    draft.updatedAt = draft.createdAt;
    draft.version = 1;

    sql::PreparedStatement& history = session_.prepare(
        "INSERT INTO interaction_status_history (interaction_id, from_status, to_status, actor_kind, actor_id, reason, "
        "created_at) VALUES (?, NULL, ?, ?, ?, '', ?)");
    history.setInt64(1, draft.id);
    history.setString(2, toString(draft.status));
    history.setString(3, actor.kind);
    history.setString(4, actor.id);
    history.setString(5, now);
    history.executeUpdate();

    appendEvent(session_, interactionTopic(draft.id), "interaction.created", toJson(draft));
    return draft;
}

Interaction InteractionStore::changeStatus(std::int64_t id, InteractionStatus to, const Actor& actor,
                                           const std::string& reason, const std::string& resolution,
                                           const std::string& postponedUntil, std::optional<int> expectedVersion) {
    auto current = load(id, true);
    if (!current) throw ApiError::notFound("no interaction " + std::to_string(id));
    if (expectedVersion && *expectedVersion != current->version) {
        throw ApiError(409, "version_conflict",
                       "interaction " + std::to_string(id) + " changed meanwhile (version " +
                           std::to_string(current->version) + ", not " + std::to_string(*expectedVersion) +
                           "): reload it and try again");
    }
    if (!canTransition(current->status, to)) {
        std::string allowed;
        for (InteractionStatus s : allowedTransitions(current->status)) {
            allowed += (allowed.empty() ? "" : ", ") + std::string(toString(s));
        }
        throw ApiError(409, "illegal_transition",
                       std::string("an interaction cannot go from ") + toString(current->status) + " to " +
                           toString(to) + "; allowed from " + toString(current->status) + ": " +
                           (allowed.empty() ? "none (it is final)" : allowed));
    }
    if (to == InteractionStatus::Postponed && postponedUntil.empty()) {
        throw ApiError::badRequest("'postponed_until' is required to postpone an interaction");
    }
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE interactions SET status = ?, updated_at = ?, version = version + 1, "
        "resolution = CASE WHEN ? = 'closed' THEN NULLIF(?, '') ELSE resolution END, "
        "closed_at = CASE WHEN ? = 'closed' THEN ? ELSE closed_at END, "
        "postponed_until = CASE WHEN ? = 'postponed' THEN ? ELSE NULL END, "
        "bot = CASE WHEN ? = 'bot' THEN NULL ELSE bot END WHERE id = ?");
    const std::string status = toString(to);
    update.setString(1, status);
    update.setString(2, now);
    update.setString(3, status);
    update.setString(4, resolution);
    update.setString(5, status);
    update.setString(6, now);
    update.setString(7, status);
    if (postponedUntil.empty()) {
        update.setNull(8, sql::DataType::VARCHAR);
    } else {
        update.setString(8, isoToDbTime(postponedUntil));
    }
    update.setString(9, status);
    update.setInt64(10, id);
    update.executeUpdate();

    sql::PreparedStatement& history = session_.prepare(
        "INSERT INTO interaction_status_history (interaction_id, from_status, to_status, actor_kind, actor_id, reason, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    history.setInt64(1, id);
    history.setString(2, toString(current->status));
    history.setString(3, status);
    history.setString(4, actor.kind);
    history.setString(5, actor.id);
    history.setString(6, reason);
    history.setString(7, now);
    history.executeUpdate();

    Interaction updated = *load(id);
    StatsFacts(session_).changed(*current, updated, now);
    appendUpdated(updated, {"status"}, actor);
    return updated;
}

void InteractionStore::appendUpdated(const Interaction& interaction, const std::vector<std::string>& changes,
                                     const Actor& actor) {
    Poco::JSON::Object::Ptr data = toJson(interaction);
    Poco::JSON::Array::Ptr changed = new Poco::JSON::Array;
    for (const std::string& c : changes) changed->add(c);
    data->set("changes", changed);
    Poco::JSON::Object::Ptr by = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    by->set("kind", actor.kind);
    by->set("id", actor.id);
    data->set("actor", by);
    appendEvent(session_, interactionTopic(interaction.id), "interaction.updated", data);
}

std::vector<StatusChange> InteractionStore::statusHistory(std::int64_t interactionId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT id, interaction_id, COALESCE(from_status, ''), to_status, actor_kind, actor_id, reason, "
        "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM interaction_status_history "
        "WHERE interaction_id = ? ORDER BY id");
    q.setInt64(1, interactionId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<StatusChange> out;
    while (rs->next()) {
        out.push_back({rs->getInt64(1), rs->getInt64(2), rs->getString(3), rs->getString(4), rs->getString(5),
                       rs->getString(6), rs->getString(7), isoOrEmpty(rs->getString(8))});
    }
    return out;
}

Poco::JSON::Object::Ptr toJson(const Interaction& i) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", i.id);
    o->set("channel", i.channel);
    o->set("account", i.account);
    o->set("kind", i.kind == InteractionKind::Public ? "public" : "private");
    o->set("client_id", i.clientId);
    Poco::JSON::Object::Ptr address = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    address->set("kind", i.address.kind);
    address->set("value", i.address.value);
    o->set("address", address);
    o->set("subject", i.subject);
    o->set("status", toString(i.status));
    o->set("queue", i.queue.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.queue));
    o->set("operator", i.operatorId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.operatorId));
    o->set("priority", i.priority);
    o->set("priority_per_minute", i.priorityStep);
    o->set("routing_rule_id", i.routingRuleId == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.routingRuleId));
    o->set("queued_at", i.queuedAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.queuedAt));
    o->set("offer_expires_at", i.offerExpiresAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.offerExpiresAt));
    o->set("accepted_at", i.acceptedAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.acceptedAt));
    Poco::JSON::Array::Ptr topics = new Poco::JSON::Array;
    for (std::int64_t t : i.topics) topics->add(t);
    o->set("topics", topics);
    o->set("resolution", i.resolution.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.resolution));
    o->set("postponed_until", i.postponedUntil.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.postponedUntil));
    o->set("previous_interaction_id",
           i.previousInteractionId == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.previousInteractionId));
    o->set("created_at", i.createdAt);
    o->set("updated_at", i.updatedAt);
    o->set("first_response_at", i.firstResponseAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.firstResponseAt));
    o->set("closed_at", i.closedAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(i.closedAt));
    o->set("rating", i.rating ? Poco::Dynamic::Var(*i.rating) : Poco::Dynamic::Var());
    if (!i.ratingComment.empty()) o->set("rating_comment", i.ratingComment);
    if (!i.ratingRequestedAt.empty()) o->set("rating_requested_at", i.ratingRequestedAt);
    if (i.campaignId != 0) o->set("campaign_id", i.campaignId);
    o->set("version", i.version);
    return o;
}

Poco::JSON::Object::Ptr toJson(const StatusChange& c) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("from", c.from.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(c.from));
    o->set("to", c.to);
    o->set("actor_kind", c.actorKind);
    o->set("actor_id", c.actorId);
    o->set("reason", c.reason);
    o->set("at", c.at);
    return o;
}

std::optional<Interaction> InteractionStore::findLatestClosedOfClient(std::int64_t clientId, const std::string& channel,
                                                                      const std::string& account) {
    sql::PreparedStatement& q = session_.prepare(
        std::string(kInteractionColumns) +
        "WHERE client_id = ? AND channel = ? AND account = ? AND status = 'closed' ORDER BY id DESC LIMIT 1");
    q.setInt64(1, clientId);
    q.setString(2, channel);
    q.setString(3, account);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readInteraction(*rs);
}

Interaction InteractionStore::rate(std::int64_t id, int rating, const std::string& comment, const Actor& actor) {
    if (rating < 1 || rating > 5) throw ApiError::badRequest("'rating' must be from 1 to 5");
    if (comment.size() > 1024) throw ApiError::badRequest("'comment' is longer than 1024 bytes");
    auto current = load(id, true);
    if (!current) throw ApiError::notFound("no interaction " + std::to_string(id));
    if (current->status != InteractionStatus::Closed) {
        throw ApiError(409, "not_closed", "interaction " + std::to_string(id) + " is " + toString(current->status) +
                                              "; only a closed interaction can be rated");
    }
    if (current->rating) {
        throw ApiError(409, "already_rated", "interaction " + std::to_string(id) + " was already rated " +
                                                 std::to_string(*current->rating));
    }
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE interactions SET rating = ?, rating_comment = NULLIF(?, ''), rated_at = ?, version = version + 1, "
        "updated_at = ? WHERE id = ?");
    const std::string now = nowDbTime();
    update.setInt(1, rating);
    update.setString(2, comment);
    update.setString(3, now);
    update.setString(4, now);
    update.setInt64(5, id);
    update.executeUpdate();
    Interaction rated = *load(id);
    StatsFacts(session_).rated(rated, rating, now);
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("interaction_id", id);
    data->set("client_id", rated.clientId);
    data->set("rating", rating);
    data->set("comment", comment);
    data->set("by", actor.kind);
    appendEvent(session_, interactionTopic(id), "rating.created", data);
    return rated;
}

namespace {

// A value to bind, in placeholder order: the list's WHERE clause is assembled from the filters in use, but no
// value ever becomes part of the SQL text.
struct Bound {
    bool isInt = false;
    std::int64_t number = 0;
    std::string text;
};

void bindAll(sql::PreparedStatement& statement, const std::vector<Bound>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto index = static_cast<unsigned int>(i + 1);
        if (values[i].isInt) {
            statement.setInt64(index, values[i].number);
        } else {
            statement.setString(index, values[i].text);
        }
    }
}

std::string placeholders(std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
    return out;
}

}  // namespace

std::vector<Interaction> InteractionStore::list(const InteractionFilter& f, std::size_t limit) {
    std::string where = "WHERE 1 = 1";
    std::vector<Bound> values;
    const auto text = [&](const char* condition, const std::string& value) {
        where += condition;
        values.push_back({false, 0, value});
    };
    const auto number = [&](const char* condition, std::int64_t value) {
        where += condition;
        values.push_back({true, value, {}});
    };
    if (!f.statuses.empty()) {
        where += " AND status IN (" + placeholders(f.statuses.size()) + ")";
        for (const std::string& s : f.statuses) values.push_back({false, 0, s});
    }
    if (!f.channel.empty()) text(" AND channel = ?", f.channel);
    if (!f.account.empty()) text(" AND account = ?", f.account);
    if (!f.queue.empty()) text(" AND queue = ?", f.queue);
    if (!f.operatorId.empty()) text(" AND operator = ?", f.operatorId);
    if (f.clientId != 0) number(" AND client_id = ?", f.clientId);
    if (f.topicId != 0) {
        number(" AND EXISTS (SELECT 1 FROM interaction_topics t WHERE t.interaction_id = interactions.id AND "
               "t.topic_id = ?)",
               f.topicId);
    }
    if (!f.createdFrom.empty()) text(" AND created_at >= ?", f.createdFrom);
    if (!f.createdTo.empty()) text(" AND created_at <= ?", f.createdTo);
    if (f.beforeId != 0) number(" AND id < ?", f.beforeId);
    values.push_back({true, static_cast<std::int64_t>(limit), {}});

    // Not cached like session_.prepare(): each combination of filters is its own SQL text.
    std::unique_ptr<sql::PreparedStatement> query(session_.connection().prepareStatement(
        std::string(kInteractionColumns) + where + " ORDER BY id DESC LIMIT ?"));
    bindAll(*query, values);
    std::vector<Interaction> out;
    {
        std::unique_ptr<sql::ResultSet> rs(query->executeQuery());
        while (rs->next()) out.push_back(readInteraction(*rs));
    }
    if (out.empty()) return out;

    std::vector<Bound> ids;
    for (const Interaction& i : out) ids.push_back({true, i.id, {}});
    std::unique_ptr<sql::PreparedStatement> topics(session_.connection().prepareStatement(
        "SELECT interaction_id, topic_id FROM interaction_topics WHERE interaction_id IN (" +
        placeholders(ids.size()) + ") ORDER BY topic_id"));
    bindAll(*topics, ids);
    std::unique_ptr<sql::ResultSet> rs(topics->executeQuery());
    while (rs->next()) {
        const std::int64_t owner = rs->getInt64(1);
        for (Interaction& i : out) {
            if (i.id == owner) i.topics.push_back(rs->getInt64(2));
        }
    }
    return out;
}

std::vector<std::int64_t> InteractionStore::unknownTopics(const std::vector<std::int64_t>& topicIds) {
    std::vector<std::int64_t> unknown;
    sql::PreparedStatement& q = session_.prepare("SELECT COUNT(*) FROM topics WHERE id = ?");
    for (std::int64_t id : topicIds) {
        q.setInt64(1, id);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next() || rs->getInt64(1) == 0) unknown.push_back(id);
    }
    return unknown;
}

void InteractionStore::replaceTopics(std::int64_t id, const std::vector<std::int64_t>& topicIds) {
    sql::PreparedStatement& remove = session_.prepare("DELETE FROM interaction_topics WHERE interaction_id = ?");
    remove.setInt64(1, id);
    remove.executeUpdate();
    sql::PreparedStatement& insert =
        session_.prepare("INSERT INTO interaction_topics (interaction_id, topic_id) VALUES (?, ?)");
    for (std::int64_t topic : topicIds) {
        insert.setInt64(1, id);
        insert.setInt64(2, topic);
        insert.executeUpdate();
    }
    sql::PreparedStatement& bump =
        session_.prepare("UPDATE interactions SET version = version + 1, updated_at = ? WHERE id = ?");
    bump.setString(1, nowDbTime());
    bump.setInt64(2, id);
    bump.executeUpdate();
}

void InteractionStore::moveToChannel(std::int64_t id, const std::string& channel, const std::string& account,
                                     const Address& address) {
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE interactions SET channel = ?, account = ?, address_kind = ?, address_value = ?, thread_key = '', "
        "version = version + 1, updated_at = ? WHERE id = ?");
    update.setString(1, channel);
    update.setString(2, account);
    update.setString(3, address.kind);
    update.setString(4, address.value);
    update.setString(5, nowDbTime());
    update.setInt64(6, id);
    update.executeUpdate();
}

void InteractionStore::markRatingRequested(std::int64_t id) {
    sql::PreparedStatement& update = session_.prepare("UPDATE interactions SET rating_requested_at = ? WHERE id = ?");
    update.setString(1, nowDbTime());
    update.setInt64(2, id);
    update.executeUpdate();
}

bool InteractionStore::holdForBot(std::int64_t id, const std::string& bot) {
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE interactions SET bot = ? WHERE id = ? AND status = 'bot' AND (bot IS NULL OR bot = ?)");
    update.setString(1, bot);
    update.setInt64(2, id);
    update.setString(3, bot);
    if (update.executeUpdate() > 0) return true;
    // Affected rows count changed rows only: holding it already is holding it.
    const auto current = load(id);
    return current && current->status == InteractionStatus::Bot && current->bot == bot;
}

void InteractionStore::markFirstResponse(std::int64_t id) {
    sql::PreparedStatement& update =
        session_.prepare("UPDATE interactions SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL");
    const std::string now = nowDbTime();
    update.setString(1, now);
    update.setInt64(2, id);
    if (update.executeUpdate() > 0) StatsFacts(session_).firstResponse(id, now);
}

std::string InteractionStore::addressKindUsedOn(std::int64_t clientId, const std::string& channel) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT address_kind FROM interactions WHERE client_id = ? AND channel = ? ORDER BY id DESC LIMIT 1");
    q.setInt64(1, clientId);
    q.setString(2, channel);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next() ? std::string(rs->getString(1)) : std::string();
}

}  // namespace omnigate
