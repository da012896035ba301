#include "store/interaction_store.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

#include "omnigate/sdk/api_error.h"
#include "store/file_store.h"
#include "store/outbox.h"

namespace omnigate {

namespace {

const char* const kMessageColumns =
    "SELECT id, interaction_id, client_id, channel, account, direction, author, COALESCE(external_id, ''), body, "
    "status, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), COALESCE(attachments, ''), auto_generated, spam, "
    "COALESCE(error_code, ''), COALESCE(error_text, ''), "
    "COALESCE(DATE_FORMAT(edited_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(deleted_at, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(author_id, '') FROM messages ";

const char* const kInteractionColumns =
    "SELECT id, channel, account, kind, client_id, address_kind, address_value, thread_key, subject, status, "
    "COALESCE(queue, ''), COALESCE(operator, ''), priority, COALESCE(resolution, ''), "
    "COALESCE(DATE_FORMAT(postponed_until, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(previous_interaction_id, 0), "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(DATE_FORMAT(first_response_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(closed_at, '%Y-%m-%d %H:%i:%s.%f'), ''), rating, COALESCE(rating_comment, ''), version, "
    "COALESCE(DATE_FORMAT(rating_requested_at, '%Y-%m-%d %H:%i:%s.%f'), ''), priority_step, "
    "COALESCE(routing_rule_id, 0), COALESCE(DATE_FORMAT(queued_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(queue_entered_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(offer_expires_at, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(declined_by, ''), "
    "COALESCE(DATE_FORMAT(accepted_at, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(bot, '') "
    "FROM interactions ";

// DATE_FORMAT's %f gives microseconds; the API speaks milliseconds.
std::string isoOrEmpty(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

Poco::JSON::Array::Ptr attachmentsArray(const std::vector<Attachment>& attachments) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Attachment& a : attachments) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("file_id", a.fileId);
        o->set("name", a.name);
        o->set("mime_type", a.mimeType);
        o->set("size", a.size);
        list->add(o);
    }
    return list;
}

std::string attachmentsToJson(const std::vector<Attachment>& attachments) {
    if (attachments.empty()) return "";
    std::ostringstream out;
    attachmentsArray(attachments)->stringify(out);
    return out.str();
}

std::vector<Attachment> attachmentsFromJson(const std::string& text) {
    std::vector<Attachment> out;
    if (text.empty()) return out;
    const auto list = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto o = list->getObject(static_cast<unsigned>(i));
        out.push_back({o->getValue<std::string>("file_id"), o->getValue<std::string>("name"),
                       o->getValue<std::string>("mime_type"), o->getValue<std::uint64_t>("size")});
    }
    return out;
}

// Which messages carry which file: what FileStore::record decides access by. INSERT IGNORE: a message amended
// with more media lists its earlier files again.
void linkFiles(DbSession& session, const StoredMessage& m, const std::vector<Attachment>& attachments) {
    for (const Attachment& a : attachments) {
        if (!isFileId(a.fileId)) continue;  // names no stored file: nothing to decide access by
        sql::PreparedStatement& link = session.prepare(
            "INSERT IGNORE INTO message_files (file_id, message_id, interaction_id, author) VALUES (?, ?, ?, ?)");
        link.setString(1, a.fileId);
        link.setInt64(2, m.id);
        link.setInt64(3, m.interactionId);
        link.setString(4, toString(m.author));
        link.executeUpdate();
    }
}

AuthorKind parseAuthor(const std::string& text) {
    if (text == "operator") return AuthorKind::Operator;
    if (text == "bot") return AuthorKind::Bot;
    if (text == "system") return AuthorKind::System;
    if (text == "integration") return AuthorKind::Integration;
    return AuthorKind::Client;
}

}  // namespace

