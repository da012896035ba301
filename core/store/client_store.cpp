#include "store/client_store.h"

#include <Poco/JSON/Parser.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "db/db_time.h"
#include "db/outbox.h"
#include "model/address_normalization.h"
#include "omnigate/sdk/api_error.h"
#include "store/interaction_store.h"

namespace omnigate {

namespace {

const char* const kClientColumns =
    "SELECT c.id, c.name, c.card, c.flags, COALESCE(c.alias_of, 0), DATE_FORMAT(c.created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(c.updated_at, '%Y-%m-%d %H:%i:%s.%f'), c.version FROM clients c ";

constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY
constexpr std::size_t kFlagsColumnWidth = 255;

// DATE_FORMAT's %f gives microseconds; the API speaks milliseconds.
std::string isoOrEmpty(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

std::string cardToJson(const std::map<std::string, std::string>& card) {
    Poco::JSON::Object object;
    for (const auto& [key, value] : card) object.set(key, value);
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}


std::string flagsToColumn(const std::vector<std::string>& flags) {
    std::string text;
    for (const std::string& f : flags) text += (text.empty() ? "" : ",") + f;
    return text;
}

// The flags as the column keeps them; 400 when they do not fit.
std::string flagsColumnOf(const std::vector<std::string>& flags) {
    std::string text = flagsToColumn(flags);
    if (text.size() > kFlagsColumnWidth) {
        throw ApiError::badRequest("'flags' take " + std::to_string(text.size()) +
                                   " characters joined by commas; at most " + std::to_string(kFlagsColumnWidth) +
                                   " fit");
    }
    return text;
}

Client readClient(sql::ResultSet& rs) {
    Client c;
    c.id = rs.getInt64(1);
    c.name = rs.getString(2);
    c.card = cardFromJson(rs.getString(3));
    c.flags = flagsFromColumn(rs.getString(4));
    c.aliasOf = rs.getInt64(5);
    c.createdAt = isoOrEmpty(rs.getString(6));
    c.updatedAt = isoOrEmpty(rs.getString(7));
    c.version = rs.getInt(8);
    return c;
}

std::vector<std::int64_t> readIds(sql::PreparedStatement& query) {
    std::vector<std::int64_t> ids;
    std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
    while (rs->next()) ids.push_back(rs->getInt64(1));
    return ids;
}

ApiError aliasConflict(const Client& client, const std::string& what) {
    return ApiError(409, "client_merged",
                    "client " + std::to_string(client.id) + " was merged into client " +
                        std::to_string(client.aliasOf) + ": " + what + " client " + std::to_string(client.aliasOf) +
                        " instead");
}

ApiError addressTaken(const Address& address, std::int64_t owner) {
    return ApiError(409, "address_taken",
                    "the " + address.kind + " address '" + address.value + "' belongs to client " +
                        std::to_string(owner) + " (merge the clients to bring them together)");
}

bool looksLikePhone(const std::string& text) {
    int digits = 0;
    for (const char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            ++digits;
        } else if (std::string(" +-().").find(c) == std::string::npos) {
            return false;
        }
    }
    return digits >= 3;
}

std::string likePattern(const std::string& text) {
    std::string escaped;
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\') escaped += '\\';
        escaped += c;
    }
    return "%" + escaped + "%";
}

}  // namespace

std::map<std::string, std::string> cardFromJson(const std::string& text) {
    std::map<std::string, std::string> card;
    if (text.empty()) return card;
    try {
        const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(text);
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return card;
        const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
        for (const std::string& key : object->getNames()) {
            if (!object->isNull(key)) card[key] = object->get(key).convert<std::string>();
        }
    } catch (const Poco::Exception&) {
        // A card edited by hand into something that is not JSON reads as empty rather than breaking every
        // request that touches the client; the next edit through the API writes it whole again.
    }
    return card;
}

std::vector<std::string> flagsFromColumn(const std::string& text) {
    std::vector<std::string> flags;
    std::istringstream in(text);
    std::string flag;
    while (std::getline(in, flag, ',')) {
        if (!flag.empty()) flags.push_back(flag);
    }
    return flags;
}

