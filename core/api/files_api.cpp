#include "api/files_api.h"

#include <Poco/URI.h>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

FilesApi::FilesApi(FileStore& files) : files_(files) {}

void FilesApi::registerRoutes(Router& router) {
    router.add("POST", "/api/v1/files", Access::scoped(Scope::InteractionsWrite),
               [this](const HttpRequest& r, const Actor& actor) { return upload(r, actor); });
    router.add("GET", "/api/v1/files/{id}", Access::scoped(Scope::InteractionsRead),
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

HttpResponse FilesApi::upload(const HttpRequest& request, const Actor& actor) {
    const std::string name = request.queryParam("name");
    if (name.empty()) throw ApiError::badRequest("'name' (a query parameter) is required: the file's name");
    const std::string type = request.header("content-type");
    const Attachment stored =
        files_.put(request.body, type, name, actor.kind == "admin" ? "api" : actor.kind + ":" + actor.id);
    return api::jsonResponse(201, toJson(stored));
}

HttpResponse FilesApi::download(const HttpRequest& request, const Actor& /*actor*/) {
    const std::string id = request.pathParams.at("id");
    const auto content = files_.get(id);
    if (!content) throw ApiError::notFound("no file " + id);
    HttpResponse response;
    response.contentType = content->meta.mimeType;
    response.body = std::move(content->bytes);
    // The name as the client sent it, percent-encoded (RFC 6266/5987), so any script survives the header.
    std::string encoded;
    Poco::URI::encode(content->meta.name, ";,/?:@&=+#", encoded);
    response.headers.emplace_back("Content-Disposition", "attachment; filename*=UTF-8''" + encoded);
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return response;
}

}  // namespace omnigate
