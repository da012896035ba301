#include "store/offer_store.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/client_store.h"
#include "store/marketing_references.h"

namespace omnigate {

namespace {

const char* const kSelect =
    "SELECT id, title, description, body, COALESCE(template_id, 0), conditions, "
    "COALESCE(DATE_FORMAT(valid_from, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(valid_to, '%Y-%m-%d %H:%i:%s.%f'), ''), priority, COALESCE(client_limit, 0), retired, "
    "version, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM offers ";

std::string isoOf(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

Offer readRow(sql::ResultSet& rs) {
    Offer o;
    o.id = rs.getInt64(1);
    o.title = rs.getString(2);
    o.description = rs.getString(3);
    o.text = rs.getString(4);
    o.templateId = rs.getInt64(5);
    o.conditions = OfferConditions::parse(
        Poco::JSON::Parser().parse(std::string(rs.getString(6))).extract<Poco::JSON::Object::Ptr>());
    o.validFrom = isoOf(rs.getString(7));
    o.validTo = isoOf(rs.getString(8));
    o.priority = rs.getInt(9);
    if (rs.getInt(10) > 0) o.clientLimit = rs.getInt(10);
    o.retired = rs.getBoolean(11);
    o.version = rs.getInt(12);
    o.createdAt = isoOf(rs.getString(13));
    o.updatedAt = isoOf(rs.getString(14));
    return o;
}

void bindTime(sql::PreparedStatement& statement, int index, const std::string& iso) {
    if (iso.empty()) {
        statement.setNull(index, sql::DataType::TIMESTAMP);
    } else {
        statement.setString(index, isoToDbTime(iso));
    }
}

std::string conditionsText(const OfferConditions& conditions) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(conditions.toJson(), out);
    return out.str();
}

}  // namespace

std::vector<Offer> OfferStore::list() {
    sql::PreparedStatement& q = session_.prepare(std::string(kSelect) + "ORDER BY retired, priority DESC, id");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<Offer> offers;
    while (rs->next()) offers.push_back(readRow(*rs));
    return offers;
}

std::optional<Offer> OfferStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kSelect) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readRow(*rs);
}

void OfferStore::check(const Offer& offer) {
    if (offer.templateId != 0) requireSharedTemplate(session_, offer.templateId, "template_id");
    requireTopics(session_, offer.conditions.pastTopics, "conditions.past_topics");
}

void OfferStore::bindOffer(sql::PreparedStatement& statement, const Offer& offer) {
    statement.setString(1, offer.title);
    statement.setString(2, offer.description);
    statement.setString(3, offer.text);
    if (offer.templateId == 0) {
        statement.setNull(4, sql::DataType::BIGINT);
    } else {
        statement.setInt64(4, offer.templateId);
    }
    statement.setString(5, conditionsText(offer.conditions));
    bindTime(statement, 6, offer.validFrom);
    bindTime(statement, 7, offer.validTo);
    statement.setInt(8, offer.priority);
    if (offer.clientLimit) {
        statement.setInt(9, *offer.clientLimit);
    } else {
        statement.setNull(9, sql::DataType::INTEGER);
    }
    statement.setBoolean(10, offer.retired);
}

Offer OfferStore::create(Offer draft) {
    check(draft);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO offers (title, description, body, template_id, conditions, valid_from, valid_to, priority, "
        "client_limit, retired, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
    bindOffer(insert, draft);
    insert.setString(11, now);
    insert.setString(12, now);
    insert.executeUpdate();
    draft.id = session_.lastInsertId();
    draft.version = 1;
    draft.createdAt = draft.updatedAt = dbTimeToIso(now);
    return draft;
}

Offer OfferStore::update(const Offer& next, std::optional<int> expectedVersion) {
    const auto current = find(next.id, true);
    if (!current) throw ApiError::notFound("no offer " + std::to_string(next.id));
    if (expectedVersion && *expectedVersion != current->version) {
        throw ApiError(409, "version_conflict", "offer " + std::to_string(next.id) + " is at version " +
                                                    std::to_string(current->version) + ", not " +
                                                    std::to_string(*expectedVersion) + ": read it again");
    }
    check(next);
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE offers SET title = ?, description = ?, body = ?, template_id = ?, conditions = ?, valid_from = ?, "
        "valid_to = ?, priority = ?, client_limit = ?, retired = ?, version = version + 1, updated_at = ? "
        "WHERE id = ?");
    bindOffer(update, next);
    update.setString(11, now);
    update.setInt64(12, next.id);
    update.executeUpdate();
    Offer stored = next;
    stored.version = current->version + 1;
    stored.createdAt = current->createdAt;
    stored.updatedAt = dbTimeToIso(now);
    return stored;
}

std::optional<OfferSubject> OfferStore::subject(std::int64_t interactionId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT i.client_id, i.channel, COALESCE(i.queue, ''), COALESCE(i.operator, ''), c.name, c.card, c.flags "
        "FROM interactions i JOIN clients c ON c.id = i.client_id WHERE i.id = ?");
    q.setInt64(1, interactionId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    OfferSubject s;
    s.interactionId = interactionId;
    s.clientId = rs->getInt64(1);
    s.facts.channel = rs->getString(2);
    s.queue = rs->getString(3);
    s.holder = rs->getString(4);
    s.facts.clientName = rs->getString(5);
    s.facts.card = cardFromJson(rs->getString(6));
    s.facts.clientFlags = flagsFromColumn(rs->getString(7));

    // The client's other interactions: their topics, and when the latest of them began ("last contact").
    sql::PreparedStatement& topics = session_.prepare(
        "SELECT DISTINCT t.topic_id FROM interactions i JOIN interaction_topics t ON t.interaction_id = i.id "
        "WHERE i.client_id = ? AND i.id <> ?");
    topics.setInt64(1, s.clientId);
    topics.setInt64(2, interactionId);
    std::unique_ptr<sql::ResultSet> found(topics.executeQuery());
    while (found->next()) s.facts.pastTopics.push_back(found->getInt64(1));

    sql::PreparedStatement& last = session_.prepare(
        "SELECT TIMESTAMPDIFF(SECOND, MAX(created_at), ?) FROM interactions WHERE client_id = ? AND id <> ?");
    last.setString(1, nowDbTime());
    last.setInt64(2, s.clientId);
    last.setInt64(3, interactionId);
    std::unique_ptr<sql::ResultSet> latest(last.executeQuery());
    if (latest->next() && !latest->isNull(1)) {
        s.facts.daysSinceLastContact = static_cast<double>(latest->getInt64(1)) / (24 * 3600);
    }
    return s;
}

