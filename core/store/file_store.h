// The file store: attachments and media, by id. The bytes are written to disk under their SHA-256 (written to a
// temporary name and renamed, so a reader never sees half a file; the same content is kept once), and only then
// is the row that names them committed: a crash in between leaves an unnamed file, never a name without bytes.
// A file's id is 128 random bits, so knowing one id says nothing about another; who may read or attach a file is
// decided from who stored it and which messages carry it (message_files, kept by MessageStore).
//
// What enters is checked where it enters (docs/files.md): its size against files.max_bytes and, for uploads,
// the store's total against files.quota_bytes; its type against the types allowed for its use, and its first
// bytes against its type; then clamd scans it when files.antivirus is set. An infected upload is refused; an
// infected file from a channel (a client's attachment: refusing it would lose the client's message) is kept in
// quarantine, apart from the store, and never served.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "model/file_types.h"
#include "omnigate/sdk/messages.h"
#include "store/virus_scanner.h"

namespace omnigate {

struct FileContent {
    Attachment meta;  // fileId, name, mimeType, size
    std::string bytes;
};

// What deciding about access to a file needs to know of it.
struct FileRecord {
    Attachment meta;             // meta.quarantine: what clamd found, when it did
    std::string createdBy;       // a plugin's name, "api" (the admin token) or "<actor kind>:<actor id>"
    FileUse use = FileUse::Attachment;
    bool deleted = false;        // deleted while something carried it: a name without bytes
    bool inMessages = false;     // carried by any message
    bool inConversation = false; // carried by a message of a client, an operator, a bot or an integration
    bool inInteraction = false;  // carried by a message of the interaction asked about (record(id, interaction))
    bool inSharedTemplate = false;  // a file of a shared response template: anyone answering may send it
};

class FileStore {
public:
    FileStore(const FilesConfig& config, ConnectionPool& pool, WriteBatcher& writer);

    // ApiError 413 over files.max_bytes (file_too_large) or, for every use but Channel, over files.quota_bytes
    // (quota_exceeded); 415 for a type not allowed for `use` or bytes that are not what the type says; 422 for an
    // upload clamd finds infected; 400 for an empty file or a name/type over 255 bytes; 503 when the disk, the
    // database or (with on_error: refuse) clamd fails. The name is reduced to its last path component, without
    // control characters; the type is kept as given (its charset matters when it is served).
    Attachment put(const std::string& bytes, const std::string& contentType, const std::string& fileName,
                   const std::string& createdBy, FileUse use);
    // Empty for an unknown id; ApiError 403 (quarantined) for an infected file, 410 for a deleted one, 503 when
    // the bytes are gone or unreadable.
    std::optional<FileContent> get(const std::string& fileId);
    // Only what the database says of it (cheaper than get()): empty for an unknown id.
    std::optional<Attachment> describe(const std::string& fileId);
    // Of `fileIds` (a template's files), those that can still be sent, as a message's attachments: not deleted,
    // not in quarantine.
    std::vector<Attachment> sendable(const std::vector<std::string>& fileIds);
    // Its record, and whether a message of interaction `interactionId` (0: none asked about) carries it.
    std::optional<FileRecord> record(const std::string& fileId, std::int64_t interactionId = 0);

    // After the transaction that deleted a file's row (or made it a name without bytes) committed: its bytes go
    // unless another file not deleted has the same content. Errors are logged; a leftover costs disk, not data.
    void discardBytes(const std::string& sha256, bool quarantined);

    std::int64_t maxBytes() const { return maxBytes_; }
    std::int64_t quotaBytes() const { return quotaBytes_; }
    const AllowedFileTypes& allowedTypes() const { return allowedTypes_; }
    bool scans() const { return scanner_ != nullptr; }
    // Why clamd cannot scan now (files.antivirus set but clamd not answering); empty when it can or is not set.
    std::string antivirusProblem() const;

private:
    std::string pathOf(const std::string& sha256, bool quarantined = false) const;
    // Writes the bytes under `path` unless they are there already.
    void keep(const std::string& path, const std::string& bytes);
    // The file's row and its share of the store's total, in one transaction; 413 over the quota.
    void insertRow(const Attachment& stored, const std::string& sha, FileUse use, const std::string& createdBy,
                   const std::string& scan);
    // What clamd says of the bytes; empty when clean or not scanned.
    std::string threatIn(const std::string& bytes, FileUse use, const std::string& createdBy, std::string& scan);

    const std::string directory_;
    const std::int64_t maxBytes_;
    const std::int64_t quotaBytes_;
    const AllowedFileTypes allowedTypes_;
    std::unique_ptr<VirusScanner> scanner_;
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
