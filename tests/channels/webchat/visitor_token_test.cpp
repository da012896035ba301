// Visitor tokens: what is signed verifies with the same claims, and everything else (expired, tampered, signed
// with another key or algorithm, issued for another account, not a JWT at all) is a 401 "invalid_token" whose
// message tells the widget to open a new session.
#include <gtest/gtest.h>

#include <sstream>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Parser.h>

#include "omnigate/sdk/api_error.h"
#include "visitor_token.h"

namespace omnigate::webchat {
namespace {

const std::string secret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t now = 1700000000;

std::string base64Url(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder << text;
    encoder.close();
    return out.str();
}

Poco::JSON::Object::Ptr decodePart(const std::string& part) {
    std::istringstream in(part);
    Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    return Poco::JSON::Parser().parse(decoder).extract<Poco::JSON::Object::Ptr>();
}

std::vector<std::string> partsOf(const std::string& jwt) {
    const auto first = jwt.find('.');
    const auto second = jwt.find('.', first + 1);
    return {jwt.substr(0, first), jwt.substr(first + 1, second - first - 1), jwt.substr(second + 1)};
}

// The 401 verify() throws for `jwt`, or a test failure when it accepts it.
ApiError rejectionOf(const std::string& jwt, const std::string& account = "demo", std::int64_t at = now) {
    try {
        VisitorToken::verify(jwt, account, secret, at);
    } catch (const ApiError& e) {
        return e;
    }
    ADD_FAILURE() << "accepted: " << jwt;
    return ApiError(0, "", "");
}

void expectInvalid(const ApiError& e, const std::string& problem) {
    EXPECT_EQ(e.status(), 401);
    EXPECT_EQ(e.code(), "invalid_token");
    const std::string message = e.what();
    EXPECT_NE(message.find(problem), std::string::npos) << message;
    EXPECT_NE(message.find("open a new session with POST /api/v1/webchat/demo/sessions"), std::string::npos)
        << message;
}

TEST(VisitorToken, IssueGivesARandomUuidAndTheLifetime) {
    const VisitorToken a = VisitorToken::issue("demo", now, 3600);
    const VisitorToken b = VisitorToken::issue("demo", now, 3600);
    EXPECT_EQ(a.visitorId.size(), 36u);
    EXPECT_NE(a.visitorId, b.visitorId);
    EXPECT_EQ(a.account, "demo");
    EXPECT_EQ(a.issuedAt, now);
    EXPECT_EQ(a.expiresAt, now + 3600);
}

TEST(VisitorToken, SignedTokenVerifiesWithAllClaims) {
    VisitorToken issued = VisitorToken::issue("demo", now, 3600);
    issued.name = "Ann Смирнова";
    issued.email = "ann@example.com";
    issued.phone = "+15550100";
    const VisitorToken verified = VisitorToken::verify(issued.sign(secret), "demo", secret, now + 10);
    EXPECT_EQ(verified.visitorId, issued.visitorId);
    EXPECT_EQ(verified.account, "demo");
    EXPECT_EQ(verified.name, "Ann Смирнова");
    EXPECT_EQ(verified.email, "ann@example.com");
    EXPECT_EQ(verified.phone, "+15550100");
    EXPECT_EQ(verified.issuedAt, now);
    EXPECT_EQ(verified.expiresAt, now + 3600);
}

TEST(VisitorToken, OptionalClaimsMayBeAbsent) {
    const VisitorToken issued = VisitorToken::issue("demo", now, 3600);
    const std::string jwt = issued.sign(secret);
    EXPECT_EQ(jwt.find("name"), std::string::npos);
    const VisitorToken verified = VisitorToken::verify(jwt, "demo", secret, now);
    EXPECT_TRUE(verified.name.empty());
    EXPECT_TRUE(verified.email.empty());
    EXPECT_TRUE(verified.phone.empty());
}

TEST(VisitorToken, UsesHs256AndWholeSecondClaims) {
    const std::vector<std::string> parts = partsOf(VisitorToken::issue("demo", now, 60).sign(secret));
    const Poco::JSON::Object::Ptr header = decodePart(parts[0]);
    EXPECT_EQ(header->getValue<std::string>("alg"), "HS256");
    EXPECT_EQ(header->getValue<std::string>("typ"), "JWT");
    const Poco::JSON::Object::Ptr claims = decodePart(parts[1]);
    EXPECT_TRUE(claims->get("iat").isInteger());
    EXPECT_TRUE(claims->get("exp").isInteger());
    EXPECT_EQ(claims->getValue<Poco::Int64>("exp"), now + 60);
    EXPECT_EQ(claims->getValue<std::string>("acc"), "demo");
}

TEST(VisitorToken, ExpiredTokenIsRefused) {
    const std::string jwt = VisitorToken::issue("demo", now, 60).sign(secret);
    EXPECT_NO_THROW(VisitorToken::verify(jwt, "demo", secret, now + 59));
    expectInvalid(rejectionOf(jwt, "demo", now + 60), "the visitor token has expired");
    expectInvalid(rejectionOf(jwt, "demo", now + 100000), "has expired");
}

TEST(VisitorToken, TokenOfAnotherAccountIsRefused) {
    const std::string jwt = VisitorToken::issue("other-site", now, 60).sign(secret);
    expectInvalid(rejectionOf(jwt, "demo"), "issued for another webchat account");
}

TEST(VisitorToken, TokenSignedWithAnotherSecretIsRefused) {
    const std::string jwt = VisitorToken::issue("demo", now, 60).sign("another-secret-0123456789");
    expectInvalid(rejectionOf(jwt), "signature is wrong");
}

TEST(VisitorToken, TamperedClaimsAreRefused) {
    const std::string jwt = VisitorToken::issue("demo", now, 60).sign(secret);
    const std::vector<std::string> parts = partsOf(jwt);
    const std::string forgedClaims =
        base64Url(R"({"sub":"someone-else","acc":"demo","iat":1700000000,"exp":1900000000})");
    expectInvalid(rejectionOf(parts[0] + "." + forgedClaims + "." + parts[2]), "signature is wrong");
}

TEST(VisitorToken, TamperedSignatureIsRefused) {
    const std::string jwt = VisitorToken::issue("demo", now, 60).sign(secret);
    std::string tampered = jwt;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    expectInvalid(rejectionOf(tampered), "signature is wrong");
    expectInvalid(rejectionOf(jwt.substr(0, jwt.size() - 4)), "signature is wrong");
}

TEST(VisitorToken, OnlyTheCanonicalSpellingOfTheSignatureVerifies) {
    // The last of the 43 characters has two unused bits; a decoder that ignores them would accept all four
    // spellings, so an "A -> B" tamper of the last character would still verify. Flip those bits on many tokens.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 64; ++i) {
        const std::string jwt = VisitorToken::issue("demo", now, 60).sign(secret);
        const std::size_t last = alphabet.find(jwt.back());
        ASSERT_EQ(last % 4, 0u) << jwt;
        for (std::size_t unusedBits = 1; unusedBits < 4; ++unusedBits) {
            std::string variant = jwt;
            variant.back() = alphabet[last + unusedBits];
            expectInvalid(rejectionOf(variant), "signature is wrong");
        }
    }
}

TEST(VisitorToken, UnsignedTokenIsRefused) {
    const std::string header = base64Url(R"({"alg":"none","typ":"JWT"})");
    const std::string claims = base64Url(R"({"sub":"x","acc":"demo","exp":1900000000})");
    expectInvalid(rejectionOf(header + "." + claims + ".c2ln"), "signed with 'none', not HS256");
}

TEST(VisitorToken, MalformedTokensAreRefused) {
    const std::string jwt = VisitorToken::issue("demo", now, 60).sign(secret);
    const std::vector<std::string> parts = partsOf(jwt);
    for (const std::string& bad : {std::string(), std::string("abc"), std::string("a.b"), std::string("a..c"),
                                   std::string(".b.c"), std::string("a.b."), jwt + ".extra", std::string("a b.c.d"),
                                   std::string(5000, 'a') + ".b.c"}) {
        expectInvalid(rejectionOf(bad), "malformed");
    }
    expectInvalid(rejectionOf("a.b.c"), "malformed");
    expectInvalid(rejectionOf(base64Url("[1,2]") + "." + parts[1] + "." + parts[2]), "malformed");
}

TEST(VisitorToken, SignedTokenWithoutSubjectIsRefused) {
    // Signed with our own secret by hand, as a token from a buggy or older issuer would be.
    VisitorToken token = VisitorToken::issue("demo", now, 60);
    token.visitorId.clear();
    expectInvalid(rejectionOf(token.sign(secret)), "lacks its 'sub' or 'exp' claim");
}

}  // namespace
}  // namespace omnigate::webchat
