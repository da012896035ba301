// The short-lived access token of a signed-in user: a JWT (HS256, POCO's JWT library) naming the user, their
// sign-in session (the refresh family) and workplace. It is checked without the database; what may change while it
// lives (the user deactivated, the session ended) is checked against the user's cached row (the Authenticator).
#pragma once

#include <Poco/Timestamp.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace omnigate {

struct AccessClaims {
    std::int64_t userId = 0;
    std::string session;    // the refresh token family
    std::string workplace;  // empty: signed in at no workplace
    Poco::Timestamp expires;
};

class AccessTokens {
public:
    // `secret`: auth.token_secret, at least 32 bytes (the config refuses less).
    AccessTokens(std::string secret, std::chrono::seconds lifetime);

    std::string issue(std::int64_t userId, const std::string& session, const std::string& workplace,
                      Poco::Timestamp now = {}) const;

    // The claims of a token this daemon (or one sharing the secret) issued and that has not expired at `now`.
    // ApiError 401: "token_expired" once expired, "invalid_token" for anything not signed with the secret
    // (malformed, another algorithm, "alg": "none", a changed claim).
    AccessClaims verify(const std::string& jwt, Poco::Timestamp now = {}) const;

    std::chrono::seconds lifetime() const { return lifetime_; }

    // Whether a bearer token is shaped like a JWT (three base64url parts): such a token is judged here, any other
    // by the API token lookup.
    static bool looksLikeJwt(const std::string& token);

private:
    const std::string secret_;
    const std::chrono::seconds lifetime_;
};

}  // namespace omnigate
