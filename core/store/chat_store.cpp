#include "store/chat_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/file_store.h"

namespace omnigate {

namespace {

const char* const kChatColumns =
    "SELECT c.id, c.kind, c.name, COALESCE(u.login, ''), COALESCE(c.created_by, 0), "
    "DATE_FORMAT(c.created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "IF(c.kind = 'general', (SELECT COUNT(*) FROM users WHERE active = 1), (SELECT COUNT(*) FROM chat_members cm "
    "JOIN users mu ON mu.id = cm.user_id WHERE cm.chat_id = c.id AND mu.active = 1)), "
    "c.kind = 'general' OR EXISTS (SELECT 1 FROM chat_members cm WHERE cm.chat_id = c.id AND cm.user_id = ?), "
    "COALESCE((SELECT r.last_read_id FROM chat_reads r WHERE r.chat_id = c.id AND r.user_id = ?), 0) "
    "FROM chats c LEFT JOIN users u ON u.id = c.created_by ";

const char* const kMessageColumns =
    "SELECT m.id, m.chat_id, u.id, u.login, u.display_name, m.text, COALESCE(m.attachments, ''), "
    "DATE_FORMAT(m.created_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "(SELECT JSON_ARRAYAGG(JSON_OBJECT('id', mu.id, 'login', mu.login, 'name', mu.display_name)) FROM chat_mentions "
    "cm JOIN users mu ON mu.id = cm.user_id WHERE cm.message_id = m.id) "
    "FROM chat_messages m JOIN users u ON u.id = m.author_id ";

std::string iso(sql::ResultSet& rs, unsigned column) {
    return dbTimeToIso(std::string(rs.getString(column)).substr(0, 23));
}

Chat readChat(sql::ResultSet& rs) {
    Chat chat;
    chat.id = rs.getInt64(1);
    chat.kind = rs.getString(2);
    chat.name = rs.getString(3);
    chat.createdBy = rs.getString(4);
    chat.createdById = rs.getInt64(5);
    chat.createdAt = iso(rs, 6);
    chat.memberCount = rs.getInt64(7);
    chat.member = rs.getBoolean(8);
    chat.lastReadId = rs.getInt64(9);
    return chat;
}

std::string attachmentsToJson(const std::vector<Attachment>& attachments) {
    if (attachments.empty()) return "";
    Poco::JSON::Array list;
    for (const Attachment& a : attachments) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("file_id", a.fileId);
        o->set("name", a.name);
        o->set("mime_type", a.mimeType);
        o->set("size", a.size);
        list.add(o);
    }
    std::ostringstream out;
    list.stringify(out);
    return out.str();
}

ChatMessage readMessage(sql::ResultSet& rs) {
    ChatMessage m;
    m.id = rs.getInt64(1);
    m.chatId = rs.getInt64(2);
    m.author = {rs.getInt64(3), rs.getString(4), rs.getString(5)};
    m.text = rs.getString(6);
    const std::string files = rs.getString(7);
    if (!files.empty()) {
        const auto list = Poco::JSON::Parser().parse(files).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto o = list->getObject(static_cast<unsigned>(i));
            m.attachments.push_back({o->getValue<std::string>("file_id"), o->getValue<std::string>("name"),
                                     o->getValue<std::string>("mime_type"), o->getValue<std::uint64_t>("size")});
        }
    }
    m.createdAt = iso(rs, 8);
    if (!rs.isNull(9)) {
        const auto list = Poco::JSON::Parser().parse(std::string(rs.getString(9))).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto o = list->getObject(static_cast<unsigned>(i));
            m.mentions.push_back({o->getValue<std::int64_t>("id"), o->getValue<std::string>("login"),
                                  o->getValue<std::string>("name")});
        }
    }
    return m;
}

const char* lockClause(int lock) { return lock == 2 ? " FOR UPDATE" : lock == 1 ? " LOCK IN SHARE MODE" : ""; }

}  // namespace

std::string ChatStore::topicOf(std::int64_t userId, const std::string& operatorId) {
    return operatorId.empty() ? "omnigate/v1/users/" + std::to_string(userId) + "/chat"
                              : "omnigate/v1/operators/" + operatorId + "/chat";
}

Chat ChatStore::readable(const ChatReader& reader, std::int64_t chatId, Lock lock) {
    // The chat's row is the lock that orders a message against a change of members: a message stored before a
    // removal reaches the one removed, one stored after it does not.
    sql::PreparedStatement& q = session_.prepare(std::string(kChatColumns) + "WHERE c.id = ?" +
                                                 lockClause(static_cast<int>(lock)));
    q.setInt64(1, reader.userId);
    q.setInt64(2, reader.userId);
    q.setInt64(3, chatId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) throw ApiError::notFound("no chat " + std::to_string(chatId));
    Chat chat = readChat(*rs);
    if (!chat.member && !reader.supervisor) {
        throw ApiError(403, "not_a_member",
                       "user '" + reader.login + "' is not a member of chat " + std::to_string(chatId) +
                           "; a group is read by its members and by supervisors");
    }
    return chat;
}

Chat ChatStore::asMember(const ChatReader& reader, std::int64_t chatId, Lock lock) {
    Chat chat = readable(reader, chatId, lock);
    if (!chat.member) {
        throw ApiError(403, "not_a_member",
                       "user '" + reader.login + "' is not a member of chat " + std::to_string(chatId) +
                           ": a supervisor reads every group but writes only in their own");
    }
    return chat;
}

std::vector<ChatMember> ChatStore::membersOf(const Chat& chat) {
    sql::PreparedStatement& q = session_.prepare(
        chat.kind == "general"
            ? "SELECT u.id, u.login, u.display_name, COALESCE(r.last_read_id, 0) FROM users u LEFT JOIN chat_reads r "
              "ON r.chat_id = ? AND r.user_id = u.id WHERE u.active = 1 ORDER BY u.display_name, u.id"
            : "SELECT u.id, u.login, u.display_name, COALESCE(r.last_read_id, 0) FROM chat_members m JOIN users u ON "
              "u.id = m.user_id LEFT JOIN chat_reads r ON r.chat_id = m.chat_id AND r.user_id = m.user_id WHERE "
              "m.chat_id = ? AND u.active = 1 ORDER BY u.display_name, u.id");
    q.setInt64(1, chat.id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<ChatMember> out;
    while (rs->next()) out.push_back({rs->getInt64(1), rs->getString(2), rs->getString(3), rs->getInt64(4)});
    return out;
}

std::vector<ChatPerson> ChatStore::resolve(const std::vector<std::string>& logins, const std::string& field) {
    std::vector<ChatPerson> people;
    sql::PreparedStatement& q =
        session_.prepare("SELECT id, login, display_name FROM users WHERE login = ? AND active = 1");
    for (const std::string& login : logins) {
        q.setString(1, login);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) throw ApiError::badRequest("'" + field + "': there is no active user '" + login + "'");
        people.push_back({rs->getInt64(1), rs->getString(2), rs->getString(3)});
    }
    return people;
}

ChatReadMark ChatStore::readMark(const ChatReader& reader, std::int64_t chatId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT r.last_read_id, (SELECT COUNT(*) FROM chat_messages m WHERE m.chat_id = ? AND m.id > r.last_read_id "
        "AND m.author_id <> ?), (SELECT COUNT(*) FROM chat_mentions n WHERE n.user_id = ? AND n.chat_id = ? AND "
        "n.message_id > r.last_read_id) FROM (SELECT COALESCE((SELECT last_read_id FROM chat_reads WHERE chat_id = ? "
        "AND user_id = ?), 0) AS last_read_id) r");
    q.setInt64(1, chatId);
    q.setInt64(2, reader.userId);
    q.setInt64(3, reader.userId);
    q.setInt64(4, chatId);
    q.setInt64(5, chatId);
    q.setInt64(6, reader.userId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    rs->next();
    return {chatId, rs->getInt64(1), rs->getInt64(2), rs->getInt64(3)};
}

std::optional<ChatMessage> ChatStore::lastMessage(std::int64_t chatId) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kMessageColumns) + "WHERE m.chat_id = ? ORDER BY m.id DESC LIMIT 1");
    q.setInt64(1, chatId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readMessage(*rs);
}

