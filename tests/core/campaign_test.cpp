// Outbound campaigns as the model checks them, without a database: each bad body refused naming its field, the
// definition stored and read back unchanged, and the allowed hours in the centre's or the client's time.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "model/campaign.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string sameTime(const std::string& text, const std::string& field) {
    if (text.size() != 24 || text.back() != 'Z') throw ApiError::badRequest("'" + field + "' is not a time");
    return text;
}

const Campaign::Limits kLimits{180, 600};

std::string text(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(object, out);
    return out.str();
}

Campaign parsed(const std::string& body) { return Campaign::parse(json(body), sameTime, kLimits); }

std::string refusal(const std::string& body) {
    try {
        parsed(body);
    } catch (const ApiError& e) {
        return std::to_string(e.status()) + " " + e.what();
    }
    return "accepted";
}

const std::string kEmail = R"("name":"Spring","channel":"email","account":"mail")";
const std::string kMessage = R"("message":{"subject":"Hello {client.name}","text":"Dear {client.name}, {client.card.tariff}"})";

TEST(Campaign, RefusesABadBodyNamingTheField) {
    EXPECT_EQ(refusal("{" + kEmail + "," + kMessage + "}"), "accepted");
    EXPECT_NE(refusal(R"({"name":"x","channel":"email","account":"mail"})").find("'message' is required"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage + R"(,"segment":{"client":{"shoe_size":"42"}}})")
                  .find("'segment.client.shoe_size' is not a client field"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage + R"(,"segment":{"channels":["vk"]}})").find("'segment.channels'"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage + R"(,"segment":{"age":3}})").find("segment.age"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"name":"x","channel":"whatsapp","account":"wa","message":{"text":"Hi"}})")
                  .find("'message.whatsapp_template' is required"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"name":"x","channel":"webchat","account":"w","message":{"text":"Hi"}})").find("'channel'"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + R"(,"message":{"text":"Hi"}})").find("'message.subject' is required"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + R"(,"message":{"subject":"S","text":"Hi {operator.name}"}})")
                  .find("{operator.name}"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage +
                      R"(,"schedule":{"starts_at":"2027-01-02T00:00:00.000Z","ends_at":"2027-01-01T00:00:00.000Z"}})")
                  .find("'schedule.ends_at'"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage + R"(,"rate_per_minute":0})").find("'rate_per_minute'"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage + R"(,"rate_per_minute":601})").find("1 to 600"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage + R"(,"schedule":{"allowed_hours":{"from":"25:00","to":"10:00"}}})")
                  .find("'schedule.allowed_hours.from'"),
              std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage + R"(,"colour":"red"})").find("colour"), std::string::npos);
    EXPECT_NE(refusal("{" + kEmail + "," + kMessage + R"(,"schedule":{"time_zone":"client"}})")
                  .find("allowed_hours"),
              std::string::npos);
}

TEST(Campaign, ItsDefinitionReadsBackAsItWasStored) {
    const Campaign c = parsed(
        R"({"name":"Tariff","channel":"whatsapp","account":"wa","segment":{"client":{"card.city":"Омск"},)"
        R"("client_flags":["vip"],"last_contact_days_max":30},"message":{"whatsapp_template":{"name":"promo",)"
        R"("language":"ru","parameters":["{client.name}","{client.card.tariff}"]}},"schedule":{"starts_at":)"
        R"("2027-01-01T06:00:00.000Z","allowed_hours":{"from":"09:00","to":"21:00"},"time_zone":"client"},)"
        R"("rate_per_minute":120})");
    EXPECT_EQ(c.message.whatsappParameters.size(), 2u);
    ASSERT_TRUE(c.schedule.allowedHours);
    EXPECT_EQ(c.schedule.allowedHours->utcOffsetMinutes, 180) << "the centre's offset when none is given";
    EXPECT_EQ(c.schedule.allowedHours->days.size(), 7u) << "every day when none is given";

    Poco::JSON::Object::Ptr stored = c.definitionJson();
    stored->set("name", c.name);
    stored->set("channel", c.channel);
    stored->set("account", c.account);
    const Campaign back = Campaign::parse(stored, sameTime, kLimits);
    EXPECT_EQ(text(back.definitionJson()), text(c.definitionJson()));
    EXPECT_EQ(back.segment.client.at("card.city"), "Омск");
    EXPECT_EQ(back.message.whatsappTemplate, "promo");
    EXPECT_EQ(back.message.whatsappParameters, c.message.whatsappParameters);
    EXPECT_EQ(back.schedule.startsAt, "2027-01-01T06:00:00.000Z");
    EXPECT_TRUE(back.schedule.clientTimeZone);
    EXPECT_EQ(back.ratePerMinute, 120);
}

TEST(Campaign, AllowedHoursFollowTheClientsOffsetWhenAsked) {
    const Campaign c = parsed("{" + kEmail + "," + kMessage +
                              R"(,"schedule":{"allowed_hours":{"utc_offset":"+03:00","from":"09:00","to":"21:00"},)"
                              R"("time_zone":"client"}})");
    // 07:00 UTC is 10:00 in Moscow (open) and 04:00 in Manaus, -03:00 (closed until 12:00 UTC).
    const auto at = std::chrono::system_clock::from_time_t(1798873200);  // 2027-01-02T07:00:00Z
    EXPECT_TRUE(c.hoursFor("")->contains(at));
    EXPECT_TRUE(c.hoursFor("not an offset")->contains(at)) << "an invalid card value falls back to the campaign's";
    const WorkingHours manaus = *c.hoursFor("-03:00");
    EXPECT_FALSE(manaus.contains(at));
    const auto opening = Campaign::nextOpening(manaus, at);
    ASSERT_TRUE(opening);
    EXPECT_EQ(std::chrono::system_clock::to_time_t(*opening), 1798873200 + 5 * 3600);

    WorkingHours never = manaus;
    never.days.clear();
    EXPECT_FALSE(Campaign::nextOpening(never, at));
}

}  // namespace
}  // namespace omnigate
