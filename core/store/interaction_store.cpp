#include "store/interaction_store.h"

#include <algorithm>

#include "store/outbox.h"

namespace omnigate {

namespace {

const char* const kMessageColumns =
    "SELECT id, interaction_id, client_id, channel, account, direction, author, COALESCE(external_id, ''), body, "
    "status, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM messages ";

AuthorKind parseAuthor(const std::string& text) {
    if (text == "operator") return AuthorKind::Operator;
    if (text == "bot") return AuthorKind::Bot;
    if (text == "system") return AuthorKind::System;
    return AuthorKind::Client;
}

}  // namespace

DeliveryStatus parseDeliveryStatus(const std::string& text) {
    if (text == "sent") return DeliveryStatus::Sent;
    if (text == "delivered") return DeliveryStatus::Delivered;
    if (text == "read") return DeliveryStatus::Read;
    if (text == "failed") return DeliveryStatus::Failed;
    return DeliveryStatus::Pending;
}

Poco::JSON::Object::Ptr toJson(const StoredMessage& m) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", m.id);
    o->set("interaction_id", m.interactionId);
    o->set("client_id", m.clientId);
    o->set("channel", m.channel);
    o->set("account", m.account);
    o->set("direction", toString(m.direction));
    o->set("author", toString(m.author));
    o->set("text", m.text);
    o->set("status", toString(m.status));
    o->set("external_id", m.externalId);
    o->set("created_at", m.createdAt);
    return o;
}

std::vector<StoredMessage> InteractionStore::readMessages(sql::PreparedStatement& query) {
    std::vector<StoredMessage> out;
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) {
        StoredMessage m;
        m.id = rs->getInt64(1);
        m.interactionId = rs->getInt64(2);
        m.clientId = rs->getInt64(3);
        m.channel = rs->getString(4);
        m.account = rs->getString(5);
        m.direction = rs->getString(6) == "in" ? Direction::Inbound : Direction::Outbound;
        m.author = parseAuthor(rs->getString(7));
        m.externalId = rs->getString(8);
        m.text = rs->getString(9);
        m.status = parseDeliveryStatus(rs->getString(10));
        // %f gives microseconds; the API speaks milliseconds.
        m.createdAt = dbTimeToIso(std::string(rs->getString(11)).substr(0, 23));
        out.push_back(std::move(m));
    }
    return out;
}