std::vector<Chat> ChatStore::list(const ChatReader& reader, bool all) {
    sql::PreparedStatement& q = session_.prepare(
        std::string(kChatColumns) +
        "WHERE c.kind = 'general' OR ? = 1 OR EXISTS (SELECT 1 FROM chat_members cm WHERE cm.chat_id = c.id AND "
        "cm.user_id = ?)");
    q.setInt64(1, reader.userId);
    q.setInt64(2, reader.userId);
    q.setInt(3, all ? 1 : 0);
    q.setInt64(4, reader.userId);
    std::vector<Chat> chats;
    {
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        while (rs->next()) chats.push_back(readChat(*rs));
    }
    for (Chat& chat : chats) {
        if (chat.member) {
            const ChatReadMark mark = readMark(reader, chat.id);
            chat.unread = mark.unread;
            chat.unreadMentions = mark.unreadMentions;
        }
        chat.lastMessage = lastMessage(chat.id);
    }
    // The latest activity first: a chat's last message, or its making when it has none.
    const auto activity = [](const Chat& c) { return c.lastMessage ? c.lastMessage->createdAt : c.createdAt; };
    std::stable_sort(chats.begin(), chats.end(), [&](const Chat& a, const Chat& b) {
        return activity(a) != activity(b) ? activity(a) > activity(b) : a.id > b.id;
    });
    return chats;
}

