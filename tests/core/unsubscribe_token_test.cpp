// The unsubscribe address of a campaign's mail names one recipient, and no other can be made from it.
#include <gtest/gtest.h>

#include "campaigns/unsubscribe_token.h"

namespace omnigate {
namespace {

const std::string kSecret = "unsubscribe-test-secret-0123456789abcdef";

TEST(UnsubscribeToken, NamesItsRecipientAndNoOther) {
    const std::string token = UnsubscribeToken::make(kSecret, 4217);
    EXPECT_EQ(UnsubscribeToken::verify(kSecret, token), 4217);
    EXPECT_EQ(token.rfind("4217-", 0), 0u);
    EXPECT_EQ(token.size(), 5u + 32u);

    std::string other = token;
    other.replace(0, 4, "4218");
    EXPECT_FALSE(UnsubscribeToken::verify(kSecret, other)) << "another recipient's id under this signature";
    EXPECT_FALSE(UnsubscribeToken::verify("another-secret-of-32-bytes-at-least!", token));
    EXPECT_FALSE(UnsubscribeToken::verify("", token)) << "no secret configured: no address is valid";
    const std::string signature = token.substr(5);
    const std::vector<std::string> bad{"",
                                       "-",
                                       "4217",
                                       "4217-",
                                       "x-" + signature,
                                       "-1-" + signature,
                                       "99999999999999999999999-" + signature,
                                       token + "0"};
    for (const std::string& b : bad) {
        EXPECT_FALSE(UnsubscribeToken::verify(kSecret, b)) << b;
    }
}

}  // namespace
}  // namespace omnigate
