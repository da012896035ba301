#include "vk_sender.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <charconv>

#include "vk_answer.h"
#include "vk_inbound.h"

namespace omnigate::vk {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Thrown inside send() for a failure we describe ourselves; becomes a Failed result.
struct SendFailure {
    std::string code;
    std::string text;
};

Object::Ptr asObject(const Poco::Dynamic::Var& v) {
    return v.type() == typeid(Object::Ptr) ? v.extract<Object::Ptr>() : nullptr;
}

std::int64_t asInt(const Poco::Dynamic::Var& v) {
    try {
        return v.isInteger() ? v.convert<std::int64_t>() : 0;
    } catch (const Poco::Exception&) {
        return 0;
    }
}

std::int64_t intField(const Object::Ptr& o, const std::string& key) {
    return o && o->has(key) ? asInt(o->get(key)) : 0;
}

std::string stringField(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return {};
    const Poco::Dynamic::Var v = o->get(key);
    if (v.isString()) return v.extract<std::string>();
    if (v.isInteger()) return std::to_string(asInt(v));
    return {};
}

Object::Ptr uploadedFields(const std::string& body) {
    UploadAnswer answer = parseUploadAnswer(body);
    if (!answer.fields) throw SendFailure{"upload_failed", answer.error};
    return answer.fields;
}

bool sentAsPhoto(const std::string& mimeType) { return mimeType == "image/jpeg" || mimeType == "image/png"; }

// The createComment method that answers `target`, with the parameters that say where; `group` is our community.
std::string commentMethod(const VkTarget& target, const std::string& group, FormParams& params) {
    const std::string owner = std::to_string(target.ownerId);
    const std::string object = std::to_string(target.objectId);
    const std::string comment = std::to_string(target.commentId);
    switch (target.kind) {
        case VkTarget::Kind::WallPost:
        case VkTarget::Kind::WallComment:
            params.insert(params.end(), {{"owner_id", owner}, {"post_id", object}, {"from_group", group}});
            if (target.kind == VkTarget::Kind::WallComment) params.emplace_back("reply_to_comment", comment);
            return "wall.createComment";
        case VkTarget::Kind::BoardComment:
            params.insert(params.end(),
                          {{"group_id", std::to_string(-target.ownerId)}, {"topic_id", object}, {"from_group", "1"}});
            return "board.createComment";
        case VkTarget::Kind::PhotoComment:
            params.insert(params.end(), {{"owner_id", owner}, {"photo_id", object}, {"reply_to_comment", comment},
                                         {"from_group", "1"}});
            return "photos.createComment";
        case VkTarget::Kind::VideoComment:
            params.insert(params.end(), {{"owner_id", owner}, {"video_id", object}, {"reply_to_comment", comment},
                                         {"from_group", "1"}});
            return "video.createComment";
        case VkTarget::Kind::MarketComment:
            params.insert(params.end(), {{"owner_id", owner}, {"item_id", object}, {"reply_to_comment", comment},
                                         {"from_group", "1"}});
            return "market.createComment";
        case VkTarget::Kind::Message: break;
    }
    return {};
}

// What an operator reads for a VK error that failed a message: what happened and what to do.
std::string describe(const VkApiError& e, int retries) {
    switch (e.code()) {
        case vk_errors::noPermissionToWrite:
            return "VK error 901: the client has not allowed messages from the community (" + e.text() +
                   "); answer publicly or wait until they write or allow messages";
        case vk_errors::privacySettings:
            return "VK error 902: the client's privacy settings forbid messages from the community (" + e.text() +
                   "); answer publicly";
        case vk_errors::authorizationFailed:
            return "VK error 5: the community's access token was rejected (" + e.text() +
                   "); the account needs a new access_token";
        case vk_errors::tooManyRequests:
        case vk_errors::flood:
            return "VK error " + std::to_string(e.code()) + " (" + e.text() + ") persisted after " +
                   std::to_string(retries) + " retries";
        default: return e.what();
    }
}

}  // namespace

std::int64_t VkSender::randomIdOf(std::int64_t messageId) {
    // VK reads random_id as a signed 32-bit number; our ids stay below 2^31 for a long time, and wrap after.
    const std::int64_t id = messageId & 0x7fffffff;
    return id == 0 ? 1 : id;
}

