// What an inbound VK message or comment was written on, and how that is spelled in the external ids and thread
// keys the core stores. The external id carries everything an answer needs (which wall post, which comment), so
// the sender finds where to reply from the stored messages alone, and a provider's retry of the same object always
// maps to the same id (the core de-duplicates on it). Pure: the fuzz target builds it with the event parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace omnigate::vk {

struct VkTarget {
    enum class Kind { Message, WallPost, WallComment, BoardComment, PhotoComment, VideoComment, MarketComment };
    Kind kind = Kind::Message;
    // Message: the peer and the message id (or the conversation_message_id when VK gives no global id).
    // WallPost: the wall's owner and the post. Comments: the owner, the post/topic/photo/video/item, the comment.
    std::int64_t ownerId = 0;
    std::int64_t objectId = 0;
    std::int64_t commentId = 0;
    bool conversationMessageId = false;  // Message only: objectId is a conversation_message_id of peer ownerId

    bool isPublic() const { return kind != Kind::Message; }
};

// "msg:123", "msg:2000000001_c5", "wall_post:-1_45", "wall_comment:-1_45_67", "board_comment:-1_3_9",
// "photo_comment:-1_456_7", "video_comment:-1_456_7", "market_comment:-1_456_7".
std::string externalIdOf(const VkTarget& target);
// Nothing when `externalId` is not one of ours (an outbound id, another channel's, garbage).
std::optional<VkTarget> parseExternalId(const std::string& externalId);
// The interaction's thread: "wall:-1_45", "board:-1_3", "photo:-1_456", "video:-1_456", "market:-1_456"; empty
// for private messages (the core threads those by client).
std::string threadKeyOf(const VkTarget& target);

}  // namespace omnigate::vk
