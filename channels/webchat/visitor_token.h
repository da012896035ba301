// A visitor's session token: a JWT (HS256, keyed by the account's token_secret) that the widget keeps and sends
// back with every request. It lets the gateway recognise a returning visitor without storing sessions anywhere,
// and it binds the visitor id to one account, so a token of one site cannot be replayed against another.
#pragma once

#include <cstdint>
#include <string>

namespace omnigate::webchat {

class VisitorToken {
public:
    std::string visitorId;  // "sub": a random UUID, the client's webchat address
    std::string account;    // "acc": the account the token was issued for
    std::string name;       // optional details the visitor gave when the session opened
    std::string email;
    std::string phone;
    std::int64_t issuedAt = 0;   // "iat", Unix seconds
    std::int64_t expiresAt = 0;  // "exp", Unix seconds

    // A new visitor on `account`, valid from `now` for `ttlSeconds`.
    static VisitorToken issue(const std::string& account, std::int64_t now, std::int64_t ttlSeconds);

    std::string sign(const std::string& secret) const;

    // The claims of `jwt` when it is well formed, signed with `secret`, issued for `account` and not expired at
    // `now`. Throws ApiError(401, "invalid_token", <what is wrong and what to do>) otherwise.
    static VisitorToken verify(const std::string& jwt, const std::string& account, const std::string& secret,
                               std::int64_t now);

    static std::int64_t currentTime();  // Unix seconds
};

}  // namespace omnigate::webchat
