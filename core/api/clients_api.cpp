#include "api/clients_api.h"

#include <Poco/String.h>
#include <cppconn/exception.h>

#include <algorithm>
#include <limits>
#include <set>

#include "api/api_support.h"
#include "model/address_normalization.h"
#include "omnigate/sdk/api_error.h"
#include "store/client_store.h"

namespace omnigate {

namespace {

constexpr std::size_t kMaxNameChars = 255;
constexpr std::size_t kMaxCardKeyChars = 64;
constexpr std::size_t kMaxCardValueChars = 1024;
constexpr std::size_t kMaxFlagChars = 32;
constexpr std::size_t kMaxQueryChars = 255;
constexpr std::size_t kDefaultPage = 50;
constexpr std::size_t kMaxPage = 200;

std::string validName(const std::string& field, const std::string& raw) {
    const std::string name = Poco::trim(raw);
    if (name.empty()) throw ApiError::badRequest("'" + field + "' is empty");
    if (utf8Length(name) > kMaxNameChars) {
        throw ApiError::badRequest("'" + field + "' is longer than " + std::to_string(kMaxNameChars) + " characters");
    }
    return name;
}

bool validKind(const std::string& kind) {
    return !kind.empty() && kind.size() <= 32 &&
           std::all_of(kind.begin(), kind.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

Address parseAddress(const Poco::JSON::Object::Ptr& object, const std::string& prefix) {
    const auto field = [&](const std::string& name) { return prefix.empty() ? name : prefix + "." + name; };
    std::string kind;
    std::string value;
    try {
        kind = api::requiredString(object, "kind");
        value = api::requiredString(object, "value");
    } catch (const ApiError& e) {
        // requiredString names the bare field; inside a list the caller needs to know which entry.
        if (prefix.empty()) throw;
        throw ApiError::badRequest(prefix + ": " + e.what());
    }
    if (!validKind(kind)) {
        throw ApiError::badRequest("'" + field("kind") + "' must be 1 to 32 of a-z and _, like email, phone, webchat");
    }
    return checkedAddress({kind, value}, "'" + field("value") + "'", AddressSource::Typed);
}

Poco::JSON::Object::Ptr objectField(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    const Poco::Dynamic::Var value = body->get(field);
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) throw ApiError::badRequest("'" + field + "' must be an object");
    return value.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr arrayField(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    const Poco::Dynamic::Var value = body->get(field);
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) throw ApiError::badRequest("'" + field + "' must be an array");
    return value.extract<Poco::JSON::Array::Ptr>();
}

// Card entries; a null value (allowed in a PATCH only) deletes the key.
std::map<std::string, std::optional<std::string>> parseCard(const Poco::JSON::Object::Ptr& body, bool allowNull) {
    const auto card = objectField(body, "card");
    std::map<std::string, std::optional<std::string>> entries;
    for (const std::string& key : card->getNames()) {
        const std::size_t length = utf8Length(key);
        if (length < 1 || length > kMaxCardKeyChars) {
            throw ApiError::badRequest("'card' keys must be 1 to " + std::to_string(kMaxCardKeyChars) +
                                       " characters, got '" + key + "'");
        }
        const std::string field = "card." + key;
        if (card->isNull(key)) {
            if (!allowNull) throw ApiError::badRequest("'" + field + "' must be a string");
            entries[key] = std::nullopt;
            continue;
        }
        const Poco::Dynamic::Var value = card->get(key);
        if (!value.isString()) {
            throw ApiError::badRequest("'" + field + "' must be a string" + (allowNull ? " or null" : ""));
        }
        const std::string text = value.extract<std::string>();
        if (utf8Length(text) > kMaxCardValueChars) {
            throw ApiError::badRequest("'" + field + "' is longer than " + std::to_string(kMaxCardValueChars) + " characters");
        }
        entries[key] = text;
    }
    return entries;
}

// Distinct flags in the order given.
std::vector<std::string> parseFlags(const Poco::JSON::Object::Ptr& body) {
    const auto list = arrayField(body, "flags");
    std::vector<std::string> flags;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Poco::Dynamic::Var value = list->get(static_cast<unsigned>(i));
        const std::string field = "flags[" + std::to_string(i) + "]";
        if (!value.isString()) throw ApiError::badRequest("'" + field + "' must be a string");
        const std::string flag = value.extract<std::string>();
        const bool valid = !flag.empty() && flag.size() <= kMaxFlagChars &&
                           std::all_of(flag.begin(), flag.end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                           });
        if (!valid) {
            throw ApiError::badRequest("'" + field + "' must be 1 to " + std::to_string(kMaxFlagChars) +
                                       " of a-z, 0-9, _ and -, got '" + flag + "'");
        }
        if (std::find(flags.begin(), flags.end(), flag) == flags.end()) flags.push_back(flag);
    }
    return flags;
}

std::int64_t positiveId(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    const std::int64_t id = api::requiredInt(body, field);
    if (id <= 0) throw ApiError::badRequest("'" + field + "' must be a positive id");
    return id;
}

int versionField(const Poco::JSON::Object::Ptr& body, bool required) {
    const auto version = required ? std::optional<std::int64_t>(api::requiredInt(body, "version"))
                                  : api::optionalInt(body, "version");
    if (!version) return 0;
    if (*version < 1 || *version > std::numeric_limits<int>::max()) {
        throw ApiError::badRequest("'version' must be the positive version you read");
    }
    return static_cast<int>(*version);
}

std::int64_t cursorPosition(const HttpRequest& request) {
    const std::string cursor = request.queryParam("cursor");
    return cursor.empty() ? std::numeric_limits<std::int64_t>::max() : api::decodeCursor(cursor);
}

// Keyset pages: one row more than asked tells whether another page follows.
template <typename Item>
Poco::Dynamic::Var nextCursor(std::vector<Item>& rows, std::size_t limit) {
    if (rows.size() <= limit) return {};
    rows.resize(limit);
    return api::encodeCursor(rows.back().id);
}

}  // namespace