Chat ChatStore::find(const ChatReader& reader, std::int64_t chatId) {
    Chat chat = readable(reader, chatId, Lock::None);
    chat.members = membersOf(chat);
    if (chat.member) {
        const ChatReadMark mark = readMark(reader, chat.id);
        chat.unread = mark.unread;
        chat.unreadMentions = mark.unreadMentions;
    }
    chat.lastMessage = lastMessage(chat.id);
    return chat;
}

Chat ChatStore::create(const ChatReader& reader, const Chat& draft, const std::vector<std::string>& logins) {
    const std::vector<ChatPerson> others = resolve(logins, "members");
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO chats (kind, name, created_by, created_at) VALUES ('group', ?, ?, ?) RETURNING id");
    insert.setString(1, draft.name);
    insert.setInt64(2, reader.userId);
    insert.setString(3, now);
    const std::int64_t id = DbSession::insertReturningId(insert);
    sql::PreparedStatement& member =
        session_.prepare("INSERT IGNORE INTO chat_members (chat_id, user_id, added_at) VALUES (?, ?, ?)");
    member.setInt64(1, id);
    member.setString(3, now);
    member.setInt64(2, reader.userId);
    member.executeUpdate();
    for (const ChatPerson& p : others) {
        member.setInt64(2, p.userId);
        member.executeUpdate();
    }
    Chat chat = find(reader, id);
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("chat", chat.toEventJson());
    data->set("by", reader.login);
    tellMembers(chat, "chat.created", data);
    return chat;
}

Chat ChatStore::addMembers(const ChatReader& reader, std::int64_t chatId, const std::vector<std::string>& logins) {
    const Chat chat = readable(reader, chatId, Lock::Update);
    if (chat.kind == "general") {
        throw ApiError::badRequest("chat " + std::to_string(chatId) + " is the general chat: every active user is "
                                   "its member, and nobody is added to it");
    }
    if (!chat.member && !reader.supervisor) {
        throw ApiError(403, "not_a_member", "user '" + reader.login + "' is not a member of chat " +
                                                std::to_string(chatId) + ": members and supervisors add people");
    }
    const std::vector<ChatPerson> people = resolve(logins, "members");
    const std::string now = nowDbTime();
    sql::PreparedStatement& member =
        session_.prepare("INSERT IGNORE INTO chat_members (chat_id, user_id, added_at) VALUES (?, ?, ?)");
    // A newcomer reads the history, but what was said before they came is not unread for them.
    sql::PreparedStatement& mark = session_.prepare(
        "INSERT INTO chat_reads (chat_id, user_id, last_read_id, read_at) SELECT ?, ?, COALESCE(MAX(id), 0), ? FROM "
        "chat_messages WHERE chat_id = ? ON DUPLICATE KEY UPDATE last_read_id = GREATEST(chat_reads.last_read_id, "
        "VALUES(last_read_id)), read_at = VALUES(read_at)");
    Poco::JSON::Array::Ptr added = new Poco::JSON::Array;
    for (const ChatPerson& p : people) {
        member.setInt64(1, chatId);
        member.setInt64(2, p.userId);
        member.setString(3, now);
        if (member.executeUpdate() == 0) continue;
        mark.setInt64(1, chatId);
        mark.setInt64(2, p.userId);
        mark.setString(3, now);
        mark.setInt64(4, chatId);
        mark.executeUpdate();
        added->add(p.toJson());
    }
    Chat changed = find(reader, chatId);
    if (added->size() > 0) {
        Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        data->set("chat", changed.toEventJson());
        data->set("members", added);
        data->set("by", reader.login);
        tellMembers(changed, "chat.members_added", data);
    }
    return changed;
}

