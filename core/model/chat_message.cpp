#include "model/chat_message.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>
#include <cctype>

#include "model/routing_fields.h"
#include "model/utf8_text.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

// What a login may hold (users_api.cpp): letters, digits, '_', '.', '@' and '-'.
bool loginCharacter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '@' || c == '-';
}

}  // namespace

Poco::JSON::Object::Ptr ChatPerson::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("login", login);
    o->set("name", name);
    return o;
}

ChatMessage::Draft ChatMessage::parse(const Poco::JSON::Object::Ptr& body) {
    routing_fields::refuseUnknown(body, {"text", "attachments"}, "a chat message");
    Draft draft;
    draft.text = Poco::trim(routing_fields::optionalString(body, "text", "text").value_or(""));
    if (const Poco::JSON::Array::Ptr files = routing_fields::optionalArray(body, "attachments", "attachments")) {
        if (files->size() > kMaxChatAttachments) {
            throw ApiError::badRequest("'attachments' may name at most " + std::to_string(kMaxChatAttachments) +
                                       " files");
        }
        for (std::size_t i = 0; i < files->size(); ++i) {
            const Poco::Dynamic::Var value = files->get(static_cast<unsigned>(i));
            if (!value.isString()) {
                throw ApiError::badRequest("'attachments[" + std::to_string(i) + "]' must be a file id (a string)");
            }
            const std::string id = value.extract<std::string>();
            if (std::find(draft.fileIds.begin(), draft.fileIds.end(), id) == draft.fileIds.end()) {
                draft.fileIds.push_back(id);
            }
        }
    }
    if (draft.text.empty() && draft.fileIds.empty()) {
        throw ApiError::badRequest("a chat message needs 'text' or 'attachments': this one is empty");
    }
    const std::size_t length = utf8Length(draft.text);
    if (length > kMaxChatMessageCharacters) {
        throw ApiError::badRequest("'text' is " + std::to_string(length) + " characters, at most " +
                                   std::to_string(kMaxChatMessageCharacters));
    }
    return draft;
}

std::vector<std::string> ChatMessage::mentionedLogins(const std::string& text) {
    std::vector<std::string> logins;
    for (std::size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
        // "name@example.com" is an address, not a mention: a mention starts a word, and its login starts with a
        // letter, a digit or '_' ("@@" and "@." are punctuation).
        if (at > 0 && loginCharacter(text[at - 1])) continue;
        if (at + 1 >= text.size() ||
            (!std::isalnum(static_cast<unsigned char>(text[at + 1])) && text[at + 1] != '_')) {
            continue;
        }
        std::size_t end = at + 1;
        while (end < text.size() && loginCharacter(text[end])) ++end;
        std::string login = text.substr(at + 1, end - at - 1);
        while (!login.empty() && (login.back() == '.' || login.back() == '-')) login.pop_back();
        if (login.empty() || login.size() > 64) continue;
        const std::string key = Poco::toLower(login);
        if (std::none_of(logins.begin(), logins.end(), [&](const std::string& l) { return Poco::toLower(l) == key; })) {
            logins.push_back(login);
        }
        at = end - 1;
    }
    return logins;
}

Poco::JSON::Object::Ptr ChatMessage::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("chat_id", chatId);
    o->set("author", author.toJson());
    o->set("text", text);
    Poco::JSON::Array::Ptr files = new Poco::JSON::Array;
    for (const Attachment& a : attachments) {
        Poco::JSON::Object::Ptr f = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        f->set("file_id", a.fileId);
        f->set("name", a.name);
        f->set("mime_type", a.mimeType);
        f->set("size", a.size);
        files->add(f);
    }
    o->set("attachments", files);
    Poco::JSON::Array::Ptr mentioned = new Poco::JSON::Array;
    for (const ChatPerson& p : mentions) mentioned->add(p.toJson());
    o->set("mentions", mentioned);
    o->set("created_at", createdAt);
    return o;
}

}  // namespace omnigate
