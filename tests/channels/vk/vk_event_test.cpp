// Every VK event shape the channel reads, from payloads shaped as VK's Callback API documentation shows them:
// what is stored, amended or ignored, under which external id and thread.
#include <gtest/gtest.h>

#include "vk_event.h"

namespace omnigate::vk {
namespace {

using Action = VkEvent::Action;

TEST(VkEvent, Confirmation) {
    const VkEvent e = parseVkEvent(R"({"type":"confirmation","group_id":123})");
    EXPECT_EQ(e.action, Action::Confirmation);
    EXPECT_EQ(e.groupId, 123);
}

TEST(VkEvent, MessageNewOfApi5103) {
    const VkEvent e = parseVkEvent(R"({"group_id":123,"type":"message_new","event_id":"a1b2c3","v":"5.199",
        "secret":"s3cr3t","object":{"message":{"date":1700000000,"from_id":42,"id":77,"out":0,
        "attachments":[],"conversation_message_id":5,"fwd_messages":[],"important":false,"is_hidden":false,
        "peer_id":42,"random_id":0,"text":"Здравствуйте, где мой заказ?"},
        "client_info":{"button_actions":["text"],"keyboard":true,"inline_keyboard":true,"carousel":true,"lang_id":0}}})");
    EXPECT_EQ(e.action, Action::Store);
    EXPECT_EQ(e.eventId, "a1b2c3");
    EXPECT_EQ(e.secret, "s3cr3t");
    EXPECT_EQ(e.fromId, 42);
    EXPECT_EQ(e.text, "Здравствуйте, где мой заказ?");
    EXPECT_EQ(e.externalId(), "msg:77");
    EXPECT_FALSE(e.target.isPublic());
    EXPECT_EQ(threadKeyOf(e.target), "");
}

TEST(VkEvent, MessageNewOfOlderApisIsFlat) {
    const VkEvent flat = parseVkEvent(R"({"type":"message_new","group_id":1,"secret":"x",
        "object":{"id":12,"date":1500000000,"out":0,"user_id":7,"read_state":0,"title":"","body":"old body"}})");
    EXPECT_EQ(flat.action, Action::Store);
    EXPECT_EQ(flat.fromId, 7);
    EXPECT_EQ(flat.text, "old body");
    EXPECT_EQ(flat.externalId(), "msg:12");

    const VkEvent v5 = parseVkEvent(R"({"type":"message_new","group_id":1,
        "object":{"id":13,"date":1550000000,"from_id":8,"peer_id":8,"text":"5.92 text","attachments":[]}})");
    EXPECT_EQ(v5.fromId, 8);
    EXPECT_EQ(v5.text, "5.92 text");
    EXPECT_EQ(v5.externalId(), "msg:13");
}

TEST(VkEvent, ChatMessagesWithoutIdUseTheConversationNumbering) {
    const VkEvent e = parseVkEvent(R"({"type":"message_new","group_id":1,"object":{"message":{"id":0,
        "conversation_message_id":31,"peer_id":2000000004,"from_id":9,"text":"in a chat"}}})");
    EXPECT_EQ(e.externalId(), "msg:2000000004_c31");
    const auto back = parseExternalId(e.externalId());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->conversationMessageId);
    EXPECT_EQ(back->ownerId, 2000000004);
    EXPECT_EQ(back->objectId, 31);
}

TEST(VkEvent, AttachmentsTakeTheLargestPhotoAndNoteWhatCannotBeFetched) {
    const VkEvent e = parseVkEvent(R"({"type":"message_new","group_id":1,"object":{"message":{"id":5,"from_id":3,
        "peer_id":3,"text":"","attachments":[
        {"type":"photo","photo":{"id":456,"owner_id":3,"access_key":"k","sizes":[
            {"type":"s","url":"https://sun.userapi.com/s.jpg","width":75,"height":56},
            {"type":"w","url":"https://sun.userapi.com/w.jpg","width":2560,"height":1920},
            {"type":"x","url":"https://sun.userapi.com/x.jpg","width":604,"height":453}]}},
        {"type":"doc","doc":{"id":9,"owner_id":3,"title":"invoice","size":1000,"ext":"pdf",
            "url":"https://vk.com/doc3_9?hash=h"}},
        {"type":"audio_message","audio_message":{"id":11,"owner_id":3,"duration":4,
            "link_ogg":"https://psv4.userapi.com/v.ogg","link_mp3":"https://psv4.userapi.com/v.mp3"}},
        {"type":"sticker","sticker":{"product_id":1,"sticker_id":2}}]}}})");
    ASSERT_EQ(e.media.size(), 3u);
    EXPECT_EQ(e.media[0].kind, "photo");
    EXPECT_EQ(e.media[0].url, "https://sun.userapi.com/w.jpg");
    EXPECT_EQ(e.media[0].mimeType, "image/jpeg");
    EXPECT_EQ(e.media[1].name, "invoice.pdf");
    EXPECT_EQ(e.media[1].mimeType, "application/pdf");
    EXPECT_EQ(e.media[2].url, "https://psv4.userapi.com/v.ogg");
    EXPECT_EQ(e.media[2].mimeType, "audio/ogg");
    ASSERT_EQ(e.unsupported.size(), 1u);
    EXPECT_EQ(e.unsupported[0], "sticker");
}

