// The SQL of sign-in sessions: refresh tokens by family (migration 012). Only a token's SHA-256 is kept. A session
// is live while its family has a token not revoked; rotating uses a token up and adds the next to its family.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct RefreshToken {
    std::int64_t id = 0;
    std::string family;
    std::int64_t userId = 0;
    std::string workplaceId;
    bool expired = false;
    bool used = false;
    bool revoked = false;
};

struct ExpiredSession {
    std::string family;
    std::int64_t userId = 0;
    std::string workplaceId;
};

class SessionStore {
public:
    explicit SessionStore(DbSession& session) : session_(session) {}

    // A new family's first token; returns the family (32 random hex digits).
    std::string start(std::int64_t userId, const std::string& workplaceId, const std::string& tokenHash,
                      std::chrono::seconds lifetime);
    // The next token of a family.
    void add(const RefreshToken& previous, const std::string& tokenHash, std::chrono::seconds lifetime);
    // Locked for the rotation: two refreshes with one token cannot both succeed.
    std::optional<RefreshToken> findForUpdate(const std::string& tokenHash);
    void markUsed(std::int64_t id);
    // Revokes every token of the family; the number revoked (0: it was over already).
    int revokeFamily(const std::string& family);
    // Ends every session of the user (deactivated, or a new password); the families it ended, whose broker
    // accounts end with them.
    std::vector<std::string> revokeUser(std::int64_t userId);
    bool live(const std::string& family);
    // Tokens expired for a day are of no use, not even to detect a replay: gone.
    int purgeExpired();
    // Sessions that ended without a sign-out: families not revoked whose newest refresh token has expired.
    std::vector<ExpiredSession> expired(int limit);
    // Whether the user has a session other than `family` that is neither revoked nor expired.
    bool otherLive(std::int64_t userId, const std::string& family);

private:
    DbSession& session_;
};

}  // namespace omnigate
