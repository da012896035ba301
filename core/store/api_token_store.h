// The SQL of the integration API's tokens. A token itself is never stored, only its SHA-256, so the table lets
// nobody in; revoking keeps the row (with revoked_at) so the audit can still say whose token did what. Writes run
// inside the caller's WriteBatcher job and add their catalog event themselves.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct ApiToken {
    std::int64_t id = 0;
    std::string name;
    std::vector<std::string> scopes;
    std::string createdAt;   // ISO 8601
    std::string lastUsedAt;  // empty: never used
    std::string revokedAt;   // empty: active

    bool revoked() const { return !revokedAt.empty(); }
};

class ApiTokenStore {
public:
    explicit ApiTokenStore(DbSession& session) : session_(session) {}

    // `tokenHash` is the token's lower-case hex SHA-256. Adds api_token.created.
    ApiToken create(const std::string& name, const std::vector<std::string>& scopes, const std::string& tokenHash);
    // Every token, revoked ones too, oldest first.
    std::vector<ApiToken> all();
    // The token (active or revoked) whose hash this is.
    std::optional<ApiToken> findByHash(const std::string& tokenHash);
    // 404 when unknown. Revoking a revoked token changes nothing (no event) and returns it as it is.
    // Otherwise sets revoked_at and adds api_token.revoked.
    ApiToken revoke(std::int64_t id);
    // Records a use; no event (it is bookkeeping, not a change anyone reacts to).
    void touch(std::int64_t id);
    // The token (active or revoked) with this id.
    std::optional<ApiToken> find(std::int64_t id, bool forUpdate = false);

private:

    DbSession& session_;
};

// {id, name, scopes, created_at, last_used_at, revoked_at}: never the token or its hash.
Poco::JSON::Object::Ptr toJson(const ApiToken& token);

}  // namespace omnigate
