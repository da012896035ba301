// A message of the internal chat (docs/chat.md): text with @mentions of other users and files from the file store.
// The body a sender posts is checked here; who the @mentions name and whether the files may be attached is the
// store's business, inside the transaction that stores the message.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

#include "omnigate/sdk/messages.h"

namespace omnigate {

struct ChatPerson {
    std::int64_t userId = 0;
    std::string login;
    std::string name;

    Poco::JSON::Object::Ptr toJson() const;
};

struct ChatMessage {
    std::int64_t id = 0;
    std::int64_t chatId = 0;
    ChatPerson author;
    std::string text;
    std::vector<Attachment> attachments;
    std::vector<ChatPerson> mentions;
    std::string createdAt;  // ISO 8601

    // What a sender posts: {text, attachments?: [file id…]}, text or files or both.
    struct Draft {
        std::string text;
        std::vector<std::string> fileIds;
    };
    // 400 naming the field: an empty message, a text over kMaxChatMessageCharacters, more than kMaxChatAttachments
    // files or one that is not a file id, a field a message does not have.
    static Draft parse(const Poco::JSON::Object::Ptr& body);

    // The logins the text @mentions, each once, in order: "@ivanov" and "@a.petrova" (a sentence's full stop after
    // one is not part of it). Which of them are users who read the chat the store decides.
    static std::vector<std::string> mentionedLogins(const std::string& text);

    Poco::JSON::Object::Ptr toJson() const;
};

constexpr std::size_t kMaxChatMessageCharacters = 4000;
constexpr std::size_t kMaxChatAttachments = 10;

}  // namespace omnigate
