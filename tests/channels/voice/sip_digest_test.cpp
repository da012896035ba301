// Digest authentication of INVITEs: what a trunk computes from our challenge must be accepted, and a wrong
// password, a forged or stale nonce, or another realm must not.
#include <gtest/gtest.h>

#include "sip_digest.h"

namespace omnigate::voice {
namespace {

DigestCredentials credentials() { return {"omnigate", "trunk", "s3cret-pass"}; }

std::string nonceOf(const std::string& challenge) {
    return parseDigestParams(challenge.substr(std::string("Digest ").size())).at("nonce");
}

// What a client sends for INVITE sip:800@host with qop=auth.
std::map<std::string, std::string> answer(const std::string& nonce, const std::string& password) {
    const std::string ha1 = md5Hex("trunk:omnigate:" + password);
    const std::string ha2 = md5Hex("INVITE:sip:800@127.0.0.1");
    return {{"username", "trunk"}, {"realm", "omnigate"}, {"nonce", nonce}, {"uri", "sip:800@127.0.0.1"},
            {"qop", "auth"}, {"nc", "00000001"}, {"cnonce", "abc"},
            {"response", md5Hex(ha1 + ":" + nonce + ":00000001:abc:auth:" + ha2)}};
}

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

TEST(SipDigest, AcceptsTheRightAnswerWithAndWithoutQop) {
    const SipDigest digest(credentials(), "secret");
    const std::string challenge = digest.challenge(1000);
    EXPECT_NE(challenge.find("realm=\"omnigate\""), std::string::npos);
    EXPECT_NE(challenge.find("qop=\"auth\""), std::string::npos);
    const std::string nonce = nonceOf(challenge);
    EXPECT_TRUE(digest.verify(answer(nonce, "s3cret-pass"), "INVITE", 1010));

    auto noQop = answer(nonce, "s3cret-pass");
    noQop.erase("qop");
    const std::string ha1 = md5Hex("trunk:omnigate:s3cret-pass");
    noQop["response"] = md5Hex(ha1 + ":" + nonce + ":" + md5Hex("INVITE:sip:800@127.0.0.1"));
    EXPECT_TRUE(digest.verify(noQop, "INVITE", 1010));
}

TEST(SipDigest, RefusesAWrongPasswordAForgedOrStaleNonceAndAnotherRealm) {
    const SipDigest digest(credentials(), "secret");
    const std::string nonce = nonceOf(digest.challenge(1000));
    EXPECT_FALSE(digest.verify(answer(nonce, "wrong"), "INVITE", 1010));
    EXPECT_FALSE(digest.verify(answer(nonce, "s3cret-pass"), "INVITE", 1000 + 301)) << "stale";
    EXPECT_FALSE(digest.verify(answer("1000.0000000000000000", "s3cret-pass"), "INVITE", 1010)) << "forged";
    EXPECT_FALSE(SipDigest(credentials(), "other").verify(answer(nonce, "s3cret-pass"), "INVITE", 1010))
        << "another process's nonce";
    auto realm = answer(nonce, "s3cret-pass");
    realm["realm"] = "elsewhere";
    EXPECT_FALSE(digest.verify(realm, "INVITE", 1010));
    EXPECT_FALSE(digest.verify({}, "INVITE", 1010));
}

}  // namespace
}  // namespace omnigate::voice
