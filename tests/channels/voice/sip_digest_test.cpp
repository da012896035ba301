// Digest authentication of INVITEs: what a trunk computes from our challenge must be accepted, and a wrong
// password, a forged nonce, another realm or another Request-URI must not; an answer sent again (the same nonce
// count) and an expired nonce are stale, so the peer is challenged afresh.
#include <gtest/gtest.h>

#include "sip_digest.h"

namespace omnigate::voice {
namespace {

DigestCredentials credentials() { return {"omnigate", "trunk", "s3cret-pass"}; }

std::string nonceOf(const std::string& challenge) {
    return parseDigestParams(challenge.substr(std::string("Digest ").size())).at("nonce");
}

const std::string target = "sip:800@127.0.0.1";

// What a client sends for INVITE `uri` with qop=auth.
std::map<std::string, std::string> answer(const std::string& nonce, const std::string& password,
                                          const std::string& nc = "00000001", const std::string& uri = target) {
    const std::string ha1 = md5Hex("trunk:omnigate:" + password);
    const std::string ha2 = md5Hex("INVITE:" + uri);
    return {{"username", "trunk"}, {"realm", "omnigate"}, {"nonce", nonce}, {"uri", uri},
            {"qop", "auth"}, {"nc", nc}, {"cnonce", "abc"},
            {"response", md5Hex(ha1 + ":" + nonce + ":" + nc + ":abc:auth:" + ha2)}};
}

constexpr auto accepted = DigestVerdict::Accepted;
constexpr auto stale = DigestVerdict::Stale;
constexpr auto refused = DigestVerdict::Refused;

TEST(SipDigest, Md5MatchesTheRfc1321Vectors) {
    EXPECT_EQ(md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(SipDigest, ParsesQuotedAndBareParameters) {
    const auto p = parseDigestParams(R"(username="trunk", realm="a, b", nc=00000001, qop=auth,URI="sip:x")");
    EXPECT_EQ(p.at("username"), "trunk");
    EXPECT_EQ(p.at("realm"), "a, b");
    EXPECT_EQ(p.at("nc"), "00000001");
    EXPECT_EQ(p.at("qop"), "auth");
    EXPECT_EQ(p.at("uri"), "sip:x");
}

TEST(SipDigest, EveryChallengeHasANonceOfItsOwn) {
    SipDigest digest(credentials(), "secret");
    const std::string first = nonceOf(digest.challenge(1000));
    const std::string second = nonceOf(digest.challenge(1000));
    EXPECT_NE(first, second);
    // Two peers challenged in the same second both start counting at 1.
    EXPECT_EQ(digest.verify(answer(first, "s3cret-pass"), "INVITE", target, 1000), accepted);
    EXPECT_EQ(digest.verify(answer(second, "s3cret-pass"), "INVITE", target, 1000), accepted);
}

TEST(SipDigest, AcceptsTheRightAnswerWithAndWithoutQop) {
    SipDigest digest(credentials(), "secret");
    const std::string challenge = digest.challenge(1000);
    EXPECT_NE(challenge.find("realm=\"omnigate\""), std::string::npos);
    EXPECT_NE(challenge.find("qop=\"auth\""), std::string::npos);
    EXPECT_EQ(challenge.find("stale"), std::string::npos);
    EXPECT_EQ(digest.verify(answer(nonceOf(challenge), "s3cret-pass"), "INVITE", target, 1010), accepted);

    const std::string nonce = nonceOf(digest.challenge(1001));
    auto noQop = answer(nonce, "s3cret-pass");
    noQop.erase("qop");
    const std::string ha1 = md5Hex("trunk:omnigate:s3cret-pass");
    noQop["response"] = md5Hex(ha1 + ":" + nonce + ":" + md5Hex("INVITE:" + target));
    EXPECT_EQ(digest.verify(noQop, "INVITE", target, 1010), accepted);
}

TEST(SipDigest, RefusesAWrongPasswordAForgedNonceAndAnotherRealm) {
    SipDigest digest(credentials(), "secret");
    const std::string nonce = nonceOf(digest.challenge(1000));
    EXPECT_EQ(digest.verify(answer(nonce, "wrong"), "INVITE", target, 1010), refused);
    EXPECT_EQ(digest.verify(answer("1000.1.0000000000000000", "s3cret-pass"), "INVITE", target, 1010), refused)
        << "forged";
    EXPECT_EQ(digest.verify(answer("1000.0000000000000000", "s3cret-pass"), "INVITE", target, 1010), refused)
        << "without a serial";
    EXPECT_EQ(SipDigest(credentials(), "other").verify(answer(nonce, "s3cret-pass"), "INVITE", target, 1010), refused)
        << "another process's (or account's) nonce";
    auto realm = answer(nonce, "s3cret-pass");
    realm["realm"] = "elsewhere";
    EXPECT_EQ(digest.verify(realm, "INVITE", target, 1010), refused);
    EXPECT_EQ(digest.verify({}, "INVITE", target, 1010), refused);
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass", "1"), "INVITE", target, 1010), refused) << "nc is 8 hex digits";
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass", "00000000"), "INVITE", target, 1010), refused);
    EXPECT_EQ(digest.verify(answer(nonce, "wrong"), "INVITE", target, 2000), refused)
        << "an old nonce with the wrong password is no hint that the password was right";
}

TEST(SipDigest, AnAnswerForAnotherRequestUriIsRefused) {
    SipDigest digest(credentials(), "secret");
    const std::string nonce = nonceOf(digest.challenge(1000));
    // Computed correctly, but for another target than the request it came with.
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass", "00000001", "sip:900@127.0.0.1"), "INVITE", target, 1010),
              refused);
    // The same answer where it belongs still works: the refusal spent nothing.
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass"), "INVITE", target, 1010), accepted);
}

TEST(SipDigest, AnAnswerSentAgainIsStaleAndOnlyAHigherNonceCountIsAccepted) {
    SipDigest digest(credentials(), "secret");
    const std::string nonce = nonceOf(digest.challenge(1000));
    const auto first = answer(nonce, "s3cret-pass");
    EXPECT_EQ(digest.verify(first, "INVITE", target, 1010), accepted);
    EXPECT_EQ(digest.verify(first, "INVITE", target, 1011), stale) << "replayed";
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass", "00000003"), "INVITE", target, 1012), accepted);
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass", "00000002"), "INVITE", target, 1013), stale)
        << "a count below the highest seen";
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass", "0000000a"), "INVITE", target, 1014), accepted);

    // Without qop there is no count: the nonce is good once.
    const std::string once = nonceOf(digest.challenge(1020));
    auto noQop = answer(once, "s3cret-pass");
    noQop.erase("qop");
    noQop["response"] = md5Hex(md5Hex("trunk:omnigate:s3cret-pass") + ":" + once + ":" + md5Hex("INVITE:" + target));
    EXPECT_EQ(digest.verify(noQop, "INVITE", target, 1021), accepted);
    EXPECT_EQ(digest.verify(noQop, "INVITE", target, 1022), stale);
}

TEST(SipDigest, ARightAnswerToAnExpiredNonceIsStaleAndTheChallengeSaysSo) {
    SipDigest digest(credentials(), "secret");
    const std::string nonce = nonceOf(digest.challenge(1000));
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass"), "INVITE", target, 1000 + 301), stale);
    EXPECT_EQ(digest.verify(answer(nonce, "s3cret-pass"), "INVITE", target, 1000 + 5000), stale);
    EXPECT_NE(digest.challenge(1301, true).find(", stale=true"), std::string::npos);
    EXPECT_EQ(digest.verify(answer(nonceOf(digest.challenge(1301, true)), "s3cret-pass"), "INVITE", target, 1302),
              accepted);
    // A nonce from the future (a forged clock) is not ours to judge stale.
    const std::string future = nonceOf(digest.challenge(2000));
    EXPECT_EQ(digest.verify(answer(future, "s3cret-pass"), "INVITE", target, 1302), refused);
}

TEST(SipDigest, ManyAcceptedNoncesRetireTheOldestEarlyInsteadOfForgettingTheirCounts) {
    SipDigest digest(credentials(), "secret");
    const std::string oldest = nonceOf(digest.challenge(1000));
    ASSERT_EQ(digest.verify(answer(oldest, "s3cret-pass"), "INVITE", target, 1000), accepted);
    // More accepted nonces than are remembered, all still within their lifetime.
    for (int i = 0; i < 10001; ++i) {
        const std::time_t at = 1001 + i / 100;
        const std::map<std::string, std::string> params = answer(nonceOf(digest.challenge(at)), "s3cret-pass");
        digest.verify(params, "INVITE", target, at);
    }
    EXPECT_EQ(digest.verify(answer(oldest, "s3cret-pass", "00000002"), "INVITE", target, 1200), stale)
        << "a nonce whose count was dropped must not be usable again";
}

}  // namespace
}  // namespace omnigate::voice
