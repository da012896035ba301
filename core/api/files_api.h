// The file store over REST: an operator or an integration uploads an attachment (the raw body, its Content-Type,
// ?name=) and sends it with a reply; anyone who may read interactions downloads what clients sent.
#pragma once

#include "http/router.h"
#include "store/file_store.h"

namespace omnigate {

class FilesApi {
public:
    explicit FilesApi(FileStore& files);

    void registerRoutes(Router& router);

private:
    HttpResponse upload(const HttpRequest& request, const Actor& actor);
    HttpResponse download(const HttpRequest& request, const Actor& actor);

    FileStore& files_;
};

// {"id", "name", "content_type", "size"}
Poco::JSON::Object::Ptr toJson(const Attachment& file);

}  // namespace omnigate