MessageAuthor messageAuthorOf(const Actor& actor) {
    if (actor.kind == "integration") return {AuthorKind::Integration, actor.id};
    if (actor.kind == "bot") return {AuthorKind::Bot, actor.id};
    return {AuthorKind::Operator, actor.kind == "operator" ? actor.id : ""};
}

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
    if (!m.authorId.empty()) o->set("author_id", m.authorId);
    o->set("text", m.text);
    o->set("status", toString(m.status));
    o->set("external_id", m.externalId);
    if (!m.attachments.empty()) o->set("attachments", attachmentsArray(m.attachments));
    if (m.autoGenerated) o->set("auto_generated", true);
    if (m.spam) o->set("spam", true);
    if (!m.errorCode.empty()) o->set("error_code", m.errorCode);
    if (!m.errorText.empty()) o->set("error_text", m.errorText);
    o->set("created_at", m.createdAt);
    if (!m.editedAt.empty()) o->set("edited_at", m.editedAt);
    if (!m.deletedAt.empty()) o->set("deleted_at", m.deletedAt);
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
        m.createdAt = isoOrEmpty(rs->getString(11));
        m.attachments = attachmentsFromJson(rs->getString(12));
        m.autoGenerated = rs->getBoolean(13);
        m.spam = rs->getBoolean(14);
        m.errorCode = rs->getString(15);
        m.errorText = rs->getString(16);
        m.editedAt = isoOrEmpty(rs->getString(17));
        m.deletedAt = isoOrEmpty(rs->getString(18));
        m.authorId = rs->getString(19);
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
    if (const std::int64_t known = findClientByAddress(address)) return known;
    const std::string now = nowDbTime();
    sql::PreparedStatement& insertClient =
        session_.prepare("INSERT INTO clients (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id");
    insertClient.setString(1, name);
    insertClient.setString(2, now);
    insertClient.setString(3, now);
    const std::int64_t clientId = DbSession::insertReturningId(insertClient);

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

StoredMessage InteractionStore::insertMessage(StoredMessage m) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO messages (interaction_id, client_id, channel, account, direction, author, external_id, body, "
        "status, created_at, updated_at, attachments, auto_generated, spam, author_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, NULLIF(?, ''), ?, ?, NULLIF(?, '')) RETURNING id");
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
    insert.setString(12, attachmentsToJson(m.attachments));
    insert.setBoolean(13, m.autoGenerated);
    insert.setBoolean(14, m.spam);
    insert.setString(15, m.authorId.substr(0, 64));
    m.id = DbSession::insertReturningId(insert);
    m.createdAt = dbTimeToIso(now);
    linkFiles(session_, m, m.attachments);
    appendEvent(session_, interactionTopic(m.interactionId), "message.created", toJson(m));
    return m;
}

void InteractionStore::updateStatus(std::int64_t messageId, std::int64_t interactionId, DeliveryStatus status,
                                    const std::string& externalId, const std::string& errorCode,
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
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("message_id", messageId);
    data->set("interaction_id", interactionId);
    data->set("status", toString(status));
    if (!errorCode.empty()) data->set("error_code", errorCode);
    if (!errorText.empty()) data->set("error_text", errorText);
    appendEvent(session_, interactionTopic(interactionId), "message.status", data);
}

StoredMessage InteractionStore::amendMessage(StoredMessage m, const InboundAmendment& amendment) {
    const std::string now = nowDbTime();
    const bool edited = amendment.replaceText && amendment.byClient;
    if (amendment.replaceText) m.text = amendment.text;
    if (edited) m.editedAt = dbTimeToIso(now);
    if (amendment.deleted && m.deletedAt.empty()) m.deletedAt = dbTimeToIso(now);
    m.attachments.insert(m.attachments.end(), amendment.addAttachments.begin(), amendment.addAttachments.end());
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE messages SET body = ?, attachments = NULLIF(?, ''), updated_at = ?, "
        "edited_at = IF(?, ?, edited_at), deleted_at = IF(? AND deleted_at IS NULL, ?, deleted_at) WHERE id = ?");
    update.setString(1, m.text);
    update.setString(2, attachmentsToJson(m.attachments));
    update.setString(3, now);
    update.setBoolean(4, edited);
    update.setString(5, now);
    update.setBoolean(6, amendment.deleted);
    update.setString(7, now);
    update.setInt64(8, m.id);
    update.executeUpdate();
    linkFiles(session_, m, amendment.addAttachments);
    appendEvent(session_, interactionTopic(m.interactionId), "message.updated", toJson(m));
    return m;
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

namespace {

Interaction readInteraction(sql::ResultSet& rs) {
    Interaction i;
    i.id = rs.getInt64(1);
    i.channel = rs.getString(2);
    i.account = rs.getString(3);
    i.kind = rs.getString(4) == "public" ? InteractionKind::Public : InteractionKind::Private;
    i.clientId = rs.getInt64(5);
    i.address = {rs.getString(6), rs.getString(7)};
    i.threadKey = rs.getString(8);
    i.subject = rs.getString(9);
    i.status = parseInteractionStatus(rs.getString(10)).value_or(InteractionStatus::New);
    i.queue = rs.getString(11);
    i.operatorId = rs.getString(12);
    i.priority = rs.getInt(13);
    i.resolution = rs.getString(14);
    i.postponedUntil = isoOrEmpty(rs.getString(15));
    i.previousInteractionId = rs.getInt64(16);
    i.createdAt = isoOrEmpty(rs.getString(17));
    i.updatedAt = isoOrEmpty(rs.getString(18));
    i.firstResponseAt = isoOrEmpty(rs.getString(19));
    i.closedAt = isoOrEmpty(rs.getString(20));
    if (!rs.isNull(21)) i.rating = rs.getInt(21);
    i.ratingComment = rs.getString(22);
    i.version = rs.getInt(23);
    i.ratingRequestedAt = isoOrEmpty(rs.getString(24));
    i.priorityStep = rs.getDouble(25);
    i.routingRuleId = rs.getInt64(26);
    i.queuedAt = isoOrEmpty(rs.getString(27));
    i.queueEnteredAt = isoOrEmpty(rs.getString(28));
    i.offerExpiresAt = isoOrEmpty(rs.getString(29));
    i.declinedBy = rs.getString(30);
    i.acceptedAt = isoOrEmpty(rs.getString(31));
    i.bot = rs.getString(32);
    return i;
}

}  // namespace

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

