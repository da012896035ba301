// The file store: attachments and media, by id. The bytes are written to disk under their SHA-256 (written to a
// temporary name and renamed, so a reader never sees half a file; the same content is kept once), and only then
// is the row that names them committed: a crash in between leaves an unnamed file, never a name without bytes.
// A file's id is 128 random bits, so knowing one id says nothing about another; who may read or attach a file is
// decided from who stored it and which messages carry it (message_files, kept by MessageStore).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "omnigate/sdk/messages.h"

namespace omnigate {

struct FileContent {
    Attachment meta;  // fileId, name, mimeType, size
    std::string bytes;
};

// What deciding about access to a file needs to know of it.
struct FileRecord {
    Attachment meta;
    std::string createdBy;       // a plugin's name, "api" (the admin token) or "<actor kind>:<actor id>"
    bool inMessages = false;     // carried by any message
    bool inConversation = false; // carried by a message of a client, an operator, a bot or an integration
    bool inInteraction = false;  // carried by a message of the interaction asked about (record(id, interaction))
};

class FileStore {
public:
    FileStore(const FilesConfig& config, ConnectionPool& pool, WriteBatcher& writer);

    // ApiError 413 over files.max_bytes, 400 for an empty file or a name/type over 255 bytes, 503 when the
    // disk or the database fails. The name is reduced to its last path component, without control characters.
    Attachment put(const std::string& bytes, const std::string& contentType, const std::string& fileName,
                   const std::string& createdBy);
    // Empty for an unknown id; ApiError 503 when the bytes are gone or unreadable.
    std::optional<FileContent> get(const std::string& fileId);
    // Only what the database says of it (cheaper than get()): empty for an unknown id.
    std::optional<Attachment> describe(const std::string& fileId);
    // Its record, and whether a message of interaction `interactionId` (0: none asked about) carries it.
    std::optional<FileRecord> record(const std::string& fileId, std::int64_t interactionId = 0);

    std::int64_t maxBytes() const { return maxBytes_; }

private:
    std::string pathOf(const std::string& sha256) const;

    const std::string directory_;
    const std::int64_t maxBytes_;
    ConnectionPool& pool_;
    WriteBatcher& writer_;
};

// A new file id: 32 lower-case hex digits of the system's cryptographic randomness.
std::string newFileId();
// Whether `text` has the shape of a file id (anything else names no file and costs no query).
bool isFileId(const std::string& text);
// The name without control characters (C0, DEL, C1): they would end a header line or hide the real extension.
std::string withoutControlCharacters(const std::string& name);

}  // namespace omnigate
