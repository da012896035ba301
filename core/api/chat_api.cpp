#include "api/chat_api.h"

#include <Poco/JSON/Array.h>

#include "api/api_support.h"
#include "api/files_api.h"
#include "auth/roles.h"
#include "store/user_store.h"

namespace omnigate {

namespace {

void refuseQuery(const HttpRequest& request, const std::set<std::string>& known) {
    for (const auto& [name, value] : request.query) {
        if (!known.count(name)) throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
}

// A message id from the query: absent is 0; 400 naming it when it is not a positive number.
std::int64_t queryMessageId(const HttpRequest& request, const std::string& name) {
    const std::optional<std::int64_t> value = api::queryInt(request, name);
    if (value && *value < 1) throw ApiError::badRequest("'" + name + "' must be a message id (a positive number)");
    return value.value_or(0);
}

}  // namespace

ChatApi::ChatApi(WriteBatcher& writer, ConnectionPool& pool, FileStore& files)
    : writer_(writer), pool_(pool), files_(files) {}

void ChatApi::registerRoutes(Router& router) {
    const Access own = Access::signedIn();
    router.add("GET", "/api/v1/chats", own, [this](const HttpRequest& r, const Actor& a) { return list(r, a); });
    router.add("POST", "/api/v1/chats", own, [this](const HttpRequest& r, const Actor& a) { return create(r, a); });
    router.add("GET", "/api/v1/chats/{id}", own, [this](const HttpRequest& r, const Actor& a) { return get(r, a); });
    router.add("POST", "/api/v1/chats/{id}/members", own,
               [this](const HttpRequest& r, const Actor& a) { return addMembers(r, a); });
    router.add("DELETE", "/api/v1/chats/{id}/members/{login}", own,
               [this](const HttpRequest& r, const Actor& a) { return removeMember(r, a); });
    router.add("GET", "/api/v1/chats/{id}/messages", own,
               [this](const HttpRequest& r, const Actor& a) { return messages(r, a); });
    router.add("POST", "/api/v1/chats/{id}/messages", own,
               [this](const HttpRequest& r, const Actor& a) { return post(r, a); });
    router.add("POST", "/api/v1/chats/{id}/read", own,
               [this](const HttpRequest& r, const Actor& a) { return markRead(r, a); });
    router.add("POST", "/api/v1/chats/{id}/files", own,
               [this](const HttpRequest& r, const Actor& a) { return upload(r, a); });
    router.add("GET", "/api/v1/chats/{id}/files/{file}", own,
               [this](const HttpRequest& r, const Actor& a) { return download(r, a); });
    router.add("GET", "/api/v1/chat-people", own, [this](const HttpRequest& r, const Actor&) { return people(r); });
}

ChatReader ChatApi::readerOf(const Actor& actor) {
    const std::optional<User> user = api::readWith<std::optional<User>>(
        pool_, "the user", [&](DbSession& s) { return UserStore(s).findByLogin(actor.user); });
    if (!user || !user->active) {
        throw ApiError(401, "user_inactive", "this user is deactivated or gone; ask a business administrator");
    }
    ChatReader reader;
    reader.userId = user->id;
    reader.login = user->login;
    reader.name = user->displayName;
    reader.operatorId = user->operatorId;
    reader.supervisor = permissionsOf(user->roles).holds(Permission::InteractionsSupervise);
    reader.fileOwner = fileOwner(actor);
    return reader;
}

HttpResponse ChatApi::list(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {"all"});
    const std::string all = request.queryParam("all");
    if (!all.empty() && all != "true" && all != "false") throw ApiError::badRequest("'all' must be true or false");
    const ChatReader reader = readerOf(actor);
    if (all == "true" && !reader.supervisor) {
        throw ApiError(403, "insufficient_permission",
                       "user '" + reader.login + "' reads only their own chats: every group ('all=true') is a "
                       "supervisor's ('interactions:supervise')");
    }
    const auto chats = api::readWith<std::vector<Chat>>(
        pool_, "the chats", [&](DbSession& s) { return ChatStore(s).list(reader, all == "true"); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Chat& c : chats) items->add(c.toJson(false));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("topic", ChatStore::topicOf(reader.userId, reader.operatorId));
    body->set("chats", items);
    return api::jsonResponse(200, body);
}

HttpResponse ChatApi::create(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {});
    const auto body = api::parseBody(request);
    const Chat draft = Chat::parse(body);
    const std::vector<std::string> members = parseMemberLogins(body, false);
    const ChatReader reader = readerOf(actor);
    Chat made;
    writer_.run([&](DbSession& session) { made = ChatStore(session).create(reader, draft, members); });
    return api::jsonResponse(201, made.toJson(true));
}

HttpResponse ChatApi::get(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {});
    const std::int64_t id = api::pathId(request);
    const ChatReader reader = readerOf(actor);
    const Chat chat =
        api::readWith<Chat>(pool_, "the chat", [&](DbSession& s) { return ChatStore(s).find(reader, id); });
    return api::jsonResponse(200, chat.toJson(true));
}

