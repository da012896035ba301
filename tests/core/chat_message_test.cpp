// A chat message's body and its @mentions (docs/chat.md): which words name a login, and what a sender may not post.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "model/chat.h"
#include "model/chat_message.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

Poco::JSON::Object::Ptr body(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

// The message of the 400 that `json` earns, or "" when it is taken.
std::string refusal(const std::string& json) {
    try {
        ChatMessage::parse(body(json));
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        return e.what();
    }
    return "";
}

TEST(ChatMessage, MentionsAreLoginsThatStartAWord) {
    using V = std::vector<std::string>;
    EXPECT_EQ(ChatMessage::mentionedLogins("@ivanov, can you stay?"), (V{"ivanov"}));
    EXPECT_EQ(ChatMessage::mentionedLogins("ask @a.petrova. Or @ivanov-2!"), (V{"a.petrova", "ivanov-2"}));
    EXPECT_EQ(ChatMessage::mentionedLogins("(@Ivanov) and @ivanov again"), (V{"Ivanov"})) << "once, in any case";
    EXPECT_EQ(ChatMessage::mentionedLogins("write to anna@example.com"), V{}) << "an address is no mention";
    EXPECT_EQ(ChatMessage::mentionedLogins("@ alone, @@, @."), V{});
    EXPECT_EQ(ChatMessage::mentionedLogins("привет @петров"), V{}) << "logins are Latin";
    EXPECT_EQ(ChatMessage::mentionedLogins("@" + std::string(65, 'x')), V{}) << "longer than any login";
}

TEST(ChatMessage, ABodyNeedsTextOrFilesWithinTheirLimits) {
    EXPECT_EQ(refusal(R"({"text":"  hello  "})"), "");
    EXPECT_EQ(ChatMessage::parse(body(R"({"text":"  hello  "})")).text, "hello");
    const auto files = ChatMessage::parse(body(R"({"attachments":["a","b","a"]})"));
    EXPECT_EQ(files.fileIds, (std::vector<std::string>{"a", "b"})) << "each file once";
    EXPECT_NE(refusal(R"({"text":"   "})").find("this one is empty"), std::string::npos);
    EXPECT_NE(refusal(R"({})").find("this one is empty"), std::string::npos);
    EXPECT_NE(refusal(R"({"text":")" + std::string(4001, 'x') + "\"}").find("'text' is 4001 characters"),
              std::string::npos);
    // 4000 Cyrillic letters are 8000 bytes and still 4000 characters.
    std::string cyrillic;
    for (int i = 0; i < 4000; ++i) cyrillic += "я";
    EXPECT_EQ(refusal(R"({"text":")" + cyrillic + "\"}"), "");
    EXPECT_NE(refusal(R"({"text":"x","attachments":"a"})").find("'attachments' must be a list"), std::string::npos);
    EXPECT_NE(refusal(R"({"text":"x","attachments":[1]})").find("'attachments[0]' must be a file id"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"attachments":["1","2","3","4","5","6","7","8","9","10","11"]})").find("at most 10"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"text":"x","colour":"red"})").find("colour"), std::string::npos);
}

TEST(ChatMessage, AGroupIsNamedAndItsMembersAreLoginsEachOnce) {
    EXPECT_EQ(Chat::parse(body(R"({"name":"  Night shift "})")).name, "Night shift");
    EXPECT_THROW(Chat::parse(body(R"({"name":""})")), ApiError);
    EXPECT_THROW(Chat::parse(body(R"({"name":"x","topic":"y"})")), ApiError);
    EXPECT_EQ(parseMemberLogins(body(R"({"members":["ivanov","Ivanov","petrova"]})"), true),
              (std::vector<std::string>{"ivanov", "petrova"}));
    EXPECT_TRUE(parseMemberLogins(body(R"({"name":"x"})"), false).empty());
    EXPECT_THROW(parseMemberLogins(body(R"({"members":[]})"), true), ApiError);
    EXPECT_THROW(parseMemberLogins(body(R"({"members":[7]})"), true), ApiError);
}

}  // namespace
}  // namespace omnigate
