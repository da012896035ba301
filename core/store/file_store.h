// The file store: attachments and media, by id. The bytes are written to disk under their SHA-256 (written to a
// temporary name and renamed, so a reader never sees half a file; the same content is kept once), and only then
// is the row that names them committed: a crash in between leaves an unnamed file, never a name without bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/daemon_config.h"
#include "omnigate/sdk/messages.h"
#include "store/connection_pool.h"
#include "store/write_batcher.h"

namespace omnigate {

struct FileContent {
    Attachment meta;  // fileId, name, mimeType, size
    std::string bytes;
};

class FileStore {
public:
    FileStore(const FilesConfig& config, ConnectionPool& pool, WriteBatcher& writer);

    // ApiError 413 over files.max_bytes, 400 for an empty file or a name/type over 255 bytes, 503 when the
    // disk or the database fails. The name is reduced to its last path component.
    Attachment put(const std::string& bytes, const std::string& contentType, const std::string& fileName,
                   const std::string& createdBy);
    // Empty for an unknown id; ApiError 503 when the bytes are gone or unreadable.
    std::optional<FileContent> get(const std::string& fileId);
    // Only what the database says of it (cheaper than get()): empty for an unknown id.
    std::optional<Attachment> describe(const std::string& fileId);

    std::int64_t maxBytes() const { return maxBytes_; }

private:
    std::string pathOf(const std::string& sha256) const;

    const std::string directory_;
    const std::int64_t maxBytes_;
    ConnectionPool& pool_;
    WriteBatcher& writer_;
};

}  // namespace omnigate