Poco::JSON::Object::Ptr toJson(const Client& c) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", c.id);
    o->set("name", c.name);
    Poco::JSON::Object::Ptr card = new Poco::JSON::Object;
    for (const auto& [key, value] : c.card) card->set(key, value);
    o->set("card", card);
    Poco::JSON::Array::Ptr flags = new Poco::JSON::Array;
    for (const std::string& f : c.flags) flags->add(f);
    o->set("flags", flags);
    Poco::JSON::Array::Ptr addresses = new Poco::JSON::Array;
    for (const ClientAddress& a : c.addresses) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("id", a.id);
        entry->set("kind", a.address.kind);
        entry->set("value", a.address.value);
        addresses->add(entry);
    }
    o->set("addresses", addresses);
    o->set("alias_of", c.aliasOf == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(c.aliasOf));
    o->set("created_at", c.createdAt);
    o->set("updated_at", c.updatedAt);
    o->set("version", c.version);
    return o;
}

std::vector<ClientAddress> ClientStore::addressesOf(std::int64_t clientId) {
    sql::PreparedStatement& q =
        session_.prepare("SELECT id, kind, value FROM client_addresses WHERE client_id = ? ORDER BY id");
    q.setInt64(1, clientId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<ClientAddress> out;
    while (rs->next()) out.push_back({rs->getInt64(1), {rs->getString(2), rs->getString(3)}});
    return out;
}

std::optional<Client> ClientStore::load(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kClientColumns) + (forUpdate ? "WHERE c.id = ? FOR UPDATE" : "WHERE c.id = ?"));
    q.setInt64(1, id);
    std::optional<Client> client;
    {
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) return std::nullopt;
        client = readClient(*rs);
    }
    client->addresses = addressesOf(id);
    return client;
}

std::vector<Client> ClientStore::search(const std::string& query, std::int64_t beforeId, std::size_t limit) {
    std::vector<Client> out;
    {
        std::unique_ptr<sql::ResultSet> rs;
        if (query.empty()) {
            sql::PreparedStatement& q = session_.prepare(
                std::string(kClientColumns) + "WHERE c.alias_of IS NULL AND c.id < ? ORDER BY c.id DESC LIMIT ?");
            q.setInt64(1, beforeId);
            q.setInt64(2, static_cast<std::int64_t>(limit));
            rs.reset(q.executeQuery());
        } else {
            // The normalised spellings are compared with the stored values normalised on the fly as well, so
            // addresses stored before the pipeline normalised them ("Anna@Example.com") are found too. This is a
            // scan, like the name substring beside it; it runs on a reader connection, never in the writer.
            const std::string email = query.find('@') != std::string::npos ? normalizeAddress({"email", query}).value : "";
            const std::string phone = looksLikePhone(query) ? normalizeAddress({"phone", query}).value : "";
            sql::PreparedStatement& q = session_.prepare(
                std::string(kClientColumns) +
                "WHERE c.alias_of IS NULL AND c.id < ? AND (c.name LIKE ? OR c.id IN ("
                "SELECT a.client_id FROM client_addresses a WHERE a.value = ? "
                "OR (? <> '' AND a.kind = 'email' AND LOWER(a.value) = ?) "
                "OR (? <> '' AND a.kind IN ('phone', 'whatsapp') AND "
                "CONCAT('+', REGEXP_REPLACE(a.value, '[^0-9]', '')) = ?))) "
                "ORDER BY c.id DESC LIMIT ?");
            q.setInt64(1, beforeId);
            q.setString(2, likePattern(query));
            q.setString(3, query);
            q.setString(4, email);
            q.setString(5, email);
            q.setString(6, phone);
            q.setString(7, phone);
            q.setInt64(8, static_cast<std::int64_t>(limit));
            rs.reset(q.executeQuery());
        }
        while (rs->next()) out.push_back(readClient(*rs));
    }
    for (Client& c : out) c.addresses = addressesOf(c.id);
    return out;
}