std::string withoutTrailingSpaces(const std::string& s) {
    const std::size_t end = s.find_last_not_of(' ');
    return end == std::string::npos ? std::string() : s.substr(0, end + 1);
}

InteractionStore::InboundLookup InteractionStore::lookupInbound(const std::string& channel, const std::string& account,
                                                               const std::string& externalId, const Address& from,
                                                               const std::string& threadKey) {
    // The interaction's columns, then the two answers; the interaction side is all NULL when there is none.
    static const std::string sql = [] {
        std::string columns(kInteractionColumns);
        columns.erase(columns.rfind("FROM interactions"));
        return columns +
               ", k.dup, k.cid FROM (SELECT "
               "(SELECT id FROM messages WHERE channel = ? AND account = ? AND direction = 'in' AND external_id = ?) "
               "AS dup, (SELECT client_id FROM client_addresses WHERE kind = ? AND value = ?) AS cid) AS k "
               "LEFT JOIN interactions ON interactions.id = (SELECT x.id FROM interactions x WHERE x.client_id = k.cid "
               "AND x.channel = ? AND x.account = ? AND x.address_kind = ? AND x.address_value = ? "
               "AND x.thread_key = ? AND x.status <> 'closed' ORDER BY x.id DESC LIMIT 1)";
    }();
    sql::PreparedStatement& q = session_.prepare(sql);
    q.setString(1, channel);
    q.setString(2, account);
    q.setString(3, externalId);
    q.setString(4, from.kind);
    q.setString(5, from.value);
    q.setString(6, channel);
    q.setString(7, account);
    q.setString(8, from.kind);
    q.setString(9, from.value);
    q.setString(10, threadKey);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    InboundLookup found;
    if (!rs->next()) return found;
    const unsigned columns = rs->getMetaData()->getColumnCount();
    found.duplicateId = rs->isNull(columns - 1) ? 0 : rs->getInt64(columns - 1);
    found.clientId = rs->isNull(columns) ? 0 : rs->getInt64(columns);
    if (!rs->isNull(1)) found.open = readInteraction(*rs);
    return found;
}

