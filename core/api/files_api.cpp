#include "api/files_api.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

#include "api/api_support.h"
#include "api/audit_trail.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/content_disposition.h"
#include "store/file_catalog.h"

namespace omnigate {

namespace {

void refuseUnknownQuery(const HttpRequest& request, const std::set<std::string>& known) {
    for (const auto& [name, value] : request.query) {
        if (known.count(name) == 0) throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
}

std::optional<bool> yesNo(const HttpRequest& request, const std::string& name) {
    const std::string text = request.queryParam(name);
    if (text.empty()) return std::nullopt;
    if (text == "yes" || text == "true") return true;
    if (text == "no" || text == "false") return false;
    throw ApiError::badRequest("'" + name + "' must be yes or no");
}

std::optional<std::int64_t> sizeParam(const HttpRequest& request, const std::string& name) {
    const auto value = api::queryInt(request, name);
    if (value && *value < 0) throw ApiError::badRequest("'" + name + "' must not be negative");
    return value;
}

// The list's keyset cursor: the last entry's creation time (as the database keeps it) and id, as text that only
// needs checking, not decoding.
std::string encodeFileCursor(const FileEntry& last) {
    std::string time = last.createdAt;
    std::replace(time.begin(), time.end(), ' ', 'T');
    return time + "_" + last.id;
}

void decodeFileCursor(const std::string& cursor, FileFilter& filter) {
    const auto cut = cursor.find('_');
    // "2026-12-07T20:30:00.123000_<id>"
    const bool shaped = cut == 26 && isFileId(cursor.substr(cut + 1)) && cursor[10] == 'T' &&
                        cursor.substr(0, cut).find_first_not_of("0123456789-:.T") == std::string::npos;
    if (!shaped) throw ApiError::badRequest("'cursor' is not one this list gave");
    filter.afterCreatedAt = cursor.substr(0, cut);
    filter.afterCreatedAt[10] = ' ';
    filter.afterId = cursor.substr(cut + 1);
}

}  // namespace

FilesApi::FilesApi(FileStore& files, WriteBatcher& writer, ConnectionPool& pool)
    : files_(files), writer_(writer), pool_(pool) {}

void FilesApi::registerRoutes(Router& router) {
    router.add("POST", "/api/v1/files", Access::needs(Permission::InteractionsWrite, Ownership::Caller),
               [this](const HttpRequest& r, const Actor& actor) { return upload(r, actor, FileUse::Attachment); });
    router.add("POST", "/api/v1/template-files", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor& actor) { return upload(r, actor, FileUse::Template); });
    router.add("GET", "/api/v1/files/{id}", Access::needs(Permission::InteractionsRead, Ownership::Caller),
               [this](const HttpRequest& r, const Actor& actor) { return download(r, actor); });
    router.add("GET", "/api/v1/files", Access::needs(Permission::FilesManage),
               [this](const HttpRequest& r, const Actor&) { return list(r); });
    router.add("GET", "/api/v1/files/{id}/uses", Access::needs(Permission::FilesManage),
               [this](const HttpRequest& r, const Actor&) { return uses(r); });
    // The manager of the store looks into a file before deleting it: any file, whoever may read its conversation
    // (never one in quarantine, nor one deleted).
    router.add("GET", "/api/v1/files/{id}/content", Access::needs(Permission::FilesManage),
               [this](const HttpRequest& r, const Actor&) { return fileDownload(files_, r.pathParams.at("id")); });
    router.add("DELETE", "/api/v1/files/{id}", Access::needs(Permission::FilesManage),
               [this](const HttpRequest& r, const Actor& actor) { return remove(r, actor); });
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

HttpResponse FilesApi::upload(const HttpRequest& request, const Actor& actor, FileUse fixedUse) {
    FileUse use = fixedUse;
    if (fixedUse == FileUse::Attachment) {
        // An operator's personal template takes files from here too.
        refuseUnknownQuery(request, {"name", "use"});
        const std::string asked = request.queryParam("use");
        if (!asked.empty()) {
            const auto parsed = parseFileUse(asked);
            if (!parsed || (*parsed != FileUse::Attachment && *parsed != FileUse::Template)) {
                throw ApiError::badRequest("'use' must be attachment (sent with a reply, the default) or template");
            }
            use = *parsed;
        }
    } else {
        refuseUnknownQuery(request, {"name"});
    }
    const std::string name = request.queryParam("name");
    if (name.empty()) throw ApiError::badRequest("'name' (a query parameter) is required: the file's name");
    const std::string type = request.header("content-type");
    const Attachment stored = files_.put(request.body, type, name, fileOwner(actor), use);
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

HttpResponse FilesApi::list(const HttpRequest& request) {
    refuseUnknownQuery(request, {"type", "min_size", "max_size", "uploaded_by", "use", "used", "used_in", "scan",
                                 "name", "from", "to", "deleted", "limit", "cursor"});
    FileFilter filter;
    filter.type = mediaTypeOf(request.queryParam("type"));
    if (!filter.type.empty() && !isTypePattern(filter.type)) {
        throw ApiError::badRequest("'type' must be a media type or a pattern: image/png, image/*");
    }
    filter.minSize = sizeParam(request, "min_size");
    filter.maxSize = sizeParam(request, "max_size");
    filter.uploadedBy = request.queryParam("uploaded_by");
    if (const std::string use = request.queryParam("use"); !use.empty()) {
        filter.use = parseFileUse(use);
        if (!filter.use) throw ApiError::badRequest("'use' must be attachment, template, chat or channel");
    }
    filter.used = yesNo(request, "used");
    filter.usedIn = request.queryParam("used_in");
    if (!filter.usedIn.empty() && filter.usedIn != "message" && filter.usedIn != "template" &&
        filter.usedIn != "chat") {
        throw ApiError::badRequest("'used_in' must be message, template or chat");
    }
    filter.scan = request.queryParam("scan");
    if (!filter.scan.empty() && filter.scan != "unscanned" && filter.scan != "clean" && filter.scan != "infected") {
        throw ApiError::badRequest("'scan' must be unscanned, clean or infected");
    }
    filter.name = request.queryParam("name");
    if (filter.name.size() > 255) throw ApiError::badRequest("'name' is longer than 255 bytes");
    filter.from = api::queryDbTime(request, "from");
    filter.to = api::queryDbTime(request, "to", true);
    filter.deleted = yesNo(request, "deleted").value_or(false);
    filter.limit = api::queryLimit(request, 50, 200);
    if (const std::string cursor = request.queryParam("cursor"); !cursor.empty()) decodeFileCursor(cursor, filter);

    const std::size_t limit = filter.limit;
    ++filter.limit;  // one more says whether there is a next page
    FileStoreUsage usage;
    auto entries = api::readWith<std::vector<FileEntry>>(pool_, "the file store", [&](DbSession& db) {
        FileCatalog catalog(db);
        usage = catalog.usage();
        return catalog.list(filter);
    });
    Poco::Dynamic::Var next;
    if (entries.size() > limit) {
        entries.resize(limit);
        next = encodeFileCursor(entries.back());
    }
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const FileEntry& entry : entries) items->add(entry.toJson());
    Poco::JSON::Object::Ptr store = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    store->set("bytes", usage.bytes);
    store->set("files", usage.files);
    store->set("quota_bytes", files_.quotaBytes() > 0 ? Poco::Dynamic::Var(files_.quotaBytes()) : Poco::Dynamic::Var());
    store->set("max_file_bytes", files_.maxBytes());
    store->set("antivirus", files_.scans());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("files", items);
    body->set("next_cursor", next);
    body->set("store", store);
    return api::jsonResponse(200, body);
}

HttpResponse FilesApi::uses(const HttpRequest& request) {
    const std::string id = request.pathParams.at("id");
    if (!isFileId(id)) throw ApiError::notFound("no file " + id.substr(0, 64));
    const auto found = api::readWith<std::optional<FileUses>>(pool_, "the file's uses",
                                                              [&](DbSession& db) { return FileCatalog(db).uses(id); });
    if (!found) throw ApiError::notFound("no file " + id);
    return api::jsonResponse(200, found->toJson());
}

HttpResponse FilesApi::remove(const HttpRequest& request, const Actor& actor) {
    refuseUnknownQuery(request, {"force"});
    const std::string id = request.pathParams.at("id");
    if (!isFileId(id)) throw ApiError::notFound("no file " + id.substr(0, 64));
    const bool force = yesNo(request, "force").value_or(false);
    FileRemoval removal;
    writer_.run([&](DbSession& db) {
        removal = FileCatalog(db).remove(id, force, fileOwner(actor));
        if (!removal.removed) return;
        Poco::JSON::Object::Ptr before = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        before->set("name", removal.name);
        before->set("size", removal.size);
        before->set("used_by", removal.uses.toJson());
        Poco::JSON::Object::Ptr after = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        after->set("forced", force);
        audit::record(db, actor, request, "file.deleted", "file:" + id, before, after);
    });
    if (!removal.removed) {
        // What would lose it, so the administrator decides with it in front of them (and forces, if they must).
        Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        error->set("code", "file_in_use");
        error->set("message", "file " + id + " (" + removal.name + ") is in use; DELETE with ?force=yes takes it from "
                                  "its templates and leaves messages and chats its name only");
        error->set("uses", removal.uses.toJson());
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("error", error);
        return api::jsonResponse(409, body);
    }
    files_.discardBytes(removal.sha256, removal.quarantined);
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("id", id);
    body->set("forced", force);
    body->set("lost", removal.uses.toJson());
    return api::jsonResponse(200, body);
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