std::optional<VkTarget> VkSender::publicTarget(std::int64_t interactionId) {
    if (interactionId <= 0) return std::nullopt;
    const std::vector<StoredMessage> messages = host_.messages(interactionId, 200);
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
        if (it->direction != Direction::Inbound) continue;
        if (const auto target = parseExternalId(it->externalId); target && target->isPublic()) return target;
    }
    return std::nullopt;
}

std::string VkSender::upload(VkAccount& account, const Attachment& attachment, const std::string& bytes,
                             std::int64_t peerId, bool forWall) {
    const VkApi& api = account.api;
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(account.config.requestTimeout);
    const std::string group = std::to_string(account.config.groupId);
    if (sentAsPhoto(attachment.mimeType)) {
        const Object::Ptr server = asObject(
            forWall ? api.callRetrying("photos.getWallUploadServer", {{"group_id", group}}, cancel_)
                : api.callRetrying("photos.getMessagesUploadServer", {{"peer_id", std::to_string(peerId)}},
                                   cancel_));
        const std::string url = stringField(server, "upload_url");
        if (url.empty()) throw SendFailure{"upload_failed", "VK gave no upload_url for a photo"};
        const Object::Ptr uploaded = uploadedFields(
            VkHttp::postFile(url, "photo", bytes, attachment.name, attachment.mimeType, timeout, cancel_));
        FormParams save{{"photo", stringField(uploaded, "photo")},
                        {"server", stringField(uploaded, "server")},
                        {"hash", stringField(uploaded, "hash")}};
        if (forWall) save.emplace_back("group_id", group);
        const Poco::Dynamic::Var saved =
            api.callRetrying(forWall ? "photos.saveWallPhoto" : "photos.saveMessagesPhoto", save, cancel_);
        Object::Ptr photo;
        if (saved.type() == typeid(Array::Ptr) && saved.extract<Array::Ptr>()->size() > 0) {
            photo = saved.extract<Array::Ptr>()->getObject(0);
        }
        if (!photo) throw SendFailure{"upload_failed", "VK saved the photo but named none"};
        std::string id = "photo" + std::to_string(intField(photo, "owner_id")) + "_" +
                         std::to_string(intField(photo, "id"));
        if (const std::string key = stringField(photo, "access_key"); !key.empty()) id += "_" + key;
        return id;
    }
    const Object::Ptr server = asObject(
        forWall ? api.callRetrying("docs.getWallUploadServer", {{"group_id", group}}, cancel_)
                : api.callRetrying("docs.getMessagesUploadServer",
                                   {{"type", "doc"}, {"peer_id", std::to_string(peerId)}}, cancel_));
    const std::string url = stringField(server, "upload_url");
    if (url.empty()) throw SendFailure{"upload_failed", "VK gave no upload_url for a document"};
    const Object::Ptr uploaded =
        uploadedFields(VkHttp::postFile(url, "file", bytes, attachment.name, attachment.mimeType, timeout, cancel_));
    const Object::Ptr saved = asObject(
        api.callRetrying("docs.save", {{"file", stringField(uploaded, "file")}, {"title", attachment.name}}, cancel_));
    const Object::Ptr doc = saved ? saved->getObject("doc") : nullptr;
    if (!doc) throw SendFailure{"upload_failed", "VK saved the document but named none"};
    return "doc" + std::to_string(intField(doc, "owner_id")) + "_" + std::to_string(intField(doc, "id"));
}

std::string VkSender::uploadAll(VkAccount& account, const OutboundMessage& message, std::int64_t peerId,
                                bool forWall) {
    std::string list;
    for (const Attachment& attachment : message.attachments) {
        const std::optional<PluginHost::File> file = host_.readFile(attachment.fileId);
        if (!file) {
            throw SendFailure{"attachment_missing", "the file " + attachment.fileId + " is not in the file store"};
        }
        const Attachment& meta = file->meta.name.empty() ? attachment : file->meta;
        list += (list.empty() ? "" : ",") + upload(account, meta, file->bytes, peerId, forWall);
    }
    return list;
}

// The address of the VK user a message goes to: a vk address is a positive user id.
std::int64_t VkSender::recipientOf(const OutboundMessage& message) {
    std::int64_t userId = 0;
    const std::string& value = message.to.value;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), userId);
    if (message.to.kind != "vk" || ec != std::errc() || end != value.data() + value.size() || userId <= 0) {
        throw SendFailure{"bad_address", "the vk channel reaches VK user ids only, not a '" + message.to.kind +
                                             "' address '" + value + "'"};
    }
    return userId;
}

