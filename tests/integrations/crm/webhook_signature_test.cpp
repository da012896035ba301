// The signature is what a receiver checks by hand with a few lines of its own language, so it must be exactly the
// documented HMAC-SHA256 over "<timestamp>.<body>" in lower-case hex: checked against a value computed elsewhere
// (Python's hmac module).
#include "omnigate/sdk/secrets.h"

#include <gtest/gtest.h>

namespace omnigate::crm {
namespace {

TEST(WebhookSignature, IsHmacSha256OfTimestampDotBodyInHex) {
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"0123456789abcdef-secret",
    //             b"1700000000.{\"id\":\"x\"}", hashlib.sha256).hexdigest())'
    EXPECT_EQ(webhookSignature("0123456789abcdef-secret", "1700000000", R"({"id":"x"})"),
              "sha256=e83bb0935e7b1db314f673eb7e104265702860cb3dd80ea6e7a2f7cdc1cacd56");
}

TEST(WebhookSignature, ChangesWithTheSecretTheTimestampAndTheBody) {
    const std::string base = webhookSignature("0123456789abcdef-secret", "1700000000", "{}");
    EXPECT_NE(base, webhookSignature("0123456789abcdef-secreT", "1700000000", "{}"));
    EXPECT_NE(base, webhookSignature("0123456789abcdef-secret", "1700000001", "{}"));
    EXPECT_NE(base, webhookSignature("0123456789abcdef-secret", "1700000000", "{ }"));
    // The dot separates: moving a digit from the timestamp into the body must not give the same signature.
    EXPECT_NE(webhookSignature("k", "12", "3"), webhookSignature("k", "1", "23"));
}

}  // namespace
}  // namespace omnigate::crm