ClientsApi::ClientsApi(WriteBatcher& writer, ConnectionPool& pool) : writer_(writer), pool_(pool) {}

void ClientsApi::registerRoutes(Router& router) {
    const auto route = [&](const char* method, const char* pattern, Access access,
                           HttpResponse (ClientsApi::*handler)(const HttpRequest&, const Actor&)) {
        router.add(method, pattern, access,
                   [this, handler](const HttpRequest& r, const Actor& actor) { return (this->*handler)(r, actor); });
    };
    // An integration (a CRM) finds, reads and creates clients and keeps their cards; merging records, their
    // addresses and which client an interaction belongs to stay the operators' and the administrator's.
    // An operator reads and edits the cards of the clients they serve, not the whole base.
    using P = Permission;
    route("GET", "/api/v1/clients", Access::needs(P::ClientsRead), &ClientsApi::search);
    route("POST", "/api/v1/clients", Access::needs(P::ClientsWrite), &ClientsApi::create);
    route("GET", "/api/v1/clients/{id}", Access::needs(P::ClientsRead, Ownership::Client), &ClientsApi::get);
    route("PATCH", "/api/v1/clients/{id}", Access::needs(P::ClientsWrite, Ownership::Client), &ClientsApi::update);
    route("POST", "/api/v1/clients/{id}/addresses", Access::needs(P::ClientsMerge), &ClientsApi::addAddress);
    route("DELETE", "/api/v1/clients/{id}/addresses/{address_id}", Access::needs(P::ClientsMerge),
          &ClientsApi::removeAddress);
    route("POST", "/api/v1/clients/{id}/merge", Access::needs(P::ClientsMerge), &ClientsApi::merge);
    route("GET", "/api/v1/clients/{id}/interactions", Access::needs(P::ClientsRead, Ownership::Client),
          &ClientsApi::interactions);
    route("POST", "/api/v1/interactions/{id}/client", Access::needs(P::ClientsMerge), &ClientsApi::linkInteraction);
}

HttpResponse ClientsApi::search(const HttpRequest& request, const Actor& /*actor*/) {
    const std::string query = Poco::trim(request.queryParam("q"));
    if (utf8Length(query) > kMaxQueryChars) {
        throw ApiError::badRequest("'q' is longer than " + std::to_string(kMaxQueryChars) + " characters");
    }
    const std::size_t limit = api::queryLimit(request, kDefaultPage, kMaxPage);
    const std::int64_t before = cursorPosition(request);
    auto clients = api::readWith<std::vector<Client>>(pool_, "clients", [&](DbSession& session) {
        return ClientStore(session).search(query, before, limit + 1);
    });
    const Poco::Dynamic::Var next = nextCursor(clients, limit);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Client& c : clients) list->add(toJson(c));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("clients", list);
    body->set("next_cursor", next);
    return api::jsonResponse(200, body);
}

HttpResponse ClientsApi::get(const HttpRequest& request, const Actor& /*actor*/) {
    const std::int64_t id = api::pathId(request);
    const auto client = api::readWith<std::optional<Client>>(pool_, "the client", [&](DbSession& session) {
        return ClientStore(session).load(id);
    });
    if (!client) throw ApiError::notFound("no client " + std::to_string(id));
    return api::jsonResponse(200, toJson(*client));
}