std::map<std::int64_t, std::int64_t> OfferStore::activationsBy(std::int64_t clientId, bool lock) {
    if (lock) {
        sql::PreparedStatement& row = session_.prepare("SELECT id FROM clients WHERE id = ? FOR UPDATE");
        row.setInt64(1, clientId);
        std::unique_ptr<sql::ResultSet>(row.executeQuery());
    }
    sql::PreparedStatement& q = session_.prepare(
        "SELECT offer_id, COUNT(*) FROM offer_actions WHERE client_id = ? AND kind = 'activated' GROUP BY offer_id");
    q.setInt64(1, clientId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::map<std::int64_t, std::int64_t> counts;
    while (rs->next()) counts[rs->getInt64(1)] = rs->getInt64(2);
    return counts;
}

bool OfferStore::activatedIn(std::int64_t offerId, std::int64_t interactionId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT id FROM offer_actions WHERE interaction_id = ? AND offer_id = ? AND kind = 'activated' LIMIT 1");
    q.setInt64(1, interactionId);
    q.setInt64(2, offerId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next();
}

void OfferStore::recordShown(const std::vector<std::int64_t>& offerIds, const OfferSubject& subject,
                             const std::string& operatorId) {
    if (offerIds.empty()) return;
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT IGNORE INTO offer_shows (offer_id, interaction_id, operator_id, queue_id, shown_at) "
        "VALUES (?, ?, ?, ?, ?)");
    const std::string now = nowDbTime();
    for (const std::int64_t id : offerIds) {
        insert.setInt64(1, id);
        insert.setInt64(2, subject.interactionId);
        insert.setString(3, operatorId);
        insert.setString(4, subject.queue);
        insert.setString(5, now);
        insert.executeUpdate();
    }
}

void OfferStore::recordSent(const Offer& offer, const OfferSubject& subject, const std::string& operatorId,
                            std::int64_t messageId) {
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO offer_actions (offer_id, kind, interaction_id, client_id, operator_id, queue_id, message_id, "
        "created_at) VALUES (?, 'sent', ?, ?, ?, ?, ?, ?)");
    insert.setInt64(1, offer.id);
    insert.setInt64(2, subject.interactionId);
    insert.setInt64(3, subject.clientId);
    insert.setString(4, operatorId);
    insert.setString(5, subject.queue);
    insert.setInt64(6, messageId);
    insert.setString(7, nowDbTime());
    insert.executeUpdate();
}

OfferActivation OfferStore::activate(const Offer& offer, const OfferSubject& subject, const std::string& operatorId) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO offer_actions (offer_id, kind, interaction_id, client_id, operator_id, queue_id, message_id, "
        "created_at) VALUES (?, 'activated', ?, ?, ?, ?, NULL, ?)");
    insert.setInt64(1, offer.id);
    insert.setInt64(2, subject.interactionId);
    insert.setInt64(3, subject.clientId);
    insert.setString(4, operatorId);
    insert.setString(5, subject.queue);
    insert.setString(6, now);
    insert.executeUpdate();
    OfferActivation activation{session_.lastInsertId(), dbTimeToIso(now)};

    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("activation_id", activation.id);
    data->set("offer_id", offer.id);
    data->set("title", offer.title);
    data->set("interaction_id", subject.interactionId);
    data->set("client_id", subject.clientId);
    data->set("operator_id", operatorId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(operatorId));
    data->set("queue", subject.queue.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(subject.queue));
    data->set("channel", subject.facts.channel);
    data->set("activated_at", activation.activatedAt);
    appendEvent(session_, interactionTopic(subject.interactionId), "offer.activated", data);
    return activation;
}

std::vector<OfferResultRow> OfferStore::results(std::int64_t offerId, const std::string& from,
                                                const std::string& to) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT operator_id, queue_id, SUM(shown), SUM(sent), SUM(activated) FROM ("
        "  SELECT operator_id, queue_id, 1 AS shown, 0 AS sent, 0 AS activated FROM offer_shows WHERE offer_id = ?"
        "    AND (? = '' OR shown_at >= ?) AND (? = '' OR shown_at <= ?)"
        "  UNION ALL"
        "  SELECT operator_id, queue_id, 0, kind = 'sent', kind = 'activated' FROM offer_actions WHERE offer_id = ?"
        "    AND (? = '' OR created_at >= ?) AND (? = '' OR created_at <= ?)"
        ") r GROUP BY operator_id, queue_id ORDER BY operator_id, queue_id");
    int at = 0;
    for (int part = 0; part < 2; ++part) {
        q.setInt64(++at, offerId);
        for (const std::string* bound : {&from, &from, &to, &to}) q.setString(++at, *bound);
    }
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<OfferResultRow> rows;
    while (rs->next()) {
        rows.push_back({rs->getString(1), rs->getString(2), rs->getInt64(3), rs->getInt64(4), rs->getInt64(5)});
    }
    return rows;
}

}  // namespace omnigate