HttpResponse ChatApi::addMembers(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {});
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"members"}, "a chat's new members");
    const std::vector<std::string> members = parseMemberLogins(body, true);
    const ChatReader reader = readerOf(actor);
    Chat changed;
    writer_.run([&](DbSession& session) { changed = ChatStore(session).addMembers(reader, id, members); });
    return api::jsonResponse(200, changed.toJson(true));
}

HttpResponse ChatApi::removeMember(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const std::string login = request.param("login");
    const ChatReader reader = readerOf(actor);
    writer_.run([&](DbSession& session) { ChatStore(session).removeMember(reader, id, login); });
    return api::noContent();
}

HttpResponse ChatApi::messages(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {"before", "after", "limit"});
    const std::int64_t id = api::pathId(request);
    const std::int64_t before = queryMessageId(request, "before");
    const std::int64_t after = queryMessageId(request, "after");
    if (before > 0 && after > 0) throw ApiError::badRequest("'before' and 'after' go one at a time");
    const int limit = static_cast<int>(api::queryLimit(request, 50, 200));
    const ChatReader reader = readerOf(actor);
    const ChatPage page = api::readWith<ChatPage>(
        pool_, "the chat's messages", [&](DbSession& s) { return ChatStore(s).messages(reader, id, before, after, limit); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const ChatMessage& m : page.messages) items->add(m.toJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("messages", items);
    body->set("more", page.more);
    return api::jsonResponse(200, body);
}

HttpResponse ChatApi::post(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {});
    const std::int64_t id = api::pathId(request);
    const ChatMessage::Draft draft = ChatMessage::parse(api::parseBody(request));
    const ChatReader reader = readerOf(actor);
    ChatMessage stored;
    writer_.run([&](DbSession& session) { stored = ChatStore(session).post(reader, id, draft); });
    return api::jsonResponse(201, stored.toJson());
}

HttpResponse ChatApi::markRead(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {});
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"message_id"}, "a read mark");
    const std::int64_t messageId = api::requiredInt(body, "message_id");
    if (messageId < 1) throw ApiError::badRequest("'message_id' must be a message id (a positive number)");
    const ChatReader reader = readerOf(actor);
    ChatReadMark mark;
    writer_.run([&](DbSession& session) { mark = ChatStore(session).markRead(reader, id, messageId); });
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("chat_id", mark.chatId);
    out->set("last_read_message_id", mark.lastReadId);
    out->set("unread", mark.unread);
    out->set("unread_mentions", mark.unreadMentions);
    return api::jsonResponse(200, out);
}

HttpResponse ChatApi::upload(const HttpRequest& request, const Actor& actor) {
    refuseQuery(request, {"name"});
    const std::int64_t id = api::pathId(request);
    const std::string name = request.queryParam("name");
    if (name.empty()) throw ApiError::badRequest("'name' (a query parameter) is required: the file's name");
    const ChatReader reader = readerOf(actor);
    // Only a member uploads for a chat: the file is theirs to attach there and nowhere else yet.
    const bool member =
        api::readWith<bool>(pool_, "the chat", [&](DbSession& s) { return ChatStore(s).isMember(reader, id); });
    if (!member) {
        throw ApiError(403, "not_a_member",
                       "user '" + reader.login + "' is not a member of chat " + std::to_string(id) +
                           ": a supervisor reads every group but writes only in their own");
    }
    const Attachment stored = files_.put(request.body, request.header("content-type"), name, reader.fileOwner, FileUse::Chat);
    return api::jsonResponse(201, toJson(stored));
}

HttpResponse ChatApi::download(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const std::string fileId = request.param("file");
    const ChatReader reader = readerOf(actor);
    const bool carried = api::readWith<bool>(
        pool_, "the chat's files", [&](DbSession& s) { return ChatStore(s).carriesFile(reader, id, fileId); });
    if (!carried) throw ApiError::notFound("chat " + std::to_string(id) + " carries no file '" + fileId.substr(0, 64) + "'");
    return fileDownload(files_, fileId);
}

HttpResponse ChatApi::people(const HttpRequest& request) {
    refuseQuery(request, {});
    const auto list = api::readWith<std::vector<ChatPerson>>(pool_, "the people",
                                                             [&](DbSession& s) { return ChatStore(s).people(); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const ChatPerson& p : list) items->add(p.toJson());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("people", items);
    return api::jsonResponse(200, body);
}

}  // namespace omnigate
