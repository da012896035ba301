#include "store/api_token_store.h"

#include <Poco/JSON/Array.h>

#include <sstream>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/api-tokens/events";

const char* const kColumns =
    "SELECT id, name, scopes, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(DATE_FORMAT(last_used_at, '%Y-%m-%d %H:%i:%s.%f'), ''), "
    "COALESCE(DATE_FORMAT(revoked_at, '%Y-%m-%d %H:%i:%s.%f'), '') FROM api_tokens ";

// DATE_FORMAT's %f gives microseconds; the API speaks milliseconds.
std::string isoOrEmpty(const std::string& dbTime) { return dbTime.empty() ? "" : dbTimeToIso(dbTime.substr(0, 23)); }

std::vector<std::string> splitScopes(const std::string& text) {
    std::vector<std::string> scopes;
    std::istringstream in(text);
    for (std::string scope; in >> scope;) scopes.push_back(scope);
    return scopes;
}

std::string joinScopes(const std::vector<std::string>& scopes) {
    std::string text;
    for (const std::string& scope : scopes) text += (text.empty() ? "" : " ") + scope;
    return text;
}

ApiToken read(sql::ResultSet& rs) {
    ApiToken token;
    token.id = rs.getInt64(1);
    token.name = rs.getString(2);
    token.scopes = splitScopes(rs.getString(3));
    token.createdAt = isoOrEmpty(rs.getString(4));
    token.lastUsedAt = isoOrEmpty(rs.getString(5));
    token.revokedAt = isoOrEmpty(rs.getString(6));
    return token;
}

}  // namespace

ApiToken ApiTokenStore::create(const std::string& name, const std::vector<std::string>& scopes,
                               const std::string& tokenHash) {
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO api_tokens (name, token_hash, scopes, created_at) VALUES (?, ?, ?, ?) RETURNING id");
    insert.setString(1, name);
    insert.setString(2, tokenHash);
    insert.setString(3, joinScopes(scopes));
    insert.setString(4, now);
    ApiToken token;
    token.id = DbSession::insertReturningId(insert);
    token.name = name;
    token.scopes = scopes;
    token.createdAt = dbTimeToIso(now);
    appendEvent(session_, kEventTopic, "api_token.created", toJson(token));
    return token;
}

std::vector<ApiToken> ApiTokenStore::all() {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + "ORDER BY id");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<ApiToken> tokens;
    while (rs->next()) tokens.push_back(read(*rs));
    return tokens;
}

std::optional<ApiToken> ApiTokenStore::findByHash(const std::string& tokenHash) {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + "WHERE token_hash = ?");
    q.setString(1, tokenHash);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

std::optional<ApiToken> ApiTokenStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

ApiToken ApiTokenStore::revoke(std::int64_t id) {
    auto token = find(id, true);
    if (!token) throw ApiError::notFound("no API token " + std::to_string(id));
    if (token->revoked()) return *token;
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?");
    update.setString(1, now);
    update.setInt64(2, id);
    update.executeUpdate();
    token->revokedAt = dbTimeToIso(now);
    appendEvent(session_, kEventTopic, "api_token.revoked", toJson(*token));
    return *token;
}

void ApiTokenStore::touch(std::int64_t id) {
    sql::PreparedStatement& update = session_.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
    update.setString(1, nowDbTime());
    update.setInt64(2, id);
    update.executeUpdate();
}

Poco::JSON::Object::Ptr toJson(const ApiToken& token) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", token.id);
    o->set("name", token.name);
    Poco::JSON::Array::Ptr scopes = new Poco::JSON::Array;
    for (const std::string& scope : token.scopes) scopes->add(scope);
    o->set("scopes", scopes);
    o->set("created_at", token.createdAt);
    const auto orNull = [](const std::string& time) { return time.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(time); };
    o->set("last_used_at", orNull(token.lastUsedAt));
    o->set("revoked_at", orNull(token.revokedAt));
    return o;
}

}  // namespace omnigate