std::string VkSender::sendPrivately(VkAccount& account, const OutboundMessage& message, std::int64_t userId) {
    if (host_.loadState(VkInbound::consentKey(account.id, userId)).value_or("") == "denied") {
        throw SendFailure{"messages_denied",
                          "the client denied messages from the community (message_deny): answer publicly "
                          "or wait until they allow messages or write again"};
    }
    FormParams params{{"peer_id", message.to.value},
                      {"random_id", std::to_string(message.campaignRecipientId != 0
                                                        ? campaignRandomIdOf(message.campaignRecipientId)
                                                        : randomIdOf(message.messageId))},
                      {"message", message.text}};
    if (const std::string attachments = uploadAll(account, message, userId, false); !attachments.empty()) {
        params.emplace_back("attachment", attachments);
    }
    const Poco::Dynamic::Var answer = account.api.callRetrying("messages.send", params, cancel_);
    return "msg:" + std::to_string(asInt(answer));
}

std::string VkSender::comment(VkAccount& account, const OutboundMessage& message, const VkTarget& target,
                              std::int64_t userId) {
    FormParams params{{"message", message.text}, {"guid", guidOf(message.messageId)}};
    const std::string attachments = uploadAll(account, message, userId, true);
    if (!attachments.empty()) params.emplace_back("attachments", attachments);
    const std::string method = commentMethod(target, std::to_string(account.config.groupId), params);
    const Poco::Dynamic::Var answer = account.api.callRetrying(method, params, cancel_);
    // wall.createComment answers {comment_id}, the others the comment's id itself.
    std::int64_t commentId = asInt(answer);
    if (const Object::Ptr o = asObject(answer)) commentId = intField(o, "comment_id");
    VkTarget ours = target;
    if (ours.kind == VkTarget::Kind::WallPost) ours.kind = VkTarget::Kind::WallComment;
    ours.commentId = commentId;
    return externalIdOf(ours);
}

SendResult VkSender::send(const OutboundMessage& message) {
    SendResult result;
    VkAccount* account = accounts_.find(message.account);
    try {
        if (account == nullptr) {
            throw SendFailure{"unknown_account", "no vk account '" + message.account + "' is configured"};
        }
        const std::int64_t userId = recipientOf(message);
        // The system's own messages (auto-replies, the rating request) are never posted under the client's
        // comment for everyone to read: they go privately unless the caller asked for public explicitly.
        const bool privately = message.visibility == "private" ||
                               (message.visibility.empty() && message.author == AuthorKind::System);
        std::optional<VkTarget> target;
        if (!privately) target = publicTarget(message.interactionId);
        if (message.visibility == "public" && !target) {
            throw SendFailure{"no_public_appeal", "this interaction has no public comment or post to answer publicly"};
        }
        result.externalId = target ? comment(*account, message, *target, userId)
                                   : sendPrivately(*account, message, userId);
        VkAccounts::tokenWorked(host_, *account);
        result.status = DeliveryStatus::Sent;
    } catch (const SendFailure& f) {
        result.status = DeliveryStatus::Failed;
        result.errorCode = f.code;
        result.errorText = f.text;
    } catch (const VkApiError& e) {
        result.status = DeliveryStatus::Failed;
        result.errorCode = std::to_string(e.code());
        // VK's flood control and its "too many requests": the same random_id later is never sent twice.
        result.transient = e.code() == vk_errors::tooManyRequests || e.code() == vk_errors::flood;
        if (e.code() == vk_errors::authorizationFailed) VkAccounts::tokenRejected(host_, *account, e.text());
        result.errorText = describe(e, account->config.sendRetries);
    } catch (const VkTransportError& e) {
        result.status = DeliveryStatus::Failed;
        result.errorCode = "network";
        result.errorText = std::string("VK could not be reached: ") + e.what();
        // Had VK taken it, the same random_id again is dropped by VK: trying later cannot send it twice.
        result.transient = true;
    }
    if (result.status == DeliveryStatus::Failed && account != nullptr) {
        host_.log(LogLevel::Warning, "vk: account '" + account->id + "': message " + std::to_string(message.messageId) +
                                         " failed: " + result.errorCode + " " + result.errorText);
    }
    return result;
}

}  // namespace omnigate::vk
