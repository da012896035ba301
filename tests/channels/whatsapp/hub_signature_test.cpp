// X-Hub-Signature-256 as Meta computes it (HMAC-SHA256 of the raw body with the app secret, hex), checked against
// a published HMAC test vector so the check cannot pass by agreeing with itself.
#include <gtest/gtest.h>

#include "hub_signature.h"

namespace omnigate::whatsapp {
namespace {

const std::string fox = "The quick brown fox jumps over the lazy dog";
const std::string foxSignature = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

TEST(HubSignature, MatchesTheKnownVector) { EXPECT_EQ(hubSignature("key", fox), foxSignature); }

TEST(HubSignature, AcceptsTheRightSignatureInEitherCase) {
    EXPECT_TRUE(verifyHubSignature("key", fox, foxSignature));
    EXPECT_TRUE(verifyHubSignature("key", fox, "sha256=F7BC83F430538424B13298E6AA6FB143EF4D59A14946175997479DBC2D1A3CD8"));
}

TEST(HubSignature, RefusesAnythingElse) {
    EXPECT_FALSE(verifyHubSignature("other-key", fox, foxSignature));
    EXPECT_FALSE(verifyHubSignature("key", fox + " ", foxSignature));
    EXPECT_FALSE(verifyHubSignature("key", fox, foxSignature.substr(7)));  // without "sha256="
    EXPECT_FALSE(verifyHubSignature("key", fox, "sha1=" + foxSignature.substr(7)));
    EXPECT_FALSE(verifyHubSignature("key", fox, ""));
    EXPECT_FALSE(verifyHubSignature("key", fox, foxSignature + "00"));
}

}  // namespace
}  // namespace omnigate::whatsapp