std::vector<Interaction> ClientStore::interactionsOf(std::int64_t clientId, std::int64_t beforeId, std::size_t limit) {
    sql::PreparedStatement& q =
        session_.prepare("SELECT id FROM interactions WHERE client_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
    q.setInt64(1, clientId);
    q.setInt64(2, beforeId);
    q.setInt64(3, static_cast<std::int64_t>(limit));
    // InteractionStore owns the interaction columns and their JSON; a page is at most a few hundred rows.
    InteractionStore interactions(session_);
    std::vector<Interaction> out;
    for (std::int64_t id : readIds(q)) {
        if (auto i = interactions.load(id)) out.push_back(std::move(*i));
    }
    return out;
}

std::int64_t ClientStore::findAddressOwner(const Address& address) {
    sql::PreparedStatement& q = session_.prepare("SELECT client_id FROM client_addresses WHERE kind = ? AND value = ?");
    q.setString(1, address.kind);
    q.setString(2, address.value);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
}

std::int64_t ClientStore::resolve(const Address& address, const std::string& name,
                                  const std::vector<Address>& contacts) {
    if (const std::int64_t known = findAddressOwner(address)) return known;
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

std::optional<std::int64_t> ClientStore::aliasOf(std::int64_t clientId) {
    sql::PreparedStatement& q = session_.prepare("SELECT COALESCE(alias_of, 0) FROM clients WHERE id = ?");
    q.setInt64(1, clientId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getInt64(1);
}

std::optional<Address> ClientStore::firstAddressOfKind(std::int64_t clientId, const std::string& kind) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT kind, value FROM client_addresses WHERE client_id = ? AND kind = ? ORDER BY id LIMIT 1");
    q.setInt64(1, clientId);
    q.setString(2, kind);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return Address{rs->getString(1), rs->getString(2)};
}

Client ClientStore::create(const std::string& name, const std::vector<Address>& addresses,
                           const std::map<std::string, std::string>& card, const std::vector<std::string>& flags) {
    const std::string flagsColumn = flagsColumnOf(flags);
    for (const Address& a : addresses) {
        if (const std::int64_t owner = findAddressOwner(a)) throw addressTaken(a, owner);
    }
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO clients (name, card, flags, created_at, updated_at) VALUES (?, ?, ?, ?, ?)");
    insert.setString(1, name);
    insert.setString(2, cardToJson(card));
    insert.setString(3, flagsColumn);
    insert.setString(4, now);
    insert.setString(5, now);
    insert.executeUpdate();
    const std::int64_t id = session_.lastInsertId();
    sql::PreparedStatement& insertAddress =
        session_.prepare("INSERT INTO client_addresses (client_id, kind, value, created_at) VALUES (?, ?, ?, ?)");
    for (const Address& a : addresses) {
        insertAddress.setInt64(1, id);
        insertAddress.setString(2, a.kind);
        insertAddress.setString(3, a.value);
        insertAddress.setString(4, now);
        try {
            insertAddress.executeUpdate();
        } catch (const sql::SQLException& e) {
            // Another daemon instance took the address between our check and this insert.
            if (e.getErrorCode() == kDuplicateKey) throw addressTaken(a, findAddressOwner(a));
            throw;
        }
    }
    Client created = *load(id);
    appendEvent(session_, clientTopic(id), "client.created", toJson(created));
    return created;
}

void ClientStore::bumpVersion(std::int64_t id, const std::string& now) {
    sql::PreparedStatement& update =
        session_.prepare("UPDATE clients SET version = version + 1, updated_at = ? WHERE id = ?");
    update.setString(1, now);
    update.setInt64(2, id);
    update.executeUpdate();
}

void ClientStore::appendUpdated(const Client& client, const std::vector<std::string>& changes, const Actor& actor) {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("client", toJson(client));
    Poco::JSON::Array::Ptr changed = new Poco::JSON::Array;
    for (const std::string& c : changes) changed->add(c);
    data->set("changes", changed);
    Poco::JSON::Object::Ptr by = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    by->set("kind", actor.kind);
    by->set("id", actor.id);
    data->set("actor", by);
    appendEvent(session_, clientTopic(client.id), "client.updated", data);
}

Client ClientStore::update(std::int64_t id, int expectedVersion, const ClientChanges& changes, const Actor& actor) {
    const auto current = load(id, true);
    if (!current) throw ApiError::notFound("no client " + std::to_string(id));
    if (current->aliasOf != 0) throw aliasConflict(*current, "edit");
    if (current->version != expectedVersion) {
        throw ApiError(409, "version_conflict",
                       "client " + std::to_string(id) + " changed meanwhile (version " +
                           std::to_string(current->version) + ", not " + std::to_string(expectedVersion) +
                           "): reload it and try again");
    }
    Client next = *current;
    std::vector<std::string> changed;
    if (changes.name && *changes.name != current->name) {
        next.name = *changes.name;
        changed.push_back("name");
    }
    for (const auto& [key, value] : changes.card) {
        if (value) {
            next.card[key] = *value;
        } else {
            next.card.erase(key);
        }
    }
    if (next.card != current->card) changed.push_back("card");
    if (changes.flags && *changes.flags != current->flags) {
        next.flags = *changes.flags;
        changed.push_back("flags");
    }
    if (changed.empty()) return *current;
    const std::string flags = flagsColumnOf(next.flags);
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE clients SET name = ?, card = ?, flags = ?, version = version + 1, updated_at = ? "
        "WHERE id = ? AND version = ?");
    update.setString(1, next.name);
    update.setString(2, cardToJson(next.card));
    update.setString(3, flags);
    update.setString(4, nowDbTime());
    update.setInt64(5, id);
    update.setInt(6, expectedVersion);
    if (update.executeUpdate() == 0) {
        throw ApiError(409, "version_conflict", "client " + std::to_string(id) + " changed meanwhile: reload it and try again");
    }
    Client updated = *load(id);
    appendUpdated(updated, changed, actor);
    return updated;
}

Client ClientStore::addAddress(std::int64_t id, const Address& address, const Actor& actor, bool& added) {
    added = false;
    const auto current = load(id, true);
    if (!current) throw ApiError::notFound("no client " + std::to_string(id));
    if (current->aliasOf != 0) throw aliasConflict(*current, "add the address to");
    const std::int64_t owner = findAddressOwner(address);
    if (owner == id) return *current;
    if (owner != 0) throw addressTaken(address, owner);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert =
        session_.prepare("INSERT INTO client_addresses (client_id, kind, value, created_at) VALUES (?, ?, ?, ?)");
    insert.setInt64(1, id);
    insert.setString(2, address.kind);
    insert.setString(3, address.value);
    insert.setString(4, now);
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) throw addressTaken(address, findAddressOwner(address));
        throw;
    }
    bumpVersion(id, now);
    added = true;
    Client updated = *load(id);
    appendUpdated(updated, {"addresses"}, actor);
    return updated;
}

