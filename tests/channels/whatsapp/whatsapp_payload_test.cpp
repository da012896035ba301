// The webhook parser against payloads shaped like Meta's reference (webhooks/reference/messages/*): every inbound
// type becomes readable text plus its media reference, statuses keep their error code and text, and what the
// parser does not know is noted, never thrown, unless the envelope itself is broken.
#include <gtest/gtest.h>

#include "whatsapp_payload.h"

namespace omnigate::whatsapp {
namespace {

const std::string contact = R"({"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"})";

std::string envelope(const std::string& valueFields) {
    return R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{)"
           R"("messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",)"
           R"("phone_number_id":"106540352242922"},)" +
           valueFields + R"(},"field":"messages"}]}]})";
}

std::string inbound(const std::string& type, const std::string& content) {
    return envelope(R"("contacts":[)" + contact + R"(],"messages":[{"from":"16505551234","id":"wamid.)" + type +
                    R"(","timestamp":"1749416383","type":")" + type + "\"," + content + "}]");
}

ParsedMessage only(const std::string& body) {
    const WebhookPayload payload = parseWebhookPayload(body);
    EXPECT_EQ(payload.messages.size(), 1u);
    return payload.messages.empty() ? ParsedMessage{} : payload.messages.front();
}

TEST(WhatsappPayload, TextWithTheSendersProfile) {
    const ParsedMessage m = only(inbound("text", R"("text":{"body":"Does it come in another color?"})"));
    EXPECT_EQ(m.wamid, "wamid.text");
    EXPECT_EQ(m.phone, "16505551234");
    EXPECT_EQ(m.profileName, "Sheena Nelson");
    EXPECT_EQ(m.phoneNumberId, "106540352242922");
    EXPECT_EQ(m.text, "Does it come in another color?");
    EXPECT_EQ(m.timestamp, 1749416383);
    EXPECT_FALSE(m.hasMedia);
}

TEST(WhatsappPayload, ImageWithCaption) {
    const ParsedMessage m = only(inbound("image", R"("image":{"caption":"Broken lid","mime_type":"image/jpeg",)"
                                                  R"("sha256":"abc=","id":"1003383421387256"})"));
    EXPECT_EQ(m.text, "Broken lid");
    ASSERT_TRUE(m.hasMedia);
    EXPECT_EQ(m.media.mediaId, "1003383421387256");
    EXPECT_EQ(m.media.kind, "image");
    EXPECT_EQ(m.media.mimeType, "image/jpeg");
    EXPECT_EQ(m.media.fileName, "whatsapp-image-1003383421387256.jpg");
}

TEST(WhatsappPayload, EveryMediaKindHasALabelWithoutCaption) {
    EXPECT_EQ(only(inbound("audio", R"("audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"x","id":"7","voice":true})")).text,
              "[voice message]");
    EXPECT_EQ(only(inbound("audio", R"("audio":{"mime_type":"audio/mpeg","id":"7"})")).text, "[audio]");
    EXPECT_EQ(only(inbound("video", R"("video":{"mime_type":"video/mp4","id":"8"})")).text, "[video]");
    EXPECT_EQ(only(inbound("sticker", R"("sticker":{"mime_type":"image/webp","sha256":"x","id":"9","animated":false})")).text,
              "[sticker]");
    const ParsedMessage document = only(inbound(
        "document", R"("document":{"filename":"invoice.pdf","mime_type":"application/pdf","sha256":"x","id":"10"})"));
    EXPECT_EQ(document.text, "[document: invoice.pdf]");
    EXPECT_EQ(document.media.fileName, "invoice.pdf");
    EXPECT_EQ(only(inbound("audio", R"("audio":{"mime_type":"audio/ogg; codecs=opus","id":"7"})")).media.fileName,
              "whatsapp-audio-7.ogg");
}

TEST(WhatsappPayload, MediaWithoutAnIdIsKeptAsText) {
    const ParsedMessage m = only(inbound("image", R"("image":{"mime_type":"image/jpeg"})"));
    EXPECT_FALSE(m.hasMedia);
    EXPECT_NE(m.text.find("[photo]"), std::string::npos);
}

TEST(WhatsappPayload, Location) {
    const ParsedMessage m = only(inbound("location", R"("location":{"address":"1 Hacker Way, Menlo Park, CA 94025",)"
                                                     R"("latitude":37.483307,"longitude":-122.148981,)"
                                                     R"("name":"Philz Coffee","url":"https://philzcoffee.com"})"));
    EXPECT_EQ(m.text, "📍 37.483307,-122.148981 Philz Coffee 1 Hacker Way, Menlo Park, CA 94025");
    EXPECT_EQ(only(inbound("location", R"("location":{"latitude":1.5,"longitude":2})")).text, "📍 1.5,2");
}

TEST(WhatsappPayload, ContactsAsNamesAndPhones) {
    const ParsedMessage m = only(inbound("contacts", R"("contacts":[{"name":{"first_name":"Barbara","last_name":"Johnson",)"
                                                     R"("formatted_name":"Barbara J. Johnson"},"phones":[{"phone":"+1 (940) 555-1234",)"
                                                     R"("type":"HOME"},{"phone":"+1 650-555-1234","wa_id":"16505551234"}],)"
                                                     R"("emails":[{"email":"bjohnson@example.com","type":"WORK"}]},)"
                                                     R"({"name":{"first_name":"Ann"}}])"));
    EXPECT_EQ(m.text,
              "👤 Barbara J. Johnson: +1 (940) 555-1234, +1 650-555-1234, bjohnson@example.com\n👤 Ann");
}

TEST(WhatsappPayload, ReactionAndItsRemoval) {
    EXPECT_EQ(only(inbound("reaction", R"("reaction":{"message_id":"wamid.HBgLMTY1","emoji":"👍"})")).text,
              "reacted 👍 to wamid.HBgLMTY1");
    EXPECT_EQ(only(inbound("reaction", R"("reaction":{"message_id":"wamid.HBgLMTY1"})")).text,
              "removed the reaction to wamid.HBgLMTY1");
}

TEST(WhatsappPayload, ButtonAndInteractiveReplies) {
    EXPECT_EQ(only(inbound("button", R"("context":{"from":"15550783881","id":"wamid.ctx"},)"
                                     R"("button":{"payload":"UNSUBSCRIBE","text":"Stop promotions"})")).text,
              "Stop promotions");
    EXPECT_EQ(only(inbound("interactive", R"("interactive":{"type":"button_reply","button_reply":)"
                                          R"({"id":"yes-1","title":"Yes, please"}})")).text,
              "Yes, please");
    EXPECT_EQ(only(inbound("interactive", R"("interactive":{"type":"list_reply","list_reply":{"id":"p2",)"
                                          R"("title":"Priority","description":"Next-day delivery"}})")).text,
              "Priority — Next-day delivery");
    EXPECT_NE(only(inbound("interactive", R"("interactive":{"type":"something_new"})")).text.find("something_new"),
              std::string::npos);
}

TEST(WhatsappPayload, UnsupportedAndUnknownTypesAreKeptWithANote) {
    EXPECT_NE(only(inbound("unsupported", R"("errors":[{"code":131051,"title":"Message type unknown"}])"))
                  .text.find("Message type unknown"),
              std::string::npos);
    EXPECT_NE(only(inbound("order", R"("order":{"catalog_id":"1"})")).text.find("'order'"), std::string::npos);
}

TEST(WhatsappPayload, SystemNoticesAreSkippedWithANote) {
    const WebhookPayload payload = parseWebhookPayload(
        inbound("system", R"("system":{"body":"User changed number","type":"user_changed_number"})"));
    EXPECT_TRUE(payload.messages.empty());
    ASSERT_EQ(payload.notes.size(), 1u);
}

TEST(WhatsappPayload, BusinessScopedUserWithoutPhone) {
    const WebhookPayload payload = parseWebhookPayload(envelope(
        R"("contacts":[{"profile":{"name":"Jo","username":"@jo"},"user_id":"US.13491208655302741918"}],)"
        R"("messages":[{"id":"wamid.bsuid","timestamp":"1","type":"text","text":{"body":"hi"}}])"));
    ASSERT_EQ(payload.messages.size(), 1u);
    EXPECT_EQ(payload.messages[0].phone, "");
    EXPECT_EQ(payload.messages[0].userId, "US.13491208655302741918");
    EXPECT_EQ(payload.messages[0].profileName, "Jo");
    // With both, the phone stays the address and the user id comes along.
    const ParsedMessage both = only(envelope(
        R"("contacts":[{"profile":{"name":"Jo"},"wa_id":"16505551234","user_id":"US.1"}],)"
        R"("messages":[{"from":"16505551234","from_user_id":"US.1","id":"wamid.b","type":"text","text":{"body":"x"}}])"));
    EXPECT_EQ(both.phone, "16505551234");
    EXPECT_EQ(both.userId, "US.1");
}

TEST(WhatsappPayload, MessagesWithoutIdOrSenderAreSkipped) {
    const WebhookPayload payload = parseWebhookPayload(envelope(
        R"("messages":[{"from":"1","type":"text","text":{"body":"no id"}},)"
        R"({"id":"wamid.nosender","type":"text","text":{"body":"no sender"}}, 42,)"
        R"({"from":"2","id":"wamid.ok","type":"text","text":{"body":"fine"}}])"));
    ASSERT_EQ(payload.messages.size(), 1u);
    EXPECT_EQ(payload.messages[0].wamid, "wamid.ok");
    EXPECT_EQ(payload.notes.size(), 3u);
}

TEST(WhatsappPayload, StatusesWithErrors) {
    const WebhookPayload payload = parseWebhookPayload(envelope(
        R"("statuses":[{"id":"wamid.sent1","status":"delivered","timestamp":"1750263773",)"
        R"("recipient_id":"16505551234","pricing":{"billable":true}},)"
        R"({"id":"wamid.sent2","status":"failed","timestamp":"1","recipient_id":"16505551234",)"
        R"("errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",)"
        R"("error_data":{"details":"Message failed to send because more than 24 hours have passed."}}]},)"
        R"({"id":"wamid.sent3","status":"read"},{"id":"wamid.sent4","status":"deleted"}])"));
    ASSERT_EQ(payload.statuses.size(), 3u);
    EXPECT_EQ(payload.statuses[0].status, "delivered");
    EXPECT_EQ(payload.statuses[0].recipient, "16505551234");
    EXPECT_EQ(payload.statuses[1].status, "failed");
    EXPECT_EQ(payload.statuses[1].errorCode, "131047");
    EXPECT_EQ(payload.statuses[1].errorText,
              "Re-engagement message: Message failed to send because more than 24 hours have passed.");
    EXPECT_EQ(payload.statuses[2].status, "read");
    EXPECT_EQ(payload.notes.size(), 1u);  // "deleted" is not tracked
}

TEST(WhatsappPayload, OtherFieldsAndObjectsAreIgnored) {
    EXPECT_TRUE(parseWebhookPayload(R"({"object":"page","entry":[]})").messages.empty());
    const WebhookPayload accountUpdate = parseWebhookPayload(
        R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update",)"
        R"("value":{"event":"VERIFIED_ACCOUNT"}}]}]})");
    EXPECT_TRUE(accountUpdate.messages.empty());
    EXPECT_EQ(accountUpdate.notes.size(), 1u);
    EXPECT_TRUE(parseWebhookPayload("{}").messages.empty());
}

TEST(WhatsappPayload, TemplateReviews) {
    const WebhookPayload payload = parseWebhookPayload(
        R"({"object":"whatsapp_business_account","entry":[{"id":"1","time":1674864290,"changes":[)"
        R"({"field":"message_template_status_update","value":{"event":"REJECTED","message_template_id":12345678,)"
        R"("message_template_name":"order_update","message_template_language":"en_US","reason":"INCORRECT_CATEGORY"}},)"
        R"({"field":"message_template_status_update","value":{"event":"APPROVED","message_template_name":"x"}}]}]})");
    ASSERT_EQ(payload.templateChanges.size(), 1u);
    EXPECT_EQ(payload.templateChanges[0].name, "order_update");
    EXPECT_EQ(payload.templateChanges[0].language, "en_US");
    EXPECT_EQ(payload.templateChanges[0].event, "REJECTED");
    EXPECT_EQ(payload.templateChanges[0].reason, "INCORRECT_CATEGORY");
    EXPECT_EQ(payload.notes.size(), 1u);  // the one without a language
}

TEST(WhatsappPayload, BrokenEnvelopesThrow) {
    for (const std::string& body :
         {std::string(""), std::string("not json"), std::string("[1,2]"), std::string(R"({"entry":)"),
          std::string(R"({"entry":{}})"), std::string(R"({"entry":[1]})"), std::string(R"({"entry":[{"changes":{}}]})"),
          std::string(R"({"entry":[{"changes":[{"field":"messages","value":[]}]}]})")}) {
        EXPECT_THROW(parseWebhookPayload(body), PayloadError) << body;
    }
}

TEST(WhatsappPayload, WrongTypesInsideAreReadDefensively) {
    const WebhookPayload payload = parseWebhookPayload(envelope(
        R"("contacts":"nobody","messages":[{"from":16505551234,"id":"wamid.n","type":"text","text":"plain"},)"
        R"({"from":"1","id":"wamid.l","type":"location","location":{"latitude":"x","longitude":null}},)"
        R"({"from":"1","id":"wamid.c","type":"contacts","contacts":{"a":1}}],"statuses":{"id":1})"));
    ASSERT_EQ(payload.messages.size(), 3u);
    EXPECT_EQ(payload.messages[0].phone, "16505551234");
    EXPECT_EQ(payload.messages[0].text, "[an empty text message]");
    EXPECT_EQ(payload.messages[1].text, "📍");
    EXPECT_NE(payload.messages[2].text.find("👤"), std::string::npos);
}

}  // namespace
}  // namespace omnigate::whatsapp
