#include "api/files_api.h"

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/content_disposition.h"

namespace omnigate {

FilesApi::FilesApi(FileStore& files) : files_(files) {}

void FilesApi::registerRoutes(Router& router) {
    router.add("POST", "/api/v1/files", Access::needs(Permission::InteractionsWrite, Ownership::Caller),
               [this](const HttpRequest& r, const Actor& actor) { return upload(r, actor); });
    router.add("GET", "/api/v1/files/{id}", Access::needs(Permission::InteractionsRead, Ownership::Caller),
               [this](const HttpRequest& r, const Actor& actor) { return download(r, actor); });
}

Poco::JSON::Object::Ptr toJson(const Attachment& file) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", file.fileId);
    o->set("name", file.name);
    o->set("content_type", file.mimeType);
    o->set("size", static_cast<std::int64_t>(file.size));
    return o;
}

std::string fileOwner(const Actor& actor) { return actor.kind == "admin" ? "api" : actor.kind + ":" + actor.id; }

HttpResponse FilesApi::upload(const HttpRequest& request, const Actor& actor) {
    const std::string name = request.queryParam("name");
    if (name.empty()) throw ApiError::badRequest("'name' (a query parameter) is required: the file's name");
    const std::string type = request.header("content-type");
    const Attachment stored = files_.put(request.body, type, name, fileOwner(actor));
    return api::jsonResponse(201, toJson(stored));
}

HttpResponse FilesApi::download(const HttpRequest& request, const Actor& actor) {
    const std::string id = request.pathParams.at("id");
    const auto found = files_.record(id);
    // The admin token, operators and supervisors (users admitted here hold interactions:read) read every
    // conversation and its recordings: file ids are unguessable, and an operator is handed them with the
    // interactions they serve. An API token with interactions:read reads every interaction too (the scope has no
    // narrower form), so any file a conversation carries, and its own uploads; a file nobody has sent yet is its
    // uploader's alone, and answered as if it did not exist.
    const bool admin = actor.kind == "admin" || actor.kind == "operator" || actor.kind == "user";
    const bool own = found && found->createdBy == fileOwner(actor);
    if (!found || !(admin || own || found->inMessages)) throw ApiError::notFound("no file " + id);
    if (!admin && !own && !found->inConversation) {
        throw ApiError(403, "forbidden",
                       "file " + id + " is a call recording: it is a supervisor's (interactions:supervise), as "
                           "GET /api/v1/recordings/" + id + " is; no API token is granted it");
    }
    return fileDownload(files_, id);
}

HttpResponse fileDownload(FileStore& files, const std::string& fileId) {
    auto content = files.get(fileId);
    if (!content) throw ApiError::notFound("no file " + fileId);
    HttpResponse response;
    response.contentType = content->meta.mimeType;
    response.body = std::move(content->bytes);
    response.headers.emplace_back("Content-Disposition", contentDisposition("attachment", content->meta.name));
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return response;
}

}  // namespace omnigate