Client ClientStore::removeAddress(std::int64_t id, std::int64_t addressId, const Actor& actor) {
    const auto current = load(id, true);
    if (!current) throw ApiError::notFound("no client " + std::to_string(id));
    const bool owned = std::any_of(current->addresses.begin(), current->addresses.end(),
                                   [&](const ClientAddress& a) { return a.id == addressId; });
    if (!owned) {
        throw ApiError::notFound("client " + std::to_string(id) + " has no address " + std::to_string(addressId));
    }
    if (current->addresses.size() == 1) {
        throw ApiError(409, "last_address",
                       "address " + std::to_string(addressId) + " is the last address of client " + std::to_string(id) +
                           "; a client must stay reachable: add another address first");
    }
    sql::PreparedStatement& remove = session_.prepare("DELETE FROM client_addresses WHERE id = ? AND client_id = ?");
    remove.setInt64(1, addressId);
    remove.setInt64(2, id);
    remove.executeUpdate();
    bumpVersion(id, nowDbTime());
    Client updated = *load(id);
    appendUpdated(updated, {"addresses"}, actor);
    return updated;
}

MergeResult ClientStore::merge(std::int64_t intoId, std::int64_t fromId, const Actor& actor) {
    if (intoId == fromId) {
        throw ApiError(409, "self_merge", "client " + std::to_string(intoId) + " cannot be merged into itself");
    }
    // Both rows are locked in id order, so two merges of the same pair in opposite directions (from two daemon
    // instances) wait for each other instead of deadlocking.
    const auto lower = load(std::min(intoId, fromId), true);
    const auto upper = load(std::max(intoId, fromId), true);
    const auto& into = intoId < fromId ? lower : upper;
    const auto& from = intoId < fromId ? upper : lower;
    if (!into) throw ApiError::notFound("no client " + std::to_string(intoId));
    if (!from) throw ApiError::notFound("no client " + std::to_string(fromId));
    if (from->aliasOf != 0) {
        throw ApiError(409, "client_merged",
                       "client " + std::to_string(fromId) + " was already merged into client " +
                           std::to_string(from->aliasOf));
    }
    if (into->aliasOf != 0) throw aliasConflict(*into, "merge into");

    MergeResult result;
    Client survivor = *into;
    std::vector<std::string> changed;
    if (survivor.name.find_first_not_of(" \t") == std::string::npos && !from->name.empty()) {
        survivor.name = from->name;
        changed.push_back("name");
    }
    for (const auto& [key, value] : from->card) {
        if (survivor.card.emplace(key, value).second && std::find(changed.begin(), changed.end(), "card") == changed.end()) {
            changed.push_back("card");
        }
    }
    for (const std::string& flag : from->flags) {
        if (std::find(survivor.flags.begin(), survivor.flags.end(), flag) != survivor.flags.end()) continue;
        survivor.flags.push_back(flag);
        if (std::find(changed.begin(), changed.end(), "flags") == changed.end()) changed.push_back("flags");
    }
    const std::string flags = flagsToColumn(survivor.flags);
    if (flags.size() > kFlagsColumnWidth) {
        throw ApiError(409, "flags_overflow",
                       "the united flags of clients " + std::to_string(intoId) + " and " + std::to_string(fromId) +
                           " take " + std::to_string(flags.size()) + " characters; at most " +
                           std::to_string(kFlagsColumnWidth) + " fit: remove some flags first");
    }
    const std::string now = nowDbTime();

    sql::PreparedStatement& interactionIds =
        session_.prepare("SELECT id FROM interactions WHERE client_id = ? ORDER BY id FOR UPDATE");
    interactionIds.setInt64(1, fromId);
    const std::vector<std::int64_t> moved = readIds(interactionIds);

    // Messages follow their interactions (reached through the interactions' index: messages has none on
    // client_id, and this runs in the writer, where a scan of the largest table would stall every inbound message).
    sql::PreparedStatement& moveMessages = session_.prepare(
        "UPDATE messages m JOIN interactions i ON i.id = m.interaction_id SET m.client_id = ? WHERE i.client_id = ?");
    moveMessages.setInt64(1, intoId);
    moveMessages.setInt64(2, fromId);
    result.movedMessages = moveMessages.executeUpdate();

    sql::PreparedStatement& moveInteractions = session_.prepare(
        "UPDATE interactions SET client_id = ?, version = version + 1, updated_at = ? WHERE client_id = ?");
    moveInteractions.setInt64(1, intoId);
    moveInteractions.setString(2, now);
    moveInteractions.setInt64(3, fromId);
    result.movedInteractions = moveInteractions.executeUpdate();

    sql::PreparedStatement& moveAddresses = session_.prepare("UPDATE client_addresses SET client_id = ? WHERE client_id = ?");
    moveAddresses.setInt64(1, intoId);
    moveAddresses.setInt64(2, fromId);
    result.movedAddresses = moveAddresses.executeUpdate();
    if (result.movedAddresses > 0) changed.push_back("addresses");

    sql::PreparedStatement& updateSurvivor = session_.prepare(
        "UPDATE clients SET name = ?, card = ?, flags = ?, version = version + 1, updated_at = ? WHERE id = ?");
    updateSurvivor.setString(1, survivor.name);
    updateSurvivor.setString(2, cardToJson(survivor.card));
    updateSurvivor.setString(3, flags);
    updateSurvivor.setString(4, now);
    updateSurvivor.setInt64(5, intoId);
    updateSurvivor.executeUpdate();

    sql::PreparedStatement& makeAlias =
        session_.prepare("UPDATE clients SET alias_of = ?, version = version + 1, updated_at = ? WHERE id = ?");
    makeAlias.setInt64(1, intoId);
    makeAlias.setString(2, now);
    makeAlias.setInt64(3, fromId);
    makeAlias.executeUpdate();

    // Aliases always point at a client that is not one, so a lookup follows at most one pointer.
    sql::PreparedStatement& aliases = session_.prepare("SELECT id FROM clients WHERE alias_of = ? ORDER BY id FOR UPDATE");
    aliases.setInt64(1, fromId);
    const std::vector<std::int64_t> repointed = readIds(aliases);
    sql::PreparedStatement& repoint =
        session_.prepare("UPDATE clients SET alias_of = ?, version = version + 1, updated_at = ? WHERE alias_of = ?");
    repoint.setInt64(1, intoId);
    repoint.setString(2, now);
    repoint.setInt64(3, fromId);
    repoint.executeUpdate();

    result.survivor = *load(intoId);
    appendUpdated(result.survivor, changed, actor);
    Poco::JSON::Object::Ptr merged = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    merged->set("client_id", intoId);
    merged->set("merged_client_id", fromId);
    merged->set("moved_interactions", result.movedInteractions);
    merged->set("moved_addresses", result.movedAddresses);
    merged->set("moved_messages", result.movedMessages);
    appendEvent(session_, clientTopic(intoId), "client.merged", merged);
    appendEvent(session_, clientTopic(fromId), "client.merged", merged);
    for (std::int64_t alias : repointed) appendUpdated(*load(alias), {"alias_of"}, actor);
    InteractionStore interactions(session_);
    for (std::int64_t id : moved) interactions.appendUpdated(*interactions.load(id), {"client_id"}, actor);
    return result;
}