TEST(VkEvent, OldPhotoSizesAndUnsafeUrls) {
    const VkEvent e = parseVkEvent(R"({"type":"message_new","group_id":1,"object":{"message":{"id":5,"from_id":3,
        "text":"","attachments":[{"type":"photo","photo":{"id":1,"owner_id":3,"photo_604":"https://a/604.jpg",
        "photo_1280":"https://a/1280.jpg"}},{"type":"doc","doc":{"id":2,"owner_id":3,"url":"file:///etc/passwd"}}]}}})");
    ASSERT_EQ(e.media.size(), 1u);
    EXPECT_EQ(e.media[0].url, "https://a/1280.jpg");
    EXPECT_EQ(e.unsupported, std::vector<std::string>{"doc"});  // never a file:// download
}

TEST(VkEvent, MessageEdit) {
    const VkEvent e = parseVkEvent(R"({"type":"message_edit","group_id":1,"object":{"date":1,"from_id":42,
        "id":77,"out":0,"peer_id":42,"text":"corrected","conversation_message_id":5,"update_time":2}})");
    EXPECT_EQ(e.action, Action::Edit);
    EXPECT_EQ(e.externalId(), "msg:77");
    EXPECT_EQ(e.text, "corrected");
}

TEST(VkEvent, MessageAllowAndDeny) {
    const VkEvent allow = parseVkEvent(R"({"type":"message_allow","group_id":1,"object":{"user_id":42,"key":"k"}})");
    EXPECT_EQ(allow.action, Action::Consent);
    EXPECT_TRUE(allow.allowed);
    EXPECT_EQ(allow.fromId, 42);
    const VkEvent deny = parseVkEvent(R"({"type":"message_deny","group_id":1,"object":{"user_id":42}})");
    EXPECT_EQ(deny.action, Action::Consent);
    EXPECT_FALSE(deny.allowed);
}

TEST(VkEvent, WallReplyNewEditDelete) {
    const VkEvent added = parseVkEvent(R"({"type":"wall_reply_new","group_id":123,"event_id":"e",
        "object":{"id":67,"from_id":42,"date":1,"text":"Почему не работает?","post_owner_id":-123,"post_id":45,
        "parents_stack":[],"thread":{"count":0}}})");
    EXPECT_EQ(added.action, Action::Store);
    EXPECT_EQ(added.externalId(), "wall_comment:-123_45_67");
    EXPECT_EQ(threadKeyOf(added.target), "wall:-123_45");
    EXPECT_TRUE(added.target.isPublic());
    EXPECT_EQ(added.fromId, 42);

    const VkEvent edited = parseVkEvent(R"({"type":"wall_reply_edit","group_id":123,"object":{"id":67,
        "from_id":42,"text":"fixed","post_owner_id":-123,"post_id":45}})");
    EXPECT_EQ(edited.action, Action::Edit);
    EXPECT_EQ(edited.externalId(), added.externalId());

    const VkEvent deleted = parseVkEvent(R"({"type":"wall_reply_delete","group_id":123,
        "object":{"owner_id":-123,"id":67,"deleter_id":42,"post_id":45}})");
    EXPECT_EQ(deleted.action, Action::Delete);
    EXPECT_EQ(deleted.externalId(), added.externalId());
}

TEST(VkEvent, TheCommunitysOwnCommentsAndPostsAreNotAppeals) {
    const VkEvent ours = parseVkEvent(R"({"type":"wall_reply_new","group_id":123,"object":{"id":68,
        "from_id":-123,"text":"our answer","post_owner_id":-123,"post_id":45}})");
    EXPECT_EQ(ours.action, Action::Ignore);
    EXPECT_EQ(ours.ignoredBecause, "written by the community itself");

    const VkEvent ownPost = parseVkEvent(R"({"type":"wall_post_new","group_id":123,"object":{"id":46,
        "owner_id":-123,"from_id":-123,"created_by":5,"date":1,"text":"news","post_type":"post"}})");
    EXPECT_EQ(ownPost.action, Action::Ignore);

    const VkEvent othersPost = parseVkEvent(R"({"type":"wall_post_new","group_id":123,"object":{"id":47,
        "owner_id":-123,"from_id":42,"date":1,"text":"a complaint","post_type":"post","attachments":[]}})");
    EXPECT_EQ(othersPost.action, Action::Store);
    EXPECT_EQ(othersPost.externalId(), "wall_post:-123_47");
    EXPECT_EQ(threadKeyOf(othersPost.target), "wall:-123_47");
}

