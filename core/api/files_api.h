// The file store over REST (docs/files.md). An operator or an integration uploads an attachment (the raw body, its
// Content-Type, ?name=) and sends it with a reply; a business administrator uploads a template's file. A download
// is answered to whoever may read a conversation that carries the file, and to its uploader; what only the
// system's messages carry (a call's recording) needs the admin token, as GET /api/v1/recordings/{id} does.
// Managing the store (files:manage): every file with filters and what uses it, its bytes, the store's total
// against its quota, and deleting a file, refused while something uses it unless forced.
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "store/file_store.h"

namespace omnigate {

class FilesApi {
public:
    FilesApi(FileStore& files, WriteBatcher& writer, ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse upload(const HttpRequest& request, const Actor& actor, FileUse fixedUse);
    HttpResponse download(const HttpRequest& request, const Actor& actor);
    HttpResponse list(const HttpRequest& request);
    HttpResponse uses(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request, const Actor& actor);

    FileStore& files_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
};

// {"id", "name", "content_type", "size"}
Poco::JSON::Object::Ptr toJson(const Attachment& file);

// Who an upload by `actor` is recorded as (files.created_by): "api" for the admin token, "<kind>:<id>" otherwise.
std::string fileOwner(const Actor& actor);

// A stored file as a download: its type, its name as an attachment, and no sniffing of a type it does not declare.
// 404 when its bytes are gone.
HttpResponse fileDownload(FileStore& files, const std::string& fileId);

}  // namespace omnigate
