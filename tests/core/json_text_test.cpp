// JsonText, the writer of the online board: what it writes parses back to what was written, whatever the names
// hold (quotes, backslashes, control characters, Cyrillic), with the commas in place in nested containers.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cmath>

#include "model/json_text.h"

namespace omnigate {
namespace {

TEST(JsonText, WritesWhatParsesBackToTheSameValues) {
    const std::string awkward = "Очередь \"VIP\" \\ 1\n\t\x01 end";
    JsonText out;
    out.beginObject();
    out.key("name").value(awkward);
    out.key("count").value(std::int64_t{-12});
    out.key("share").value(0.125);
    out.key("none").value(std::optional<double>());
    out.key("nan").value(std::nan(""));
    out.key("flag").value(true);
    out.key("list").beginArray();
    out.beginObject().key("a").value(1).endObject();
    out.raw(R"({"b":[2,3]})");
    out.beginArray().endArray();
    out.endArray();
    out.key("empty").beginObject().endObject();
    out.endObject();

    const auto parsed = Poco::JSON::Parser().parse(out.str()).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(parsed->getValue<std::string>("name"), awkward);
    EXPECT_EQ(parsed->getValue<std::int64_t>("count"), -12);
    EXPECT_EQ(parsed->getValue<double>("share"), 0.125);
    EXPECT_TRUE(parsed->isNull("none"));
    EXPECT_TRUE(parsed->isNull("nan")) << "JSON has no NaN";
    EXPECT_TRUE(parsed->getValue<bool>("flag"));
    const auto list = parsed->getArray("list");
    ASSERT_EQ(list->size(), 3u) << out.str();
    EXPECT_EQ(list->getObject(0)->getValue<int>("a"), 1);
    EXPECT_EQ(list->getObject(1)->getArray("b")->size(), 2u);
    EXPECT_EQ(list->getArray(2)->size(), 0u);
    EXPECT_EQ(parsed->getObject("empty")->size(), 0u);
    EXPECT_NE(out.str().find("Очередь"), std::string::npos) << "UTF-8 is written as it is";
}

}  // namespace
}  // namespace omnigate
