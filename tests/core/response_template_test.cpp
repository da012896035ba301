// Response templates as the model checks and finds them, without a database: which variables a template may use
// and how they render, the field checks a body must pass, and the search in Russian and English with the most
// used first.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "model/response_template.h"
#include "model/template_search.h"
#include "model/template_text.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string refusal(const std::string& body) {
    try {
        ResponseTemplate::parse(json(body));
    } catch (const ApiError& e) {
        return std::to_string(e.status()) + " " + e.what();
    }
    return "accepted";
}

ResponseTemplate templ(std::int64_t id, const std::string& title, const std::string& text,
                       const std::string& shortcut = "") {
    ResponseTemplate t;
    t.id = id;
    t.title = title;
    t.text = text;
    t.shortcut = shortcut;
    return t;
}

std::vector<std::int64_t> ids(const std::vector<TemplateSearch::Hit>& hits) {
    std::vector<std::int64_t> out;
    for (const auto& hit : hits) out.push_back(hit.templ->id);
    return out;
}

TEST(ResponseTemplateVariables, ClientOperatorInteractionAndAnyCardField) {
    for (const char* name : {"client.name", "client.id", "client.card.city", "client.card.contract_no",
                             "operator.name", "operator.id", "interaction.id", "interaction.subject", "channel",
                             "account"}) {
        EXPECT_TRUE(isResponseTemplateVariable(name)) << name;
    }
    for (const char* name : {"client.nmae", "client.card.", "client.card", "operator", "queue"}) {
        EXPECT_FALSE(isResponseTemplateVariable(name)) << name;
    }
}

TEST(ResponseTemplateVariables, EmptyValuesRenderEmptyAndOtherBracesStay) {
    const std::map<std::string, std::string> values{{"client.name", "Anna"}, {"operator.name", ""}};
    EXPECT_EQ(renderTemplate("Hi {client.name}, {operator.name}{client.card.city} here { :) }", values,
                             isResponseTemplateVariable),
              "Hi Anna,  here { :) }");
}

TEST(ResponseTemplateFields, RefusedWithTheFieldNamed) {
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi {client.nmae} {x}"})").find("{client.nmae}, {x}"), std::string::npos);
    EXPECT_NE(refusal(R"({"text":"Hi"})").find("'title' is required"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":" ","text":"Hi"})").find("'title' is empty"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","shortcut":"two words"})").find("'shortcut'"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","files":["x"]})").find("'files[0]'"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","queues":["a","a"]})").find("repeats"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","channels":["Web Chat"]})").find("'channels[0]'"), std::string::npos);
    EXPECT_NE(refusal(R"({"title":"T","text":"Hi","catalog_id":0})").find("'catalog_id'"), std::string::npos);
    EXPECT_EQ(refusal(R"({"title":"T","text":"Hi {client.card.city}","shortcut":"/hi","channels":["webchat"]})"),
              "accepted");
}

TEST(ResponseTemplateFields, AppliesToItsQueuesAndChannelsOrEverywhere) {
    ResponseTemplate t = ResponseTemplate::parse(json(R"({"title":"T","text":"Hi","queues":["sales"]})"));
    EXPECT_TRUE(t.appliesTo("sales", "vk"));
    EXPECT_FALSE(t.appliesTo("support", "vk"));
    t.channels = {"email"};
    EXPECT_FALSE(t.appliesTo("sales", "vk"));
    EXPECT_TRUE(t.appliesTo("sales", "email"));
}

TEST(TemplateSearch, EveryWordInAnyCaseAndInflection) {
    const TemplateSearch search({templ(1, "Доставка заказа", "Курьер привезёт заказ за 1-2 дня."),
                                 templ(2, "Оплата", "Оплатить заказ картой можно на сайте."),
                                 templ(3, "Returns", "Orders can be returned within 14 days.")});
    EXPECT_EQ(ids(search.find("ДОСТАВКИ", {}, 10)), std::vector<std::int64_t>{1});
    EXPECT_EQ(ids(search.find("заказом", {}, 10)), (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(ids(search.find("заказ картой", {}, 10)), std::vector<std::int64_t>{2});
    EXPECT_EQ(ids(search.find("привезет", {}, 10)), std::vector<std::int64_t>{1});  // ё written as е
    EXPECT_EQ(ids(search.find("order returns", {}, 10)), std::vector<std::int64_t>{3});
    EXPECT_TRUE(search.find("доставка возврат", {}, 10).empty());
}

TEST(TemplateSearch, TheShortcutFirstThenTheMostUsed) {
    const TemplateSearch search(
        {templ(1, "Hello", "Hello there"), templ(2, "Hello again", "Hello", "/hi"), templ(3, "Bye", "Bye")});
    EXPECT_EQ(ids(search.find("/hi", {}, 10)), std::vector<std::int64_t>{2});
    EXPECT_EQ(ids(search.find("hello", {{1, 3}}, 10)), (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(ids(search.find("", {{3, 5}, {2, 1}}, 2)), (std::vector<std::int64_t>{3, 2}));
}

}  // namespace
}  // namespace omnigate
