// The client lookup reads the CRM's answer strictly (only {"card": {field: scalar}}), keys its cache by the
// client's address and forgets answers after cache_seconds.
#include "client_lookup.h"

#include <gtest/gtest.h>

namespace omnigate::crm {
namespace {

using namespace std::chrono_literals;

TEST(ClientLookup, ReadsTheCardOfAnAnswer) {
    const Card card =
        ClientLookup::parseAnswer(R"({"card":{"crm_id":"C-17","tier":"gold","orders":12,"vip":true,"gone":null}})");
    EXPECT_EQ(card, (Card{{"crm_id", "C-17"}, {"tier", "gold"}, {"orders", "12"}, {"vip", "true"}}));
}

TEST(ClientLookup, RefusesAnswersItCannotUse) {
    for (const char* body : {"not json", "[]", R"({"name":"x"})", R"({"card":"x"})", R"({"card":{"a":{"b":1}}})",
                             R"({"card":{"":"x"}})"}) {
        EXPECT_THROW(ClientLookup::parseAnswer(body), std::runtime_error) << body;
    }
}

TEST(ClientLookup, FindsTheClientAndItsAddress) {
    EXPECT_EQ(ClientLookup::clientIdOf("client.created", R"({"type":"client.created","data":{"id":42}})"), 42);
    EXPECT_EQ(ClientLookup::clientIdOf("interaction.created", R"({"data":{"id":7,"client_id":42}})"), 42);
    EXPECT_EQ(ClientLookup::clientIdOf("client.created", "garbage"), 0);
    EXPECT_EQ(ClientLookup::addressKeyOf(R"({"id":42,"addresses":[{"id":1,"kind":"phone","value":"+7900"}]})"),
              "phone:+7900");
    EXPECT_EQ(ClientLookup::addressKeyOf(R"({"id":42,"addresses":[]})"), "");
}

TEST(ClientLookup, CachesForCacheSeconds) {
    ClientLookupConfig config;
    config.url = "http://127.0.0.1:9/lookup";
    config.secret = "0123456789abcdef0123";
    config.cacheFor = 30s;
    ClientLookup lookup(config);
    const auto t0 = Clock::now();
    EXPECT_FALSE(lookup.cached("phone:+7900", t0).has_value());
    lookup.remember("phone:+7900", {{"tier", "gold"}}, t0);
    EXPECT_EQ(lookup.cached("phone:+7900", t0 + 29s), std::optional<Card>(Card{{"tier", "gold"}}));
    EXPECT_FALSE(lookup.cached("phone:+7900", t0 + 30s).has_value());
}

TEST(ClientLookup, SignsItsRequestLikeAWebhook) {
    ClientLookupConfig config;
    config.url = "http://127.0.0.1:9/lookup";
    config.secret = "0123456789abcdef0123";
    config.timeout = 700ms;
    const OutgoingRequest r = ClientLookup(config).request(R"({"id":42})", 1700000000);
    EXPECT_EQ(r.url, config.url);
    EXPECT_EQ(r.body, R"({"id":42})");
    EXPECT_EQ(r.timeout, 700ms);
    bool signedRequest = false;
    for (const std::string& h : r.headers) signedRequest |= h.rfind("X-Omnigate-Signature: sha256=", 0) == 0;
    EXPECT_TRUE(signedRequest);
}

}  // namespace
}  // namespace omnigate::crm