TEST(VkEvent, BoardPhotoVideoAndMarketComments) {
    const VkEvent board = parseVkEvent(R"({"type":"board_post_new","group_id":123,"object":{"id":9,"from_id":42,
        "date":1,"text":"question in a topic","topic_id":3,"topic_owner_id":-123}})");
    EXPECT_EQ(board.externalId(), "board_comment:-123_3_9");
    EXPECT_EQ(threadKeyOf(board.target), "board:-123_3");

    const VkEvent photo = parseVkEvent(R"({"type":"photo_comment_new","group_id":123,"object":{"id":7,
        "from_id":42,"date":1,"text":"nice","photo_id":456,"photo_owner_id":-123}})");
    EXPECT_EQ(photo.externalId(), "photo_comment:-123_456_7");
    EXPECT_EQ(threadKeyOf(photo.target), "photo:-123_456");

    const VkEvent video = parseVkEvent(R"({"type":"video_comment_new","group_id":123,"object":{"id":8,
        "from_id":42,"date":1,"text":"sound?","video_id":789,"video_owner_id":-123}})");
    EXPECT_EQ(video.externalId(), "video_comment:-123_789_8");

    const VkEvent market = parseVkEvent(R"({"type":"market_comment_new","group_id":123,"object":{"id":6,
        "from_id":42,"date":1,"text":"in stock?","market_owner_id":-123,"item_id":55}})");
    EXPECT_EQ(market.externalId(), "market_comment:-123_55_6");
    EXPECT_EQ(threadKeyOf(market.target), "market:-123_55");
    for (const VkEvent* e : {&board, &photo, &video, &market}) {
        EXPECT_EQ(e->action, Action::Store);
        EXPECT_TRUE(e->target.isPublic());
    }
}

TEST(VkEvent, UnknownTypesAreIgnoredNotRefused) {
    const VkEvent e = parseVkEvent(R"({"type":"group_join","group_id":1,"object":{"user_id":1,"join_type":"join"}})");
    EXPECT_EQ(e.action, Action::Ignore);
    const VkEvent reply = parseVkEvent(R"({"type":"message_reply","group_id":1,"object":{"id":3}})");
    EXPECT_EQ(reply.action, Action::Ignore);
}

TEST(VkEvent, MalformedBodiesAreRefused) {
    for (const char* body : {"", "{", "[1,2]", "\"text\"", "{\"group_id\":1}", "{\"type\":5}",
                             R"({"type":"message_new","group_id":1})",
                             R"({"type":"message_new","group_id":1,"object":{"message":{"text":"no id"}}})",
                             R"({"type":"wall_reply_new","group_id":1,"object":{"id":"1","from_id":2}})",
                             R"({"type":"message_allow","group_id":1,"object":{}})",
                             R"({"type":"message_new","object":{"message":{"id":1e400,"from_id":2}}})"}) {
        EXPECT_THROW(parseVkEvent(std::string(body)), VkParseError) << body;
    }
    EXPECT_THROW(parseVkEvent(std::string(100000, '[')), VkParseError);
    EXPECT_THROW(parseVkEvent(R"({"type":"message_new","object":{"message":{"id":18446744073709551615,"from_id":2}}})"),
                 VkParseError);  // beyond 64 bits reads as missing
}

TEST(VkTarget, ExternalIdsRoundTrip) {
    for (const char* id : {"msg:1", "msg:2000000001_c5", "wall_post:-1_45", "wall_comment:-1_45_67",
                           "board_comment:-1_3_9", "photo_comment:-1_456_7", "video_comment:5_6_7",
                           "market_comment:-1_2_3"}) {
        const auto target = parseExternalId(id);
        ASSERT_TRUE(target) << id;
        EXPECT_EQ(externalIdOf(*target), id);
    }
    for (const char* id : {"", "msg:", "msg:x", "wall_comment:1_2", "wall_comment:1_2_3_4", "vkmsg:1",
                           "wall_post:1_", "msg:1_c", "photo_comment:-_1_2"}) {
        EXPECT_FALSE(parseExternalId(id)) << id;
    }
}

}  // namespace
}  // namespace omnigate::vk
