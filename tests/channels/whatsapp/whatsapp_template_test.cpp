// The templates registry's rules: Meta's name and language formats, the categories and statuses, placeholders
// numbered {{1}}..{{n}} without gaps, and rendering the body the client will read.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "omnigate/sdk/api_error.h"
#include "whatsapp_template.h"

namespace omnigate::whatsapp {
namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string errorOf(const std::string& body) {
    try {
        templateFromRequest(*json(body), std::nullopt, std::nullopt);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << body;
    return {};
}

const std::string good = R"({"name":"order_update","language":"en_US","category":"UTILITY",)"
                         R"("body":"Hi {{1}}, order {{2}} ships {{3}}.","status":"APPROVED","accounts":["demo"]})";

TEST(WhatsappTemplate, ReadsAGoodOne) {
    const WhatsappTemplate t = templateFromRequest(*json(good), std::nullopt, std::nullopt);
    EXPECT_EQ(t.name, "order_update");
    EXPECT_EQ(t.language, "en_US");
    EXPECT_EQ(t.category, "UTILITY");
    EXPECT_EQ(t.status, "APPROVED");
    ASSERT_EQ(t.accounts.size(), 1u);
    EXPECT_TRUE(t.usableBy("demo"));
    EXPECT_FALSE(t.usableBy("other"));
    EXPECT_EQ(parameterCount(t.body), 3);
}

TEST(WhatsappTemplate, StatusDefaultsToPending) {
    EXPECT_EQ(templateFromRequest(*json(R"({"name":"a","language":"ru","category":"MARKETING","body":"x"})"),
                                  std::nullopt, std::nullopt)
                  .status,
              "PENDING");
}

TEST(WhatsappTemplate, EveryFieldIsValidatedByName) {
    EXPECT_NE(errorOf(R"({"language":"en","category":"UTILITY","body":"x"})").find("'name'"), std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"Order Update","language":"en","category":"UTILITY","body":"x"})").find("'name'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"a","language":"english","category":"UTILITY","body":"x"})").find("'language'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"a","language":"en","category":"PROMO","body":"x"})").find("'category'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"a","language":"en","category":"UTILITY"})").find("'body'"), std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"a","language":"en","category":"UTILITY","body":"x","status":"OK"})").find("'status'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"a","language":"en","category":"UTILITY","body":"x","accounts":"demo"})").find("'accounts'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"a","language":"en","category":"UTILITY","body":"x","colour":1})").find("'colour'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"a","language":"en","category":"UTILITY","body":"x","version":"2"})").find("'version'"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"name":"a","language":"en","category":"UTILITY","body":")" + std::string(1025, 'x') + "\"}")
                  .find("1024"),
              std::string::npos);
}

TEST(WhatsappTemplate, PlaceholdersMustRunFromOneWithoutGaps) {
    EXPECT_EQ(parameterCount("no placeholders"), 0);
    EXPECT_EQ(parameterCount("{{1}} and {{1}} again, {{2}}"), 2);
    EXPECT_THROW(parameterCount("{{2}}"), ApiError);
    EXPECT_THROW(parameterCount("{{1}} {{3}}"), ApiError);
    EXPECT_THROW(parameterCount("{{0}}"), ApiError);
    EXPECT_THROW(parameterCount("{{name}}"), ApiError);
    EXPECT_THROW(parameterCount("{{1}"), ApiError);
    EXPECT_NE(errorOf(R"({"name":"a","language":"en","category":"UTILITY","body":"Hi {{2}}"})").find("'body'"),
              std::string::npos);
}

TEST(WhatsappTemplate, RendersTheBody) {
    EXPECT_EQ(renderTemplate("Hi {{1}}, order {{2}} ships {{1}}.", {"Ann", "42"}), "Hi Ann, order 42 ships Ann.");
    EXPECT_EQ(renderTemplate("Plain", {}), "Plain");
    EXPECT_EQ(renderTemplate("{{1}}{{2}}", {"a"}), "a{{2}}");  // never past the given values
}

TEST(WhatsappTemplate, PathNamesWinAndMustAgree) {
    const WhatsappTemplate t = templateFromRequest(*json(R"({"category":"UTILITY","body":"x"})"), "from_path", "de");
    EXPECT_EQ(t.name, "from_path");
    EXPECT_EQ(t.language, "de");
    EXPECT_THROW(templateFromRequest(*json(R"({"name":"other","category":"UTILITY","body":"x"})"), "from_path", "de"),
                 ApiError);
}

TEST(WhatsappTemplate, RoundTripsThroughItsStoredForm) {
    WhatsappTemplate t = templateFromRequest(*json(good), std::nullopt, std::nullopt);
    t.version = 4;
    t.createdAt = "2026-01-01T00:00:00.000Z";
    std::ostringstream out;
    templateToJson(t)->stringify(out);
    const std::optional<WhatsappTemplate> back = templateFromStored(out.str());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->body, t.body);
    EXPECT_EQ(back->version, 4);
    EXPECT_EQ(back->createdAt, t.createdAt);
    EXPECT_FALSE(templateFromStored("{broken"));
}

}  // namespace
}  // namespace omnigate::whatsapp
