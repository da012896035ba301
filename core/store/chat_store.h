// The internal chat's SQL (docs/chat.md): chats, members, messages with their files and @mentions, read marks.
// Every change puts its events on the MQTT subtree of each member it concerns, in the same transaction: a member
// who works as an operator hears omnigate/v1/operators/<operator id>/chat (the only subtree their broker account
// reads), any other user omnigate/v1/users/<user id>/chat. Who hears a message is decided by the members as they
// are when it is stored, so a member removed hears nothing more, and nobody's broker account changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/chat.h"

namespace omnigate {

// Who reads or writes: a signed-in user, and whether they may read every group (interactions:supervise).
struct ChatReader {
    std::int64_t userId = 0;
    std::string login;
    std::string name;
    std::string operatorId;
    bool supervisor = false;
    std::string fileOwner;  // who their uploads are recorded as (files.created_by, FilesApi's fileOwner)
};

// The messages of a page, and whether there are more beyond it.
struct ChatPage {
    std::vector<ChatMessage> messages;
    bool more = false;
};

// A reader's place in a chat after they marked it read.
struct ChatReadMark {
    std::int64_t chatId = 0;
    std::int64_t lastReadId = 0;
    std::int64_t unread = 0;
    std::int64_t unreadMentions = 0;
};

class ChatStore {
public:
    explicit ChatStore(DbSession& session) : session_(session) {}

    // The topic the reader's chat events arrive on.
    static std::string topicOf(std::int64_t userId, const std::string& operatorId);

    // The general chat and the reader's groups (`all`: every group, a supervisor's), the latest activity first.
    std::vector<Chat> list(const ChatReader& reader, bool all);
    // One chat with its members; 404 when there is none, 403 when the reader may not read it.
    Chat find(const ChatReader& reader, std::int64_t chatId);
    // A group made by `reader` with them and `logins` as members; 400 naming a login that is no active user.
    Chat create(const ChatReader& reader, const Chat& draft, const std::vector<std::string>& logins);
    // Adds the users; members already in stay as they are. 400 for the general chat or an unknown login, 403 when
    // the reader is neither a member nor a supervisor.
    Chat addMembers(const ChatReader& reader, std::int64_t chatId, const std::vector<std::string>& logins);
    // Removes `login` (the reader themselves: they leave). Removing someone else is the group's creator's or a
    // supervisor's; 404 when `login` is not a member.
    void removeMember(const ChatReader& reader, std::int64_t chatId, const std::string& login);
    // Stores a message from a member and tells every member; 403 when the reader is not one, 400 naming a file that
    // does not exist, 403 naming one they may not attach.
    ChatMessage post(const ChatReader& reader, std::int64_t chatId, const ChatMessage::Draft& draft);
    // Newest first before message `before` (0: from the newest), or oldest first after `after` (catching up).
    ChatPage messages(const ChatReader& reader, std::int64_t chatId, std::int64_t before, std::int64_t after,
                      int limit);
    // Moves the reader's mark up to `messageId` (never back) and tells their other screens.
    ChatReadMark markRead(const ChatReader& reader, std::int64_t chatId, std::int64_t messageId);
    // Whether the reader is a member of the chat (403/404 when they may not even read it).
    bool isMember(const ChatReader& reader, std::int64_t chatId);
    // Whether a message of the chat carries the file, once the reader may read the chat (403/404 otherwise).
    bool carriesFile(const ChatReader& reader, std::int64_t chatId, const std::string& fileId);
    // The active users one can add or @mention: login and name, by name.
    std::vector<ChatPerson> people();

private:
    enum class Lock { None, Share, Update };
    // The chat as the reader may see it (404 when there is none, 403 when they may not read it), with
    // Chat::member set.
    Chat readable(const ChatReader& reader, std::int64_t chatId, Lock lock);
    // The same, 403 unless the reader is a member.
    Chat asMember(const ChatReader& reader, std::int64_t chatId, Lock lock);
    std::vector<ChatMember> membersOf(const Chat& chat);
    std::vector<ChatPerson> resolve(const std::vector<std::string>& logins, const std::string& field);
    ChatReadMark readMark(const ChatReader& reader, std::int64_t chatId);
    std::optional<ChatMessage> lastMessage(std::int64_t chatId);
    // Puts the event on the topics of the chat's active members (and of `also`, members no longer).
    void tellMembers(const Chat& chat, const std::string& type, const Poco::JSON::Object::Ptr& data,
                     const std::vector<std::int64_t>& also = {});

    DbSession& session_;
};

}  // namespace omnigate