std::optional<StoredMessage> InteractionStore::findMessageByExternalId(const std::string& channel,
                                                                       const std::string& account,
                                                                       Direction direction,
                                                                       const std::string& externalId) {
    sql::PreparedStatement& q = session_.prepare(std::string(kMessageColumns) +
                                                 "WHERE channel = ? AND account = ? AND direction = ? AND external_id = ?");
    q.setString(1, channel);
    q.setString(2, account);
    q.setString(3, toString(direction));
    q.setString(4, externalId);
    auto rows = readMessages(q);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<StoredMessage> InteractionStore::findMessage(std::int64_t id) {
    sql::PreparedStatement& q = session_.prepare(std::string(kMessageColumns) + "WHERE id = ?");
    q.setInt64(1, id);
    auto rows = readMessages(q);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::int64_t InteractionStore::resolveClient(const Address& address, const std::string& name,
                                             const std::vector<Address>& contacts) {
    sql::PreparedStatement& find = session_.prepare("SELECT client_id FROM client_addresses WHERE kind = ? AND value = ?");
    find.setString(1, address.kind);
    find.setString(2, address.value);
    {
        std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
        if (rs->next()) return rs->getInt64(1);
    }
    const std::string now = nowDbTime();
    sql::PreparedStatement& insertClient =
        session_.prepare("INSERT INTO clients (name, created_at, updated_at) VALUES (?, ?, ?)");
    insertClient.setString(1, name);
    insertClient.setString(2, now);
    insertClient.setString(3, now);
    insertClient.executeUpdate();
    const std::int64_t clientId = session_.lastInsertId();

    // A further contact already known for another client stays with that client: merging is a decision for
    // an operator (issue "interactions and clients"), not something a visitor's form may trigger.
    sql::PreparedStatement& insertAddress = session_.prepare(
        "INSERT IGNORE INTO client_addresses (client_id, kind, value, created_at) VALUES (?, ?, ?, ?)");
    Poco::JSON::Array::Ptr addresses = new Poco::JSON::Array;
    std::vector<Address> all{address};
    all.insert(all.end(), contacts.begin(), contacts.end());
    for (const Address& a : all) {
        if (a.value.empty()) continue;
        insertAddress.setInt64(1, clientId);
        insertAddress.setString(2, a.kind);
        insertAddress.setString(3, a.value);
        insertAddress.setString(4, now);
        if (insertAddress.executeUpdate() == 0) continue;
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("kind", a.kind);
        entry->set("value", a.value);
        addresses->add(entry);
    }
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("id", clientId);
    data->set("name", name);
    data->set("addresses", addresses);
    data->set("created_at", dbTimeToIso(now));
    appendEvent(session_, clientTopic(clientId), "client.created", data);
    return clientId;
}

std::int64_t InteractionStore::resolveInteraction(const std::string& channel, const std::string& account,
                                                  std::int64_t clientId, const Address& address,
                                                  const std::string& threadKey) {
    sql::PreparedStatement& find = session_.prepare(
        "SELECT id FROM interactions WHERE client_id = ? AND channel = ? AND account = ? AND thread_key = ? "
        "AND closed_at IS NULL ORDER BY id DESC LIMIT 1");
    find.setInt64(1, clientId);
    find.setString(2, channel);
    find.setString(3, account);
    find.setString(4, threadKey);
    {
        std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
        if (rs->next()) return rs->getInt64(1);
    }
    const std::string now = nowDbTime();
    const std::string status = "registered";
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO interactions (channel, account, client_id, address_kind, address_value, thread_key, status, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.setString(1, channel);
    insert.setString(2, account);
    insert.setInt64(3, clientId);
    insert.setString(4, address.kind);
    insert.setString(5, address.value);
    insert.setString(6, threadKey);
    insert.setString(7, status);
    insert.setString(8, now);
    insert.setString(9, now);
    insert.executeUpdate();
    const std::int64_t id = session_.lastInsertId();

    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("id", id);
    data->set("channel", channel);
    data->set("account", account);
    data->set("client_id", clientId);
    data->set("status", status);
    data->set("created_at", dbTimeToIso(now));
    appendEvent(session_, interactionTopic(id), "interaction.created", data);
    return id;
}

std::optional<InteractionRecord> InteractionStore::findInteraction(std::int64_t id) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT id, channel, account, client_id, address_kind, address_value, status FROM interactions WHERE id = ?");
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    InteractionRecord r;
    r.id = rs->getInt64(1);
    r.channel = rs->getString(2);
    r.account = rs->getString(3);
    r.clientId = rs->getInt64(4);
    r.address = {rs->getString(5), rs->getString(6)};
    r.status = rs->getString(7);
    return r;
}

StoredMessage InteractionStore::insertMessage(StoredMessage m) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO messages (interaction_id, client_id, channel, account, direction, author, external_id, body, "
        "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.setInt64(1, m.interactionId);
    insert.setInt64(2, m.clientId);
    insert.setString(3, m.channel);
    insert.setString(4, m.account);
    insert.setString(5, toString(m.direction));
    insert.setString(6, toString(m.author));
    if (m.externalId.empty()) {
        insert.setNull(7, sql::DataType::VARCHAR);
    } else {
        insert.setString(7, m.externalId);
    }
    insert.setString(8, m.text);
    insert.setString(9, toString(m.status));
    insert.setString(10, now);
    insert.setString(11, now);
    insert.executeUpdate();
    m.id = session_.lastInsertId();
    m.createdAt = dbTimeToIso(now);
    appendEvent(session_, interactionTopic(m.interactionId), "message.created", toJson(m));
    return m;
}

std::optional<StoredMessage> InteractionStore::updateStatus(std::int64_t messageId, DeliveryStatus status,
                                                            const std::string& externalId,
                                                            const std::string& errorCode,
                                                            const std::string& errorText) {
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE messages SET status = ?, external_id = COALESCE(NULLIF(?, ''), external_id), "
        "error_code = NULLIF(?, ''), error_text = NULLIF(?, ''), updated_at = ? WHERE id = ?");
    update.setString(1, toString(status));
    update.setString(2, externalId);
    update.setString(3, errorCode);
    update.setString(4, errorText);
    update.setString(5, nowDbTime());
    update.setInt64(6, messageId);
    update.executeUpdate();
    auto message = findMessage(messageId);
    if (!message) return std::nullopt;
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("message_id", message->id);
    data->set("interaction_id", message->interactionId);
    data->set("status", toString(status));
    if (!errorCode.empty()) data->set("error_code", errorCode);
    if (!errorText.empty()) data->set("error_text", errorText);
    appendEvent(session_, interactionTopic(message->interactionId), "message.status", data);
    return message;
}

std::vector<StoredMessage> InteractionStore::history(const std::string& channel, const std::string& account,
                                                     const Address& client, std::size_t limit) {
    sql::PreparedStatement& q = session_.prepare(
        std::string(kMessageColumns) +
        "WHERE channel = ? AND account = ? AND client_id = "
        "(SELECT client_id FROM client_addresses WHERE kind = ? AND value = ?) ORDER BY id DESC LIMIT ?");
    q.setString(1, channel);
    q.setString(2, account);
    q.setString(3, client.kind);
    q.setString(4, client.value);
    q.setInt64(5, static_cast<std::int64_t>(limit));
    auto rows = readMessages(q);
    std::reverse(rows.begin(), rows.end());
    return rows;
}

std::vector<StoredMessage> InteractionStore::messagesOf(std::int64_t interactionId, std::size_t limit) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kMessageColumns) + "WHERE interaction_id = ? ORDER BY id DESC LIMIT ?");
    q.setInt64(1, interactionId);
    q.setInt64(2, static_cast<std::int64_t>(limit));
    auto rows = readMessages(q);
    std::reverse(rows.begin(), rows.end());
    return rows;
}

}  // namespace omnigate