void ChatStore::removeMember(const ChatReader& reader, std::int64_t chatId, const std::string& login) {
    const Chat chat = readable(reader, chatId, Lock::Update);
    if (chat.kind == "general") {
        throw ApiError::badRequest("chat " + std::to_string(chatId) + " is the general chat: every active user is "
                                   "its member, and nobody leaves it or is removed");
    }
    sql::PreparedStatement& who = session_.prepare(
        "SELECT u.id, u.login, u.display_name FROM chat_members m JOIN users u ON u.id = m.user_id WHERE "
        "m.chat_id = ? AND u.login = ?");
    who.setInt64(1, chatId);
    who.setString(2, login);
    std::unique_ptr<sql::ResultSet> rs(who.executeQuery());
    if (!rs->next()) {
        throw ApiError::notFound("'" + login + "' is not a member of chat " + std::to_string(chatId));
    }
    const ChatPerson removed{rs->getInt64(1), rs->getString(2), rs->getString(3)};
    const bool creator = chat.member && chat.createdById == reader.userId;
    if (removed.userId != reader.userId && !creator && !reader.supervisor) {
        throw ApiError(403, "forbidden",
                       "only the group's creator" + (chat.createdBy.empty() ? "" : " (" + chat.createdBy + ")") +
                           " or a supervisor removes others from chat " + std::to_string(chatId) +
                           "; anyone may leave it");
    }
    sql::PreparedStatement& remove = session_.prepare("DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?");
    remove.setInt64(1, chatId);
    remove.setInt64(2, removed.userId);
    remove.executeUpdate();
    Chat changed = chat;
    changed.members = membersOf(chat);
    changed.memberCount = static_cast<std::int64_t>(changed.members.size());
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    data->set("chat", changed.toEventJson());
    Poco::JSON::Array::Ptr gone = new Poco::JSON::Array;
    gone->add(removed.toJson());
    data->set("members", gone);
    data->set("by", reader.login);
    // The one removed hears it too, and nothing after it.
    tellMembers(changed, "chat.members_removed", data, {removed.userId});
}