std::optional<std::vector<InteractionStore::InboundLookup>> InteractionStore::lookupInboundMany(
    const std::vector<InboundKey>& keys) {
    std::vector<InboundLookup> found(keys.size());
    if (keys.empty()) return found;
    // Lists are padded to a power of two by repeating the last key, so a lane prepares a handful of statements
    // rather than one per batch size.
    const auto padded = [](std::size_t n) {
        std::size_t p = 1;
        while (p < n) p *= 2;
        return p;
    };
    const auto placeholders = [](std::size_t n, const std::string& one) {
        std::string list;
        for (std::size_t i = 0; i < n; ++i) list += (i == 0 ? "" : ", ") + one;
        return list;
    };
    const std::size_t n = padded(keys.size());
    sql::PreparedStatement& first = session_.prepare(
        "SELECT 0, channel, account, external_id, id FROM messages WHERE direction = 'in' AND "
        "(channel, account, external_id) IN (" + placeholders(n, "(?, ?, ?)") + ") UNION ALL "
        "SELECT 1, kind, value, '', client_id FROM client_addresses WHERE (kind, value) IN (" +
        placeholders(n, "(?, ?)") + ")");
    int position = 1;
    for (std::size_t i = 0; i < n; ++i) {
        const InboundKey& key = keys[std::min(i, keys.size() - 1)];
        first.setString(position++, key.channel);
        first.setString(position++, key.account);
        first.setString(position++, key.externalId);
    }
    for (std::size_t i = 0; i < n; ++i) {
        const InboundKey& key = keys[std::min(i, keys.size() - 1)];
        first.setString(position++, key.from.kind);
        first.setString(position++, key.from.value);
    }
    std::map<std::string, std::size_t> byExternalId;
    std::map<std::string, std::size_t> byAddress;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const InboundKey& key = keys[i];
        byExternalId[key.channel + '\0' + key.account + '\0' + withoutTrailingSpaces(key.externalId)] = i;
        byAddress[withoutTrailingSpaces(key.from.kind) + '\0' + withoutTrailingSpaces(key.from.value)] = i;
    }
    {
        std::unique_ptr<sql::ResultSet> rs(first.executeQuery());
        while (rs->next()) {
            const bool message = rs->getInt(1) == 0;
            const std::string a = rs->getString(2);
            const std::string b = rs->getString(3);
            const std::string key = message ? a + '\0' + b + '\0' + withoutTrailingSpaces(rs->getString(4))
                                            : withoutTrailingSpaces(a) + '\0' + withoutTrailingSpaces(b);
            const auto& index = message ? byExternalId : byAddress;
            const auto match = index.find(key);
            if (match == index.end()) return std::nullopt;
            (message ? found[match->second].duplicateId : found[match->second].clientId) = rs->getInt64(5);
        }
    }

    std::map<std::int64_t, std::vector<std::size_t>> byClient;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (found[i].clientId != 0) byClient[found[i].clientId].push_back(i);
    }
    if (byClient.empty()) return found;
    std::vector<std::int64_t> clients;
    for (const auto& entry : byClient) clients.push_back(entry.first);
    const std::size_t m = padded(clients.size());
    sql::PreparedStatement& open = session_.prepare(std::string(kInteractionColumns) + "WHERE client_id IN (" +
                                                    placeholders(m, "?") + ") AND status <> 'closed'");
    for (std::size_t i = 0; i < m; ++i) open.setInt64(static_cast<int>(i + 1), clients[std::min(i, clients.size() - 1)]);
    std::unique_ptr<sql::ResultSet> rs(open.executeQuery());
    while (rs->next()) {
        Interaction row = readInteraction(*rs);
        const auto candidates = byClient.find(row.clientId);
        if (candidates == byClient.end()) continue;
        for (const std::size_t i : candidates->second) {
            const InboundKey& key = keys[i];
            const bool same = withoutTrailingSpaces(row.channel) == withoutTrailingSpaces(key.channel) &&
                              withoutTrailingSpaces(row.account) == withoutTrailingSpaces(key.account) &&
                              withoutTrailingSpaces(row.address.kind) == withoutTrailingSpaces(key.from.kind) &&
                              withoutTrailingSpaces(row.address.value) == withoutTrailingSpaces(key.from.value) &&
                              withoutTrailingSpaces(row.threadKey) == withoutTrailingSpaces(key.threadKey);
            // The latest open one, as lookupInbound picks it.
            if (same && (!found[i].open || found[i].open->id < row.id)) found[i].open = row;
        }
    }
    return found;
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

std::int64_t InteractionStore::findClientByAddress(const Address& address) {
    sql::PreparedStatement& q = session_.prepare("SELECT client_id FROM client_addresses WHERE kind = ? AND value = ?");
    q.setString(1, address.kind);
    q.setString(2, address.value);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
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
        "UPDATE interactions SET rating = ?, rating_comment = NULLIF(?, ''), version = version + 1, updated_at = ? "
        "WHERE id = ?");
    update.setInt(1, rating);
    update.setString(2, comment);
    update.setString(3, nowDbTime());
    update.setInt64(4, id);
    update.executeUpdate();
    Interaction rated = *load(id);
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
    update.setString(1, nowDbTime());
    update.setInt64(2, id);
    update.executeUpdate();
}

std::optional<std::int64_t> InteractionStore::clientAliasOf(std::int64_t clientId) {
    sql::PreparedStatement& q = session_.prepare("SELECT COALESCE(alias_of, 0) FROM clients WHERE id = ?");
    q.setInt64(1, clientId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getInt64(1);
}

std::string InteractionStore::addressKindUsedOn(std::int64_t clientId, const std::string& channel) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT address_kind FROM interactions WHERE client_id = ? AND channel = ? ORDER BY id DESC LIMIT 1");
    q.setInt64(1, clientId);
    q.setString(2, channel);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next() ? std::string(rs->getString(1)) : std::string();
}

std::optional<Address> InteractionStore::firstAddressOfKind(std::int64_t clientId, const std::string& kind) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT kind, value FROM client_addresses WHERE client_id = ? AND kind = ? ORDER BY id LIMIT 1");
    q.setInt64(1, clientId);
    q.setString(2, kind);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return Address{rs->getString(1), rs->getString(2)};
}

}  // namespace omnigate
