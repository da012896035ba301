// The SQL of file management (docs/files.md): the store's files with filters, what uses one (messages, response
// templates, the internal chat), the store's total against its quota, and deleting a file. Runs inside the
// caller's transaction; the bytes on disk are FileStore's, discarded after the commit (FileStore::discardBytes).
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/file_types.h"

namespace omnigate {

struct FileFilter {
    std::string type;                    // a pattern (model/file_types.h): "image/*", "application/pdf"
    std::optional<std::int64_t> minSize, maxSize;
    std::string uploadedBy;              // files.created_by: "user:7", "operator:op-1", "api", a plugin's name
    std::optional<FileUse> use;
    std::optional<bool> used;            // carried by a message, a template or a chat message, or by none
    std::string usedIn;                  // "message", "template" or "chat"
    std::string scan;                    // "unscanned", "clean" or "infected"
    std::string name;                    // a part of the file's name
    std::string from, to;                // created_at, as database times
    bool deleted = false;                // the names of deleted files instead of the files
    // The keyset cursor: the newest first, so the page goes on after (createdAt, id).
    std::string afterCreatedAt, afterId;
    std::size_t limit = 50;
};

struct FileEntry {
    std::string id, name, contentType, use, createdBy, createdAt, scan, threat, deletedAt, deletedBy;
    std::int64_t size = 0;
    std::int64_t messages = 0, templates = 0, chatMessages = 0;

    Poco::JSON::Object::Ptr toJson() const;
};

// What would lose a file if it went: the templates by id and title, the messages and chat messages by count with
// the first interactions and chats carrying it.
struct FileUses {
    struct Template {
        std::int64_t id = 0;
        std::string title;
        std::string owner;  // the operator of a personal template; empty for a shared one
    };
    std::vector<Template> templates;
    std::int64_t messages = 0;
    std::vector<std::int64_t> interactions;  // at most kUsesListed
    std::int64_t chatMessages = 0;
    std::vector<std::int64_t> chats;         // at most kUsesListed

    bool any() const { return !templates.empty() || messages > 0 || chatMessages > 0; }
    Poco::JSON::Object::Ptr toJson() const;
};

struct FileStoreUsage {
    std::int64_t bytes = 0;
    std::int64_t files = 0;
};

// What a deletion did: nothing when refused (the file is in use and not forced).
struct FileRemoval {
    bool removed = false;
    FileUses uses;
    std::string name;
    std::int64_t size = 0;
    std::string sha256;
    bool quarantined = false;
};

class FileCatalog {
public:
    static constexpr std::size_t kUsesListed = 20;

    explicit FileCatalog(DbSession& session) : session_(session) {}

    std::vector<FileEntry> list(const FileFilter& filter);
    FileStoreUsage usage();
    // Empty for an unknown id.
    std::optional<FileUses> uses(const std::string& fileId);

    // 404 for an unknown file, 410 for one deleted already. Refused (removed false) while something uses it unless
    // `force`; forced, its templates drop it (each announced as updated), and messages and chats keep its name
    // while its bytes go: the row stays, marked deleted by `by`. An unused file's row is deleted.
    FileRemoval remove(const std::string& fileId, bool force, const std::string& by);

private:
    DbSession& session_;
};

}  // namespace omnigate