ChatMessage ChatStore::post(const ChatReader& reader, std::int64_t chatId, const ChatMessage::Draft& draft) {
    const Chat chat = asMember(reader, chatId, Lock::Share);
    ChatMessage message;
    message.chatId = chatId;
    message.author = {reader.userId, reader.login, reader.name};
    message.text = draft.text;
    sql::PreparedStatement& file = session_.prepare(
        "SELECT file_name, content_type, size, created_by, EXISTS (SELECT 1 FROM chat_message_files c WHERE "
        "c.file_id = f.id AND c.chat_id = ?) FROM files f WHERE f.id = ? AND f.deleted_at IS NULL LOCK IN SHARE MODE");
    for (std::size_t i = 0; i < draft.fileIds.size(); ++i) {
        const std::string& id = draft.fileIds[i];
        const std::string field = "attachments[" + std::to_string(i) + "]";
        std::unique_ptr<sql::ResultSet> rs;
        if (isFileId(id)) {
            file.setInt64(1, chatId);
            file.setString(2, id);
            rs.reset(file.executeQuery());
        }
        if (!rs || !rs->next()) throw ApiError::badRequest("'" + field + "': no file '" + id.substr(0, 64) + "'");
        // Only what the sender uploaded, or what this chat already carries: a file id seen elsewhere (a client's
        // document, another chat's file) must not leave through someone else's message.
        if (rs->getString(4) != reader.fileOwner && !rs->getBoolean(5)) {
            throw ApiError(403, "forbidden",
                           "'" + field + "': file '" + id + "' was uploaded by someone else and is not in chat " +
                               std::to_string(chatId) + "; upload it yourself (POST /api/v1/chats/" +
                               std::to_string(chatId) + "/files)");
        }
        message.attachments.push_back(
            {id, rs->getString(1), rs->getString(2), static_cast<std::uint64_t>(rs->getInt64(3))});
    }
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO chat_messages (chat_id, author_id, text, attachments, created_at) VALUES (?, ?, ?, "
        "NULLIF(?, ''), ?) RETURNING id");
    insert.setInt64(1, chatId);
    insert.setInt64(2, reader.userId);
    insert.setString(3, message.text);
    insert.setString(4, attachmentsToJson(message.attachments));
    insert.setString(5, now);
    message.id = DbSession::insertReturningId(insert);
    message.createdAt = dbTimeToIso(now);
    sql::PreparedStatement& link =
        session_.prepare("INSERT IGNORE INTO chat_message_files (file_id, message_id, chat_id) VALUES (?, ?, ?)");
    for (const Attachment& a : message.attachments) {
        link.setString(1, a.fileId);
        link.setInt64(2, message.id);
        link.setInt64(3, chatId);
        link.executeUpdate();
    }
    // An @word names someone only when it is the login of a user who reads the chat; anything else stays text.
    sql::PreparedStatement& mentioned = session_.prepare(
        "SELECT u.id, u.login, u.display_name FROM users u WHERE u.login = ? AND u.active = 1 AND (? = 1 OR EXISTS "
        "(SELECT 1 FROM chat_members m WHERE m.chat_id = ? AND m.user_id = u.id))");
    sql::PreparedStatement& mention =
        session_.prepare("INSERT IGNORE INTO chat_mentions (message_id, user_id, chat_id) VALUES (?, ?, ?)");
    for (const std::string& login : ChatMessage::mentionedLogins(message.text)) {
        mentioned.setString(1, login);
        mentioned.setInt(2, chat.kind == "general" ? 1 : 0);
        mentioned.setInt64(3, chatId);
        std::unique_ptr<sql::ResultSet> rs(mentioned.executeQuery());
        if (!rs->next()) continue;
        const ChatPerson person{rs->getInt64(1), rs->getString(2), rs->getString(3)};
        if (std::any_of(message.mentions.begin(), message.mentions.end(),
                        [&](const ChatPerson& p) { return p.userId == person.userId; })) {
            continue;
        }
        mention.setInt64(1, message.id);
        mention.setInt64(2, person.userId);
        mention.setInt64(3, chatId);
        mention.executeUpdate();
        message.mentions.push_back(person);
    }
    // What one writes one has read.
    sql::PreparedStatement& mark = session_.prepare(
        "INSERT INTO chat_reads (chat_id, user_id, last_read_id, read_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY "
        "UPDATE last_read_id = GREATEST(last_read_id, VALUES(last_read_id)), read_at = VALUES(read_at)");
    mark.setInt64(1, chatId);
    mark.setInt64(2, reader.userId);
    mark.setInt64(3, message.id);
    mark.setString(4, now);
    mark.executeUpdate();
    tellMembers(chat, "chat.message.created", message.toJson());
    return message;
}

ChatPage ChatStore::messages(const ChatReader& reader, std::int64_t chatId, std::int64_t before, std::int64_t after,
                             int limit) {
    readable(reader, chatId, Lock::None);
    // One more than asked tells whether there are more.
    sql::PreparedStatement& q = session_.prepare(
        std::string(kMessageColumns) +
        (after > 0 ? "WHERE m.chat_id = ? AND m.id > ? ORDER BY m.id ASC LIMIT ?"
                   : "WHERE m.chat_id = ? AND (? = 0 OR m.id < ?) ORDER BY m.id DESC LIMIT ?"));
    q.setInt64(1, chatId);
    if (after > 0) {
        q.setInt64(2, after);
        q.setInt(3, limit + 1);
    } else {
        q.setInt64(2, before);
        q.setInt64(3, before);
        q.setInt(4, limit + 1);
    }
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    ChatPage page;
    while (rs->next()) page.messages.push_back(readMessage(*rs));
    if (page.messages.size() > static_cast<std::size_t>(limit)) {
        page.messages.pop_back();
        page.more = true;
    }
    return page;
}

