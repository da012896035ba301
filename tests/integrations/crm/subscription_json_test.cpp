// What the admin API accepts as a subscription and how it shows one: every mistake is a 400 naming the field, and
// the secret is never shown, only that one is set.
#include "subscription_json.h"

#include <gtest/gtest.h>

#include "omnigate/sdk/api_error.h"

namespace omnigate::crm {
namespace {

const std::string secret = "0123456789abcdef0123";

std::string errorOf(const std::string& body) {
    try {
        subscriptionFromRequest(*parseRequestObject(body), "generated");
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << body;
    return "";
}

TEST(SubscriptionJson, ReadsACreateRequest) {
    const Subscription s = subscriptionFromRequest(
        *parseRequestObject(R"({"url":"https://crm.example/x","secret":")" + secret +
                            R"(","events":["client.created","client.created","rating.created"],"active":false})"),
        "generated");
    EXPECT_EQ(s.id, "generated");
    EXPECT_EQ(s.url, "https://crm.example/x");
    EXPECT_EQ(s.events, (std::vector<std::string>{"client.created", "rating.created"}));
    EXPECT_FALSE(s.active);
}

TEST(SubscriptionJson, EveryMistakeNamesItsField) {
    const std::string ok = R"("url":"http://h/x","secret":")" + secret + R"(","events":["client.created"])";
    EXPECT_NE(errorOf("[1]").find("JSON object"), std::string::npos);
    EXPECT_NE(errorOf("{" + ok + R"(,"colour":"red"})").find("'colour'"), std::string::npos);
    EXPECT_NE(errorOf(R"({"secret":")" + secret + R"(","events":["client.created"]})").find("'url'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"url":"gopher://h","secret":")" + secret + R"(","events":["client.created"]})").find("'url'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"url":"http://h/x","secret":"short","events":["client.created"]})").find("'secret'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"url":"http://h/x","secret":")" + secret + R"(","events":["client.created","nope"]})")
                  .find("'events[1]'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"url":"http://h/x","secret":")" + secret + R"(","events":[]})").find("'events'"),
              std::string::npos);
    EXPECT_NE(errorOf("{" + ok + R"(,"id":"a b"})").find("'id'"), std::string::npos);
    EXPECT_NE(errorOf("{" + ok + R"(,"active":"yes"})").find("'active'"), std::string::npos);
}

TEST(SubscriptionJson, TheApiNeverShowsTheSecretButTheStateKeepsIt) {
    Subscription s;
    s.id = "a";
    s.url = "http://h/x";
    s.secret = secret;
    s.events = {"client.created"};
    const std::string shown = toJson(apiJson(s));
    EXPECT_EQ(shown.find(secret), std::string::npos) << shown;
    EXPECT_NE(shown.find(R"("secret_set":true)"), std::string::npos) << shown;

    const auto back = fromStateJson(stateJson(s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->secret, secret);
    EXPECT_EQ(back->events, s.events);
    EXPECT_FALSE(fromStateJson("garbage").has_value());
}

TEST(SubscriptionJson, APatchChangesOnlyWhatItNames) {
    Subscription s;
    s.id = "a";
    s.url = "http://h/x";
    s.secret = secret;
    s.events = {"client.created"};
    EXPECT_EQ(applyPatch(s, *parseRequestObject(R"({"active":false,"version":3})")), 3);
    EXPECT_FALSE(s.active);
    EXPECT_EQ(s.url, "http://h/x");
    EXPECT_THROW(applyPatch(s, *parseRequestObject(R"({"id":"b"})")), ApiError);
    EXPECT_THROW(applyPatch(s, *parseRequestObject(R"({"events":["x"]})")), ApiError);
}

}  // namespace
}  // namespace omnigate::crm