HttpResponse ClientsApi::create(const HttpRequest& request, const Actor& /*actor*/) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name", "addresses", "card", "flags"}, "this request");
    const std::string name = validName("name", api::requiredString(body, "name"));
    if (!body->has("addresses") || body->isNull("addresses")) throw ApiError::badRequest("'addresses' is required");
    const auto list = arrayField(body, "addresses");
    if (list->size() == 0) throw ApiError::badRequest("'addresses' needs at least one address to reach the client by");
    std::vector<Address> addresses;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string field = "addresses[" + std::to_string(i) + "]";
        const Poco::Dynamic::Var entry = list->get(static_cast<unsigned>(i));
        if (entry.type() != typeid(Poco::JSON::Object::Ptr)) throw ApiError::badRequest("'" + field + "' must be an object");
        const Address a = parseAddress(entry.extract<Poco::JSON::Object::Ptr>(), field);
        const bool repeated = std::any_of(addresses.begin(), addresses.end(), [&](const Address& b) {
            return b.kind == a.kind && b.value == a.value;
        });
        if (!repeated) addresses.push_back(a);
    }
    std::map<std::string, std::string> card;
    if (body->has("card") && !body->isNull("card")) {
        for (const auto& [key, value] : parseCard(body, false)) card[key] = *value;
    }
    std::vector<std::string> flags;
    if (body->has("flags") && !body->isNull("flags")) flags = parseFlags(body);
    Client created;
    writer_.run([&](DbSession& session) { created = ClientStore(session).create(name, addresses, card, flags); });
    return api::jsonResponse(201, toJson(created));
}

HttpResponse ClientsApi::update(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"version", "name", "card", "flags"}, "this request");
    const int version = versionField(body, true);
    ClientChanges changes;
    if (auto name = api::optionalString(body, "name")) changes.name = validName("name", *name);
    if (body->has("card") && !body->isNull("card")) changes.card = parseCard(body, true);
    if (body->has("flags") && !body->isNull("flags")) changes.flags = parseFlags(body);
    Client updated;
    writer_.run([&](DbSession& session) { updated = ClientStore(session).update(id, version, changes, actor); });
    return api::jsonResponse(200, toJson(updated));
}

HttpResponse ClientsApi::addAddress(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"kind", "value"}, "this request");
    const Address address = parseAddress(body, "");
    Client updated;
    bool added = false;
    writer_.run([&](DbSession& session) { updated = ClientStore(session).addAddress(id, address, actor, added); });
    return api::jsonResponse(added ? 201 : 200, toJson(updated));
}

HttpResponse ClientsApi::removeAddress(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const std::int64_t addressId = api::pathId(request, "address_id");
    Client updated;
    writer_.run([&](DbSession& session) { updated = ClientStore(session).removeAddress(id, addressId, actor); });
    return api::jsonResponse(200, toJson(updated));
}

HttpResponse ClientsApi::merge(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"from_client_id"}, "this request");
    const std::int64_t from = positiveId(body, "from_client_id");
    MergeResult result;
    writer_.run([&](DbSession& session) { result = ClientStore(session).merge(id, from, actor); });
    Poco::JSON::Object::Ptr answer = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    answer->set("client", toJson(result.survivor));
    answer->set("merged_client_id", from);
    answer->set("moved_interactions", result.movedInteractions);
    answer->set("moved_addresses", result.movedAddresses);
    answer->set("moved_messages", result.movedMessages);
    return api::jsonResponse(200, answer);
}

HttpResponse ClientsApi::interactions(const HttpRequest& request, const Actor& /*actor*/) {
    const std::int64_t id = api::pathId(request);
    const std::size_t limit = api::queryLimit(request, kDefaultPage, kMaxPage);
    const std::int64_t before = cursorPosition(request);
    auto rows = api::readWith<std::vector<Interaction>>(pool_, "the client's interactions", [&](DbSession& session) {
        ClientStore store(session);
        if (!store.load(id)) throw ApiError::notFound("no client " + std::to_string(id));
        return store.interactionsOf(id, before, limit + 1);
    });
    const Poco::Dynamic::Var next = nextCursor(rows, limit);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Interaction& i : rows) list->add(toJson(i));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("interactions", list);
    body->set("next_cursor", next);
    return api::jsonResponse(200, body);
}

HttpResponse ClientsApi::linkInteraction(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"client_id", "version"}, "this request");
    const std::int64_t clientId = positiveId(body, "client_id");
    const int version = versionField(body, false);
    Interaction linked;
    writer_.run([&](DbSession& session) {
        linked = ClientStore(session).linkInteraction(id, clientId, version == 0 ? std::nullopt : std::optional<int>(version),
                                                      actor);
    });
    return api::jsonResponse(200, toJson(linked));
}

}  // namespace omnigate