ChatReadMark ChatStore::markRead(const ChatReader& reader, std::int64_t chatId, std::int64_t messageId) {
    asMember(reader, chatId, Lock::None);
    sql::PreparedStatement& exists = session_.prepare("SELECT 1 FROM chat_messages WHERE id = ? AND chat_id = ?");
    exists.setInt64(1, messageId);
    exists.setInt64(2, chatId);
    if (!std::unique_ptr<sql::ResultSet>(exists.executeQuery())->next()) {
        throw ApiError::badRequest("'message_id': chat " + std::to_string(chatId) + " has no message " +
                                   std::to_string(messageId));
    }
    sql::PreparedStatement& mark = session_.prepare(
        "INSERT INTO chat_reads (chat_id, user_id, last_read_id, read_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY "
        "UPDATE read_at = IF(VALUES(last_read_id) > last_read_id, VALUES(read_at), read_at), "
        "last_read_id = GREATEST(last_read_id, VALUES(last_read_id))");
    mark.setInt64(1, chatId);
    mark.setInt64(2, reader.userId);
    mark.setInt64(3, messageId);
    mark.setString(4, nowDbTime());
    const bool moved = mark.executeUpdate() > 0;
    const ChatReadMark now = readMark(reader, chatId);
    if (moved) {
        // Their other screens update the chat's unread figures.
        Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        data->set("chat_id", chatId);
        data->set("last_read_message_id", now.lastReadId);
        data->set("unread", now.unread);
        data->set("unread_mentions", now.unreadMentions);
        appendEvent(session_, topicOf(reader.userId, reader.operatorId), "chat.read", data);
    }
    return now;
}

bool ChatStore::isMember(const ChatReader& reader, std::int64_t chatId) {
    return readable(reader, chatId, Lock::None).member;
}

bool ChatStore::carriesFile(const ChatReader& reader, std::int64_t chatId, const std::string& fileId) {
    readable(reader, chatId, Lock::None);
    if (!isFileId(fileId)) return false;
    sql::PreparedStatement& q =
        session_.prepare("SELECT 1 FROM chat_message_files WHERE chat_id = ? AND file_id = ? LIMIT 1");
    q.setInt64(1, chatId);
    q.setString(2, fileId);
    return std::unique_ptr<sql::ResultSet>(q.executeQuery())->next();
}

std::vector<ChatPerson> ChatStore::people() {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT id, login, display_name FROM users WHERE active = 1 ORDER BY display_name, login");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<ChatPerson> out;
    while (rs->next()) out.push_back({rs->getInt64(1), rs->getString(2), rs->getString(3)});
    return out;
}

void ChatStore::tellMembers(const Chat& chat, const std::string& type, const Poco::JSON::Object::Ptr& data,
                            const std::vector<std::int64_t>& also) {
    // A locking read: the members as they are now, not as this transaction's snapshot saw them.
    const bool general = chat.kind == "general";
    sql::PreparedStatement& q = session_.prepare(
        general ? "SELECT id, COALESCE(operator_id, '') FROM users WHERE active = 1"
                : "SELECT u.id, COALESCE(u.operator_id, '') FROM chat_members m JOIN users u ON u.id = m.user_id WHERE "
                  "m.chat_id = ? AND u.active = 1 LOCK IN SHARE MODE");
    if (!general) q.setInt64(1, chat.id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    while (rs->next()) appendEvent(session_, topicOf(rs->getInt64(1), rs->getString(2)), type, data);
    sql::PreparedStatement& one = session_.prepare("SELECT COALESCE(operator_id, '') FROM users WHERE id = ?");
    for (const std::int64_t userId : also) {
        one.setInt64(1, userId);
        std::unique_ptr<sql::ResultSet> user(one.executeQuery());
        if (user->next()) appendEvent(session_, topicOf(userId, user->getString(1)), type, data);
    }
}

}  // namespace omnigate
