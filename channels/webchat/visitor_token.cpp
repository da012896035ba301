#include "visitor_token.h"

#include <cctype>

#include <Poco/Exception.h>
#include <Poco/JWT/JWTException.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include "omnigate/sdk/api_error.h"

namespace omnigate::webchat {

namespace {

// Our tokens are ~300 bytes; anything far larger is not one, and need not be base64-decoded to find out.
constexpr std::size_t maximumTokenLength = 4096;

ApiError invalidToken(const std::string& problem, const std::string& account) {
    return ApiError(401, "invalid_token",
                    problem + ": open a new session with POST /api/v1/webchat/" + account + "/sessions");
}

// Three non-empty base64url segments. Checked before POCO sees the token because POCO's split accepts empty or
// extra segments, and its errors ("Failed to deserialize JWT component") would not help the widget's developer.
bool looksLikeJwt(const std::string& jwt) {
    if (jwt.empty() || jwt.size() > maximumTokenLength) return false;
    int dots = 0;
    char previous = '.';
    for (const char c : jwt) {
        if (c == '.') {
            if (previous == '.') return false;
            ++dots;
        } else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
            return false;
        }
        previous = c;
    }
    return dots == 2 && previous != '.';
}

// An HS256 signature is 32 bytes: 43 base64url characters whose last one carries 4 bits and 2 unused ones. POCO's
// decoder ignores the unused bits, so without this check four spellings of every signature would verify (a
// "tampered" last character could still pass), which makes tokens malleable and tamper tests flaky.
bool canonicalHs256Signature(const std::string& jwt) {
    const std::string signature = jwt.substr(jwt.rfind('.') + 1);
    static const std::string lastCharacters = "AEIMQUYcgkosw048";  // the ones whose two low bits are zero
    return signature.size() == 43 && lastCharacters.find(signature.back()) != std::string::npos;
}

std::string optionalString(const Poco::JSON::Object& payload, const std::string& claim) {
    const Poco::Dynamic::Var value = payload.get(claim);
    return value.isString() ? value.extract<std::string>() : std::string();
}

// Integer seconds are what we write, but RFC 7519 allows fractional NumericDates, so accept both.
bool numericDate(const Poco::JSON::Object& payload, const std::string& claim, std::int64_t& out) {
    const Poco::Dynamic::Var value = payload.get(claim);
    if (value.isEmpty() || !value.isNumeric()) return false;
    out = value.isInteger() ? value.convert<Poco::Int64>() : static_cast<std::int64_t>(value.convert<double>());
    return true;
}

}  // namespace

VisitorToken VisitorToken::issue(const std::string& account, std::int64_t now, std::int64_t ttlSeconds) {
    VisitorToken token;
    token.visitorId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    token.account = account;
    token.issuedAt = now;
    token.expiresAt = now + ttlSeconds;
    return token;
}

std::int64_t VisitorToken::currentTime() { return static_cast<std::int64_t>(Poco::Timestamp().epochTime()); }

std::string VisitorToken::sign(const std::string& secret) const {
    Poco::JWT::Token token;
    token.setType("JWT");
    token.setSubject(visitorId);
    Poco::JSON::Object& payload = token.payload();
    payload.set("acc", account);
    if (!name.empty()) payload.set("name", name);
    if (!email.empty()) payload.set("email", email);
    if (!phone.empty()) payload.set("phone", phone);
    // Token::setIssuedAt() would write fractional seconds; whole seconds are what other JWT libraries expect.
    payload.set(Poco::JWT::Token::CLAIM_ISSUED_AT, static_cast<Poco::Int64>(issuedAt));
    payload.set(Poco::JWT::Token::CLAIM_EXPIRATION, static_cast<Poco::Int64>(expiresAt));
    Poco::JWT::Signer signer(secret);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

VisitorToken VisitorToken::verify(const std::string& jwt, const std::string& account, const std::string& secret,
                                  std::int64_t now) {
    if (!looksLikeJwt(jwt)) throw invalidToken("the visitor token is malformed (not a JWT)", account);

    const std::string wrongSignature =
        "the visitor token's signature is wrong (it was not issued by this server for this account, or the "
        "account's token_secret changed since)";

    VisitorToken claims;
    try {
        Poco::JWT::Token token;
        // Only HS256 is allowed (the Signer's default), so neither "none" nor an algorithm swap gets through.
        Poco::JWT::Signer signer(secret);
        if (!signer.tryVerify(jwt, token) || !canonicalHs256Signature(jwt)) {
            throw invalidToken(wrongSignature, account);
        }
        const Poco::JSON::Object& payload = token.payload();
        claims.visitorId = optionalString(payload, Poco::JWT::Token::CLAIM_SUBJECT);
        claims.account = optionalString(payload, "acc");
        claims.name = optionalString(payload, "name");
        claims.email = optionalString(payload, "email");
        claims.phone = optionalString(payload, "phone");
        if (claims.visitorId.empty() ||
            !numericDate(payload, Poco::JWT::Token::CLAIM_EXPIRATION, claims.expiresAt)) {
            throw invalidToken("the visitor token lacks its 'sub' or 'exp' claim", account);
        }
        numericDate(payload, Poco::JWT::Token::CLAIM_ISSUED_AT, claims.issuedAt);
    } catch (const Poco::JWT::UnallowedAlgorithmException& e) {
        throw invalidToken("the visitor token is signed with '" + e.message() + "', not HS256", account);
    } catch (const Poco::Exception&) {
        throw invalidToken("the visitor token is malformed (its header or claims are not base64url JSON)", account);
    }
    if (claims.account != account) {
        throw invalidToken("the visitor token was issued for another webchat account", account);
    }
    if (claims.expiresAt <= now) throw invalidToken("the visitor token has expired", account);
    return claims;
}

}  // namespace omnigate::webchat
