#include "vk_event.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cstring>
#include <limits>

namespace omnigate::vk {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// VK's ids are integers; anything else (a string, a float, a number beyond 64 bits) reads as 0, which every
// caller treats as missing.
std::int64_t intOf(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return 0;
    try {
        const Poco::Dynamic::Var v = o->get(key);
        if (!v.isInteger()) return 0;
        return v.convert<std::int64_t>();
    } catch (const Poco::Exception&) {
        return 0;
    }
}

std::string stringOf(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return {};
    const Poco::Dynamic::Var v = o->get(key);
    return v.isString() ? v.extract<std::string>() : std::string();
}

Object::Ptr objectOf(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return nullptr;
    const Poco::Dynamic::Var v = o->get(key);
    return v.type() == typeid(Object::Ptr) ? v.extract<Object::Ptr>() : nullptr;
}

Array::Ptr arrayOf(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return nullptr;
    const Poco::Dynamic::Var v = o->get(key);
    return v.type() == typeid(Array::Ptr) ? v.extract<Array::Ptr>() : nullptr;
}

std::int64_t required(const Object::Ptr& o, const std::string& key, const std::string& type) {
    const std::int64_t value = intOf(o, key);
    if (value == 0) throw VkParseError("a '" + type + "' event needs an integer object." + key);
    return value;
}

bool isHttpUrl(const std::string& url) {
    return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

std::string mimeOfExtension(std::string ext) {
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const std::pair<const char*, const char*> known[] = {
        {"pdf", "application/pdf"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"png", "image/png"},
        {"gif", "image/gif"},       {"txt", "text/plain"}, {"zip", "application/zip"},
        {"doc", "application/msword"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"xls", "application/vnd.ms-excel"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"ogg", "audio/ogg"},       {"mp3", "audio/mpeg"}, {"mp4", "video/mp4"}};
    for (const auto& [e, mime] : known) {
        if (ext == e) return mime;
    }
    return "application/octet-stream";
}

// The largest of a photo's sizes: by pixels when VK gives them, else by the size letter (s < m < x < y < z < w).
std::string largestPhotoUrl(const Object::Ptr& photo) {
    std::string best;
    std::int64_t bestScore = -1;
    if (const Array::Ptr sizes = arrayOf(photo, "sizes")) {
        for (std::size_t i = 0; i < sizes->size(); ++i) {
            const Object::Ptr size = sizes->getObject(static_cast<unsigned>(i));
            const std::string url = stringOf(size, "url").empty() ? stringOf(size, "src") : stringOf(size, "url");
            if (!isHttpUrl(url)) continue;
            const std::int64_t w = intOf(size, "width"), h = intOf(size, "height");
            std::int64_t score = 0;
            if (w > 0 && h > 0 && w < (1 << 20) && h < (1 << 20)) {
                score = w * h;
            } else {
                static const char order[] = "smpoqrxyzw";
                const std::string type = stringOf(size, "type");
                const char* at = type.size() == 1 ? std::strchr(order, type[0]) : nullptr;
                score = at ? at - order + 1 : 0;
            }
            if (score > bestScore) {
                bestScore = score;
                best = url;
            }
        }
    }
    if (!best.empty()) return best;
    // Before 5.77 a photo listed its sizes as photo_75 … photo_2560.
    for (const char* key : {"photo_2560", "photo_1280", "photo_807", "photo_604", "photo_130", "photo_75"}) {
        const std::string url = stringOf(photo, key);
        if (isHttpUrl(url)) return url;
    }
    return {};
}

void readAttachments(const Object::Ptr& carrier, VkEvent& event) {
    const Array::Ptr attachments = arrayOf(carrier, "attachments");
    if (!attachments) return;
    for (std::size_t i = 0; i < attachments->size() && i < 50; ++i) {
        const Object::Ptr attachment = attachments->getObject(static_cast<unsigned>(i));
        const std::string type = stringOf(attachment, "type");
        if (type.empty()) continue;
        const Object::Ptr body = objectOf(attachment, type);
        const std::string id = std::to_string(intOf(body, "owner_id")) + "_" + std::to_string(intOf(body, "id"));
        VkMedia media;
        media.kind = type;
        if (type == "photo") {
            media.url = largestPhotoUrl(body);
            media.name = "photo" + id + ".jpg";
            media.mimeType = "image/jpeg";
        } else if (type == "doc") {
            media.url = stringOf(body, "url");
            const std::string ext = stringOf(body, "ext");
            std::string title = stringOf(body, "title");
            if (title.empty()) title = "doc" + id;
            if (!ext.empty() && (title.size() <= ext.size() ||
                                 title.compare(title.size() - ext.size(), ext.size(), ext) != 0)) {
                title += "." + ext;
            }
            media.name = title.substr(0, 200);
            media.mimeType = mimeOfExtension(ext);
        } else if (type == "audio_message") {
            media.url = stringOf(body, "link_ogg");
            media.name = "voice" + id + ".ogg";
            media.mimeType = "audio/ogg";
            if (!isHttpUrl(media.url)) {
                media.url = stringOf(body, "link_mp3");
                media.name = "voice" + id + ".mp3";
                media.mimeType = "audio/mpeg";
            }
        }
        if (!media.url.empty() && isHttpUrl(media.url)) {
            event.media.push_back(std::move(media));
        } else {
            event.unsupported.push_back(type.substr(0, 40));
        }
    }
}

// A message object of any API version: 5.80+ has from_id/text, older ones user_id/body.
void readMessage(const Object::Ptr& message, VkEvent& event) {
    if (!message) throw VkParseError("a '" + event.type + "' event needs a message object");
    event.fromId = intOf(message, "from_id");
    if (event.fromId == 0) event.fromId = intOf(message, "user_id");
    event.text = message->has("text") ? stringOf(message, "text") : stringOf(message, "body");
    const std::int64_t id = intOf(message, "id");
    const std::int64_t peer = intOf(message, "peer_id") != 0 ? intOf(message, "peer_id") : event.fromId;
    event.target.kind = VkTarget::Kind::Message;
    if (id > 0) {
        event.target.objectId = id;
    } else {
        // Messages in community chats may come with id 0: the conversation's own numbering is then the key.
        const std::int64_t cmid = intOf(message, "conversation_message_id");
        if (cmid <= 0 || peer == 0) throw VkParseError("a '" + event.type + "' event needs object.message.id");
        event.target.ownerId = peer;
        event.target.objectId = cmid;
        event.target.conversationMessageId = true;
    }
    if (event.fromId == 0) throw VkParseError("a '" + event.type + "' event needs the message's from_id");
    readAttachments(message, event);
}

void readComment(const Object::Ptr& object, VkEvent& event, VkTarget::Kind kind, const char* ownerKey,
                 const char* objectKey) {
    event.target.kind = kind;
    event.target.commentId = required(object, "id", event.type);
    event.target.ownerId = intOf(object, ownerKey);
    if (event.target.ownerId == 0 && kind == VkTarget::Kind::WallComment) {
        event.target.ownerId = intOf(object, "owner_id");
    }
    if (event.target.ownerId == 0) throw VkParseError("a '" + event.type + "' event needs object." + ownerKey);
    event.target.objectId = required(object, objectKey, event.type);
    event.fromId = intOf(object, "from_id");
    event.text = stringOf(object, "text");
    readAttachments(object, event);
}

// Communities are not clients: a comment or post by one (ours, answering, or another) is not an appeal.
void ignoreCommunityAuthors(VkEvent& event) {
    if (event.fromId < 0) {
        event.action = VkEvent::Action::Ignore;
        event.ignoredBecause = event.fromId == -event.groupId ? "written by the community itself"
                                                              : "written by another community";
    } else if (event.fromId == 0) {
        throw VkParseError("a '" + event.type + "' event needs object.from_id");
    }
}

// VK's events nest a few levels deep; a body nested far deeper is an attack on the parser's recursion, refused
// before parsing.
bool nestedTooDeep(const std::string& body) {
    constexpr int limit = 64;
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (inString) {
            if (c == '\\') ++i;
            else if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) return true;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return false;
}

}  // namespace

VkEvent parseVkEvent(const Poco::JSON::Object::Ptr& envelope) {
    if (!envelope) throw VkParseError("the event is not a JSON object");
    VkEvent event;
    event.type = stringOf(envelope, "type");
    if (event.type.empty()) throw VkParseError("the event has no 'type'");
    event.groupId = intOf(envelope, "group_id");
    event.eventId = stringOf(envelope, "event_id");
    event.secret = stringOf(envelope, "secret");
    if (event.type == "confirmation") {
        event.action = VkEvent::Action::Confirmation;
        return event;
    }
    const Object::Ptr object = objectOf(envelope, "object");
    const std::string& type = event.type;
    static const char* const known[] = {"message_new", "message_edit", "message_allow", "message_deny",
                                        "wall_reply_new", "wall_reply_edit", "wall_reply_delete", "wall_post_new",
                                        "board_post_new", "photo_comment_new", "video_comment_new",
                                        "market_comment_new"};
    bool isKnown = false;
    for (const char* k : known) isKnown = isKnown || type == k;
    if (!isKnown) {
        event.action = VkEvent::Action::Ignore;
        event.ignoredBecause = "the event type is not one this channel handles";
        return event;
    }
    if (!object) throw VkParseError("a '" + type + "' event needs an 'object'");

    if (type == "message_new") {
        // 5.103 and later: {message, client_info}; before that the object is the message itself.
        const Object::Ptr message = object->has("message") ? objectOf(object, "message") : object;
        readMessage(message, event);
        event.action = VkEvent::Action::Store;
        if (event.fromId < 0) {
            event.action = VkEvent::Action::Ignore;
            event.ignoredBecause = "sent by a community, not a person";
        }
    } else if (type == "message_edit") {
        readMessage(object->has("message") ? objectOf(object, "message") : object, event);
        event.action = VkEvent::Action::Edit;
    } else if (type == "message_allow" || type == "message_deny") {
        event.fromId = required(object, "user_id", type);
        event.allowed = type == "message_allow";
        event.action = VkEvent::Action::Consent;
    } else if (type == "wall_reply_new" || type == "wall_reply_edit") {
        readComment(object, event, VkTarget::Kind::WallComment, "post_owner_id", "post_id");
        event.action = type == "wall_reply_new" ? VkEvent::Action::Store : VkEvent::Action::Edit;
        if (event.action == VkEvent::Action::Store) ignoreCommunityAuthors(event);
    } else if (type == "wall_reply_delete") {
        event.target.kind = VkTarget::Kind::WallComment;
        event.target.ownerId = required(object, "owner_id", type);
        event.target.objectId = required(object, "post_id", type);
        event.target.commentId = required(object, "id", type);
        event.fromId = intOf(object, "deleter_id");
        event.action = VkEvent::Action::Delete;
    } else if (type == "wall_post_new") {
        event.target.kind = VkTarget::Kind::WallPost;
        event.target.ownerId = required(object, "owner_id", type);
        event.target.objectId = required(object, "id", type);
        event.fromId = intOf(object, "from_id");
        event.text = stringOf(object, "text");
        readAttachments(object, event);
        event.action = VkEvent::Action::Store;
        ignoreCommunityAuthors(event);  // the community's own posts are not appeals
    } else if (type == "board_post_new") {
        readComment(object, event, VkTarget::Kind::BoardComment, "topic_owner_id", "topic_id");
        event.action = VkEvent::Action::Store;
        ignoreCommunityAuthors(event);
    } else if (type == "photo_comment_new") {
        readComment(object, event, VkTarget::Kind::PhotoComment, "photo_owner_id", "photo_id");
        event.action = VkEvent::Action::Store;
        ignoreCommunityAuthors(event);
    } else if (type == "video_comment_new") {
        readComment(object, event, VkTarget::Kind::VideoComment, "video_owner_id", "video_id");
        event.action = VkEvent::Action::Store;
        ignoreCommunityAuthors(event);
    } else if (type == "market_comment_new") {
        readComment(object, event, VkTarget::Kind::MarketComment, "market_owner_id", "item_id");
        event.action = VkEvent::Action::Store;
        ignoreCommunityAuthors(event);
    }
    return event;
}

VkEvent parseVkEvent(const std::string& body) {
    if (nestedTooDeep(body)) throw VkParseError("the body is nested too deeply to be a VK event");
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(body);
    } catch (const Poco::Exception& e) {
        throw VkParseError("the body is not JSON: " + e.message().substr(0, 200));
    }
    if (parsed.type() != typeid(Object::Ptr)) throw VkParseError("the body is not a JSON object");
    return parseVkEvent(parsed.extract<Object::Ptr>());
}

}  // namespace omnigate::vk