Interaction ClientStore::linkInteraction(std::int64_t interactionId, std::int64_t clientId,
                                         std::optional<int> expectedVersion, const Actor& actor) {
    // The client first, then the interaction: the order a merge locks them in.
    const auto target = load(clientId, true);
    InteractionStore interactions(session_);
    const auto current = interactions.load(interactionId, true);
    if (!current) throw ApiError::notFound("no interaction " + std::to_string(interactionId));
    if (!target) throw ApiError::notFound("no client " + std::to_string(clientId));
    if (target->aliasOf != 0) throw aliasConflict(*target, "link the interaction to");
    if (expectedVersion && *expectedVersion != current->version) {
        throw ApiError(409, "version_conflict",
                       "interaction " + std::to_string(interactionId) + " changed meanwhile (version " +
                           std::to_string(current->version) + ", not " + std::to_string(*expectedVersion) +
                           "): reload it and try again");
    }
    if (current->clientId == clientId) return *current;
    sql::PreparedStatement& moveMessages = session_.prepare("UPDATE messages SET client_id = ? WHERE interaction_id = ?");
    moveMessages.setInt64(1, clientId);
    moveMessages.setInt64(2, interactionId);
    moveMessages.executeUpdate();
    sql::PreparedStatement& move = session_.prepare(
        "UPDATE interactions SET client_id = ?, version = version + 1, updated_at = ? WHERE id = ?");
    move.setInt64(1, clientId);
    move.setString(2, nowDbTime());
    move.setInt64(3, interactionId);
    move.executeUpdate();
    Interaction linked = *interactions.load(interactionId);
    interactions.appendUpdated(linked, {"client_id"}, actor);
    return linked;
}

}  // namespace omnigate
