#include "auth/access_tokens.h"

#include <Poco/JWT/JWTException.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <algorithm>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

const char* const kIssuer = "omnigate";
const char* const kAlgorithm = "HS256";
constexpr std::size_t kMaxJwtLength = 4096;

ApiError invalid(const std::string& why) {
    return ApiError(401, "invalid_token", "the access token is not valid (" + why + "); sign in again");
}

// Only what we sign with: a token claiming "none" or an RSA algorithm is refused before any check.
void restrict(Poco::JWT::Signer& signer) { signer.setAlgorithms({kAlgorithm}); }

}  // namespace

AccessTokens::AccessTokens(std::string secret, std::chrono::seconds lifetime)
    : secret_(std::move(secret)), lifetime_(lifetime) {}

bool AccessTokens::looksLikeJwt(const std::string& token) {
    return token.rfind("eyJ", 0) == 0 && std::count(token.begin(), token.end(), '.') == 2;
}

std::string AccessTokens::issue(std::int64_t userId, const std::string& session, const std::string& workplace,
                                Poco::Timestamp now) const {
    Poco::JWT::Token token;
    token.setType("JWT");
    token.setIssuer(kIssuer);
    token.setSubject(std::to_string(userId));
    token.setIssuedAt(now);
    token.setExpiration(now + std::chrono::duration_cast<std::chrono::microseconds>(lifetime_).count());
    token.payload().set("sid", session);
    if (!workplace.empty()) token.payload().set("wp", workplace);
    Poco::JWT::Signer signer(secret_);
    restrict(signer);
    return signer.sign(token, kAlgorithm);
}

AccessClaims AccessTokens::verify(const std::string& jwt, Poco::Timestamp now) const {
    if (jwt.size() > kMaxJwtLength) throw invalid("too long");
    Poco::JWT::Token token;
    try {
        Poco::JWT::Signer signer(secret_);
        restrict(signer);
        token = signer.verify(jwt);
    } catch (const Poco::JWT::SignatureVerificationException&) {
        throw invalid("its signature does not match");
    } catch (const Poco::JWT::UnsupportedAlgorithmException&) {
        throw invalid("it is not signed with " + std::string(kAlgorithm));
    } catch (const Poco::Exception& e) {
        throw invalid("malformed: " + e.message());
    } catch (const std::exception&) {
        throw invalid("malformed");
    }
    AccessClaims claims;
    try {
        if (token.getIssuer() != kIssuer) throw invalid("another issuer");
        if (!token.payload().has("exp")) throw invalid("no expiry");
        claims.expires = token.getExpiration();
        claims.userId = std::stoll(token.getSubject());
        claims.session = token.payload().optValue<std::string>("sid", "");
        claims.workplace = token.payload().optValue<std::string>("wp", "");
    } catch (const ApiError&) {
        throw;
    } catch (const std::exception&) {
        throw invalid("its claims are not ours");
    }
    if (claims.userId <= 0 || claims.session.empty()) throw invalid("its claims are not ours");
    if (now >= claims.expires) {
        throw ApiError(401, "token_expired", "the access token expired; get a new one with POST /api/v1/auth/refresh");
    }
    return claims;
}

}  // namespace omnigate
