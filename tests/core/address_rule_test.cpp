// The one rule for client addresses (omnigate/sdk/address_rule.h) and the model's checkedAddress() on top of it:
// what could inject into an SMTP command or a mail header never passes, for any kind, and ordinary addresses do.
#include <gtest/gtest.h>

#include "model/address_normalization.h"
#include "omnigate/sdk/address_rule.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

TEST(AddressRule, MailboxesOfRfc5321Pass) {
    for (const char* ok : {"anna@example.com", "Anna.Petrova+support@mail.example.co.uk", "a@b", "x!#$%&'*+-/=?^_`{|}~@b.c",
                           "\"john doe\"@example.com", "\"a\\\"b\"@example.com", "\"a@b\"@example.com",
                           "user@[192.0.2.1]", "user@[IPv6:2001:db8::1]", "1@2-3.example"}) {
        EXPECT_TRUE(isMailbox(ok)) << ok;
    }
}

TEST(AddressRule, AnythingButOneMailboxFails) {
    const std::string longLocal(65, 'a');
    const std::string longDomain = "a@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                                   std::string(63, 'd') + "." + std::string(63, 'e');
    for (const std::string& bad :
         {std::string(""), std::string("anna"), std::string("@example.com"), std::string("anna@"),
          std::string("a@b.c\r\nBcc: x@y.z"), std::string("a@b.c\nRCPT TO:<x@y.z>"), std::string("<a@b.c>"),
          std::string("Anna <a@b.c>"), std::string("a@b.c,x@y.z"), std::string("a@b.c x@y.z"),
          std::string("a b@c.d"), std::string("a@b.c\x7f"), std::string("a\0@b.c", 6), std::string("a..b@c.d"),
          std::string(".a@b.c"), std::string("a.@b.c"), std::string("a@-b.c"), std::string("a@b-.c"),
          std::string("a@b..c"), std::string("a@b.c."), std::string("a@b_c.d"), std::string("\"a\r\nb\"@c.d"),
          std::string("\"a\"b@c.d"), std::string("a@[300.1.1.1]"), std::string("a@[1.2.3]"),
          std::string("a@[x]"), std::string("a@[IPv6:a[b]"), std::string("anna@пример.рф"),
          longLocal + "@b.c", longDomain}) {
        EXPECT_FALSE(isMailbox(bad)) << bad;
    }
}

TEST(AddressRule, ControlCharactersAndAngleBracketsFailForEveryKind) {
    for (const char* kind : {"email", "phone", "whatsapp", "webchat", "vk", "echo", "whatsapp_user"}) {
        for (const std::string& value :
             {std::string("a@b.c\r\nBcc: x@y.z"), std::string("123\n456"), std::string("12345\t"),
              std::string("12345\x7f"), std::string("<a@b.c>"), std::string("12345>"), std::string("<12345"),
              std::string("12\x01" "345"), std::string("123\0" "45", 6)}) {
            for (const AddressSource source : {AddressSource::Typed, AddressSource::Provider}) {
                const auto problem = addressProblem({kind, value}, source);
                ASSERT_TRUE(problem.has_value()) << kind << " " << value;
                const bool named = problem->find("control characters") != std::string::npos ||
                                   problem->find("'<' or '>'") != std::string::npos;
                EXPECT_TRUE(named) << *problem;
            }
        }
    }
}

TEST(AddressRule, KindsHaveTheirOwnShape) {
    EXPECT_EQ(addressProblem({"email", " Anna@Example.com "}, AddressSource::Typed), std::nullopt);
    EXPECT_NE(addressProblem({"email", "anna"}, AddressSource::Provider), std::nullopt);
    EXPECT_EQ(addressProblem({"whatsapp", "+7 (912) 345-67.89"}, AddressSource::Provider), std::nullopt);
    EXPECT_EQ(addressProblem({"whatsapp", "79123456789"}, AddressSource::Provider), std::nullopt);
    // One rule for whatsapp wherever it comes from: 3 to 15 digits, separators only.
    for (const AddressSource source : {AddressSource::Typed, AddressSource::Provider}) {
        EXPECT_NE(addressProblem({"whatsapp", "12"}, source), std::nullopt);
        EXPECT_NE(addressProblem({"whatsapp", "1234567890123456"}, source), std::nullopt);
        EXPECT_NE(addressProblem({"whatsapp", "+7 912 call me"}, source), std::nullopt);
    }
    // A typed phone is a number; a telephone network's caller id may be a name.
    EXPECT_NE(addressProblem({"phone", "anonymous"}, AddressSource::Typed), std::nullopt);
    EXPECT_EQ(addressProblem({"phone", "anonymous"}, AddressSource::Provider), std::nullopt);
    EXPECT_EQ(addressProblem({"phone", "+1 555 0100"}, AddressSource::Typed), std::nullopt);
    EXPECT_EQ(addressProblem({"webchat", "v-1f2e"}, AddressSource::Provider), std::nullopt);
    EXPECT_NE(addressProblem({"vk", "   "}, AddressSource::Typed), std::nullopt);
    EXPECT_NE(addressProblem({"vk", std::string(256, 'v')}, AddressSource::Typed), std::nullopt);
    EXPECT_EQ(addressProblem({"vk", std::string(255, 'v')}, AddressSource::Typed), std::nullopt);
}

TEST(AddressRule, OneSpellingPerAddress) {
    EXPECT_EQ(canonicalAddress({"email", " Anna@Example.com "}).value, "anna@example.com");
    EXPECT_EQ(canonicalAddress({"whatsapp", "+7 (912) 345-67-89"}).value, "+79123456789");
    EXPECT_EQ(canonicalAddress({"phone", "79123456789"}).value, "+79123456789");
    EXPECT_EQ(canonicalAddress({"phone", " anonymous "}).value, "anonymous");
    EXPECT_EQ(canonicalAddress({"vk", " 12345 "}).value, "12345");
    EXPECT_EQ(phoneDigits("+7 (912) 345-67-89"), "79123456789");
    EXPECT_EQ(phoneDigits("anonymous"), "");
}

TEST(AddressRule, CheckedAddressNamesTheFieldAndNormalises) {
    const Address ok = checkedAddress({"email", " Anna@Example.com "}, "'value'", AddressSource::Typed);
    EXPECT_EQ(ok.value, "anna@example.com");
    EXPECT_EQ(checkedAddress({"whatsapp", "+7 (912) 345-67-89"}, "'value'", AddressSource::Typed).value,
              "+79123456789");
    try {
        checkedAddress({"email", "a@b.c\r\nBcc: x@y.z"}, "'addresses[1].value'", AddressSource::Typed);
        ADD_FAILURE() << "no error";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(std::string(e.what()).rfind("'addresses[1].value' must not contain control characters", 0), 0u)
            << e.what();
    }
}

}  // namespace
}  // namespace omnigate
