#include "model/chat.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>

#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

Poco::JSON::Object::Ptr ChatMember::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("login", login);
    o->set("name", name);
    o->set("last_read_message_id", lastReadId);
    return o;
}

Chat Chat::parse(const Poco::JSON::Object::Ptr& body) {
    routing_fields::refuseUnknown(body, {"name", "members"}, "a chat");
    Chat chat;
    chat.name = routing_fields::checkName(routing_fields::optionalString(body, "name", "name").value_or(""), "name");
    return chat;
}

std::vector<std::string> parseMemberLogins(const Poco::JSON::Object::Ptr& body, bool required) {
    const Poco::JSON::Array::Ptr list = routing_fields::optionalArray(body, "members", "members");
    if (!list) {
        if (required) throw ApiError::badRequest("'members' is required: the logins of the people to add");
        return {};
    }
    if ((required && list->size() == 0) || list->size() > kMaxChatMembersAdded) {
        throw ApiError::badRequest("'members' must name " + std::string(required ? "1" : "0") + " to " +
                                   std::to_string(kMaxChatMembersAdded) + " logins");
    }
    std::vector<std::string> logins;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Poco::Dynamic::Var value = list->get(static_cast<unsigned>(i));
        const std::string field = "members[" + std::to_string(i) + "]";
        if (!value.isString()) throw ApiError::badRequest("'" + field + "' must be a login (a string)");
        const std::string login = value.extract<std::string>();
        if (login.empty() || login.size() > 64) throw ApiError::badRequest("'" + field + "' must be a login");
        const std::string key = Poco::toLower(login);
        if (std::none_of(logins.begin(), logins.end(), [&](const std::string& l) { return Poco::toLower(l) == key; })) {
            logins.push_back(login);
        }
    }
    return logins;
}

namespace {

Poco::JSON::Object::Ptr common(const Chat& chat) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", chat.id);
    o->set("kind", chat.kind);
    o->set("name", chat.name);
    o->set("created_by", chat.createdBy.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(chat.createdBy));
    o->set("created_at", chat.createdAt);
    o->set("member_count", chat.memberCount);
    return o;
}

Poco::JSON::Array::Ptr memberList(const Chat& chat) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const ChatMember& m : chat.members) list->add(m.toJson());
    return list;
}

}  // namespace

Poco::JSON::Object::Ptr Chat::toEventJson() const {
    Poco::JSON::Object::Ptr o = common(*this);
    o->set("members", memberList(*this));
    return o;
}

Poco::JSON::Object::Ptr Chat::toJson(bool withMembers) const {
    Poco::JSON::Object::Ptr o = common(*this);
    o->set("member", member);
    o->set("last_read_message_id", lastReadId);
    o->set("unread", unread);
    o->set("unread_mentions", unreadMentions);
    o->set("last_message", lastMessage ? Poco::Dynamic::Var(lastMessage->toJson()) : Poco::Dynamic::Var());
    if (withMembers) o->set("members", memberList(*this));
    return o;
}

}  // namespace omnigate
