// Marketing offers as the model checks them, without a database: the field checks a body must pass (each refusal
// naming its field) and which clients an offer fits.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <functional>

#include "model/offer.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The API's reader turns any zoned time into this form; here the tests write it directly.
std::string sameTime(const std::string& text, const std::string& field) {
    if (text.size() != 24 || text.back() != 'Z') throw ApiError::badRequest("'" + field + "' is not a time");
    return text;
}

Offer parsed(const std::string& body) { return Offer::parse(json(body), sameTime); }

std::string refusal(const std::string& body) {
    try {
        parsed(body);
    } catch (const ApiError& e) {
        return std::to_string(e.status()) + " " + e.what();
    }
    return "accepted";
}

TEST(Offer, RefusesABadBodyNamingTheField) {
    EXPECT_NE(refusal(R"({"text":"Hi"})").find("'title' is required"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T"})").find("'text' or 'template_id'"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","template_id":3})").find("exactly one"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi {client.nmae}"})").find("{client.nmae}"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","conditions":{"client":{"shoe_size":"42"}}})")
                  .find("'conditions.client.shoe_size' is not a client field"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","conditions":{"client":{"card.":"x"}}})").find("card."),
              std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","conditions":{"tags":["vip"]}})").find("conditions.tags"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","client_limit":-1})").find("'client_limit'"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","client_limit":0})").find("'client_limit'"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","priority":-1})").find("'priority'"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","valid_from":"2026-12-10T00:00:00.000Z",)"
                      R"("valid_to":"2026-12-01T00:00:00.000Z"})")
                  .find("'valid_to'"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","conditions":{"last_contact_days_min":10,)"
                      R"("last_contact_days_max":5}})")
                  .find("last_contact_days_min"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","colour":"red"})").find("'colour'"), std::string::npos);
    EXPECT_EQ(refusal(R"({"title":"T","text":"Hi {client.card.city}","client_limit":null})"), "accepted");
}

TEST(Offer, ItsStateFollowsThePeriodAndRetirement) {
    Offer o = parsed(R"({"title":"T","text":"Hi","valid_from":"2026-12-01T00:00:00.000Z",)"
                     R"("valid_to":"2026-12-31T00:00:00.000Z"})");
    EXPECT_EQ(o.state("2026-11-30T23:59:59.999Z"), "scheduled");
    EXPECT_EQ(o.state("2026-12-15T00:00:00.000Z"), "active");
    EXPECT_EQ(o.state("2026-12-31T00:00:00.001Z"), "expired");
    o.apply(json(R"({"retired":true})"), sameTime);
    EXPECT_EQ(o.state("2026-12-15T00:00:00.000Z"), "retired");
    // Switching to a template takes the text away in the same change.
    EXPECT_THROW(o.apply(json(R"({"template_id":4})"), sameTime), ApiError);
    o.apply(json(R"({"template_id":4,"text":null})"), sameTime);
    EXPECT_EQ(o.templateId, 4);
}

TEST(Offer, FitsOnlyTheClientsItsConditionsDescribe) {
    const Offer o = parsed(R"({"title":"T","text":"Hi","conditions":{"client":{"card.city":"Omsk","name":"Anna"},)"
                           R"("client_flags":["vip"],"channels":["webchat","vk"],"past_topics":[7,8],)"
                           R"("last_contact_days_max":30,"last_contact_days_min":2}})");
    OfferFacts facts;
    facts.channel = "vk";
    facts.clientName = "Anna";
    facts.card = {{"city", "Omsk"}};
    facts.clientFlags = {"new", "vip"};
    facts.pastTopics = {3, 8};
    facts.daysSinceLastContact = 10;
    std::string why;
    EXPECT_TRUE(o.fits(facts, &why)) << why;

    const auto fails = [&](const std::function<void(OfferFacts&)>& change, const std::string& reason) {
        OfferFacts f = facts;
        change(f);
        std::string said;
        EXPECT_FALSE(o.fits(f, &said)) << reason;
        EXPECT_NE(said.find(reason), std::string::npos) << said;
    };
    fails([](OfferFacts& f) { f.card.clear(); }, "card.city");
    fails([](OfferFacts& f) { f.clientName = "Boris"; }, "name");
    fails([](OfferFacts& f) { f.clientFlags = {"new"}; }, "vip");
    fails([](OfferFacts& f) { f.channel = "email"; }, "channel");
    fails([](OfferFacts& f) { f.pastTopics = {3}; }, "topics");
    fails([](OfferFacts& f) { f.daysSinceLastContact = 31; }, "within 30 days");
    fails([](OfferFacts& f) { f.daysSinceLastContact.reset(); }, "within 30 days");
    fails([](OfferFacts& f) { f.daysSinceLastContact = 1; }, "less than 2 days");

    // Without conditions every client fits; a client never seen before fits a "not for a while" condition.
    EXPECT_TRUE(parsed(R"({"title":"T","text":"Hi"})").fits(OfferFacts{}));
    EXPECT_TRUE(parsed(R"({"title":"T","text":"Hi","conditions":{"last_contact_days_min":30}})").fits(OfferFacts{}));
}

TEST(Offer, ItsConditionsReadBackAsWritten) {
    const Offer o = parsed(R"({"title":"T","text":"Hi","conditions":{"client":{"card.city":"Omsk"},)"
                           R"("past_topics":[7],"last_contact_days_max":30}})");
    const OfferConditions back = OfferConditions::parse(o.conditions.toJson());
    EXPECT_EQ(back.client, o.conditions.client);
    EXPECT_EQ(back.pastTopics, o.conditions.pastTopics);
    EXPECT_EQ(back.lastContactDaysMax, o.conditions.lastContactDaysMax);
    EXPECT_FALSE(back.lastContactDaysMin);
}

}  // namespace
}  // namespace omnigate
