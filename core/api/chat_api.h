// The internal chat over REST (docs/chat.md): the general chat and groups, their members, messages with files and
// @mentions, history by keyset, unread counts and read marks. Every route is a signed-in user's own: the chat is
// between people, so neither the admin token nor an API token takes part. Members hear what happens on their own
// MQTT subtree (store/chat_store.h).
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "store/chat_store.h"
#include "store/file_store.h"

namespace omnigate {

class ChatApi {
public:
    ChatApi(WriteBatcher& writer, ConnectionPool& pool, FileStore& files);

    void registerRoutes(Router& router);

private:
    // The signed-in user behind `actor`, with whether they may read every group.
    ChatReader readerOf(const Actor& actor);

    HttpResponse list(const HttpRequest& request, const Actor& actor);
    HttpResponse create(const HttpRequest& request, const Actor& actor);
    HttpResponse get(const HttpRequest& request, const Actor& actor);
    HttpResponse addMembers(const HttpRequest& request, const Actor& actor);
    HttpResponse removeMember(const HttpRequest& request, const Actor& actor);
    HttpResponse messages(const HttpRequest& request, const Actor& actor);
    HttpResponse post(const HttpRequest& request, const Actor& actor);
    HttpResponse markRead(const HttpRequest& request, const Actor& actor);
    HttpResponse upload(const HttpRequest& request, const Actor& actor);
    HttpResponse download(const HttpRequest& request, const Actor& actor);
    HttpResponse people(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    FileStore& files_;
};

}  // namespace omnigate
