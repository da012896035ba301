// A chat of the internal chat between staff (product 2.5, docs/chat.md): the general chat, whose members are every
// active user, or a group with the members it was given. Members are users, identified by their login; what one
// reader sees of a chat (their unread counts, the newest message) rides along when a list is answered.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/chat_message.h"

namespace omnigate {

struct ChatMember {
    std::int64_t userId = 0;
    std::string login;
    std::string name;
    std::int64_t lastReadId = 0;  // the last message they read; 0: none

    Poco::JSON::Object::Ptr toJson() const;
};

struct Chat {
    std::int64_t id = 0;
    std::string kind = "group";  // general, group
    std::string name;
    std::string createdBy;       // the login of who made the group; empty for the general chat
    std::int64_t createdById = 0;
    std::string createdAt;       // ISO 8601
    std::int64_t memberCount = 0;
    std::vector<ChatMember> members;  // filled where one chat is answered
    // The reader's view.
    bool member = false;              // false: a supervisor reading a group they are not in
    std::int64_t lastReadId = 0;
    std::int64_t unread = 0;          // messages of others after lastReadId
    std::int64_t unreadMentions = 0;  // of those, the ones that @mention the reader
    std::optional<ChatMessage> lastMessage;

    // The name of POST /api/v1/chats's body {name, members?: [login…]} (parseMemberLogins reads the members); 400
    // naming the field otherwise.
    static Chat parse(const Poco::JSON::Object::Ptr& body);

    // As a list shows it to its reader; `withMembers` adds the members with their read marks.
    Poco::JSON::Object::Ptr toJson(bool withMembers) const;
    // As events carry it to every member alike: without the reader's view, with the members.
    Poco::JSON::Object::Ptr toEventJson() const;
};

// The members a body names: {members: [login…]}, 1 to kMaxChatMembersAdded distinct logins; 400 naming the field.
std::vector<std::string> parseMemberLogins(const Poco::JSON::Object::Ptr& body, bool required);

constexpr std::size_t kMaxChatMembersAdded = 500;

}  // namespace omnigate
