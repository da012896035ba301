#include "store/file_store.h"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>
#include <Poco/UUIDGenerator.h>

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "db/db_time.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

constexpr std::size_t kTextMax = 255;
constexpr std::size_t kIdBytes = 16;

Poco::Logger& logger() { return Poco::Logger::get("omnigate.files"); }

std::string sha256Of(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

}  // namespace

std::string newFileId() {
    unsigned char bytes[kIdBytes];
    std::size_t filled = 0;
    while (filled < kIdBytes) {
        const ssize_t n = ::getrandom(bytes + filled, kIdBytes - filled, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw ApiError::unavailable(std::string("no randomness for a new file id: ") + std::strerror(errno));
        }
        filled += static_cast<std::size_t>(n);
    }
    static const char* const hex = "0123456789abcdef";
    std::string id;
    for (const unsigned char b : bytes) {
        id += hex[b >> 4];
        id += hex[b & 0x0F];
    }
    return id;
}

bool isFileId(const std::string& text) {
    return text.size() == kIdBytes * 2 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string withoutControlCharacters(const std::string& name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7F) continue;
        // U+0080..U+009F in UTF-8: 0xC2 followed by 0x80..0x9F.
        if (c == 0xC2 && i + 1 < name.size()) {
            const auto next = static_cast<unsigned char>(name[i + 1]);
            if (next >= 0x80 && next <= 0x9F) {
                ++i;
                continue;
            }
        }
        out += static_cast<char>(c);
    }
    return out;
}

FileStore::FileStore(const FilesConfig& config, ConnectionPool& pool, WriteBatcher& writer)
    : directory_(config.directory),
      maxBytes_(config.maxBytes),
      quotaBytes_(config.quotaBytes),
      allowedTypes_(config.allowedTypes),
      scanner_(config.antivirus ? std::make_unique<VirusScanner>(*config.antivirus) : nullptr),
      pool_(pool),
      writer_(writer) {}

std::string FileStore::pathOf(const std::string& sha256, bool quarantined) const {
    // Two levels by the hash's first bytes keep any one folder small. Quarantine is a folder apart, so that no
    // path of the store's ever reaches an infected file's bytes.
    Poco::Path path(directory_);
    if (quarantined) path.append("quarantine");
    return path.append(sha256.substr(0, 2)).append(sha256.substr(2, 2)).append(sha256).toString();
}

void FileStore::keep(const std::string& path, const std::string& bytes) {
    try {
        if (Poco::File(path).exists()) return;
        Poco::File(Poco::Path(path).parent()).createDirectories();
        const std::string temporary =
            path + "." + Poco::UUIDGenerator::defaultGenerator().createRandom().toString() + ".part";
        {
            std::ofstream out(temporary, std::ios::binary);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            out.flush();
            if (!out) {
                throw InternalError::unavailable("storing the file failed",
                                                 "writing a file under " + directory_ + " failed");
            }
        }
        Poco::File(temporary).renameTo(path);
    } catch (const Poco::Exception& e) {
        throw InternalError::unavailable("storing the file failed", "storing a file under " + directory_ + " failed: " +
                                                                        e.displayText() +
                                                                        " (check files.directory and its free space)");
    }
}

std::string FileStore::threatIn(const std::string& bytes, FileUse use, const std::string& createdBy,
                                std::string& scan) {
    scan = "unscanned";
    if (!scanner_) return "";
    const ScanVerdict verdict = scanner_->scan(bytes);
    switch (verdict.outcome) {
        case ScanVerdict::Outcome::Clean:
            scan = "clean";
            return "";
        case ScanVerdict::Outcome::Infected:
            scan = "infected";
            logger().warning("clamd found %s in a file from %s (%s)", verdict.detail, createdBy,
                             std::string(toString(use)));
            return verdict.detail;
        case ScanVerdict::Outcome::Failed: break;
    }
    if (scanner_->config().refuseOnError) {
        throw InternalError::unavailable("the antivirus could not scan the file, so it was not kept; try again later",
                                         verdict.detail + " (files.antivirus.on_error: refuse)");
    }
    logger().warning("a file from %s is kept unscanned: %s (files.antivirus.on_error: accept)", createdBy,
                     verdict.detail);
    return "";
}

Attachment FileStore::put(const std::string& bytes, const std::string& contentType, const std::string& fileName,
                          const std::string& createdBy, FileUse use) {
    if (bytes.empty()) throw ApiError::badRequest("the file is empty");
    if (static_cast<std::int64_t>(bytes.size()) > maxBytes_) {
        throw ApiError(413, "file_too_large",
                       "the file has " + std::to_string(bytes.size()) + " bytes; at most " + std::to_string(maxBytes_) +
                           " are kept (files.max_bytes)");
    }
    std::string name = Poco::Path(withoutControlCharacters(fileName)).getFileName();
    if (name.empty()) name = "file";
    if (name.size() > kTextMax) throw ApiError::badRequest("the file name is longer than 255 bytes");
    const std::string type = contentType.empty() ? "application/octet-stream" : contentType;
    if (type.size() > kTextMax) throw ApiError::badRequest("the content type is longer than 255 bytes");
    if (use != FileUse::Channel) {
        // A channel's file is the client's: whatever it is, it is kept (and scanned), or the message would be lost.
        const std::string media = mediaTypeOf(type);
        if (!allowedTypes_.admits(use, media)) {
            std::string allowed;
            for (const std::string& pattern : allowedTypes_.of(use)) allowed += (allowed.empty() ? "" : ", ") + pattern;
            throw ApiError(415, "type_not_allowed",
                           "files of type " + media + " are not allowed for use '" + toString(use) +
                               "'; allowed: " + (allowed.empty() ? "none" : allowed) + " (files.allowed_types)");
        }
        const std::string mismatch = contentMismatch(media, bytes);
        if (!mismatch.empty()) throw ApiError(415, "content_mismatch", mismatch);
    }

    std::string scan;
    const std::string threat = threatIn(bytes, use, createdBy, scan);
    if (!threat.empty() && use != FileUse::Channel) {
        throw ApiError(422, "infected", "the antivirus found " + threat + " in the file; it was not kept");
    }
    const std::string sha = sha256Of(bytes);
    const std::string path = pathOf(sha, !threat.empty());
    keep(path, bytes);

    Attachment stored{newFileId(), name, type, static_cast<std::uint64_t>(bytes.size()), threat};
    try {
        insertRow(stored, sha, use, createdBy, scan);
    } catch (const std::exception&) {
        discardBytes(sha, !threat.empty());  // unless another file names them
        throw;
    }
    // A deletion of another file with this content may have taken the bytes away between keep() and the commit
    // (it looked for files still naming them before this one was committed): now that this row is there, no
    // deletion can take them any more, so putting them back once is enough.
    keep(path, bytes);
    return stored;
}

void FileStore::insertRow(const Attachment& stored, const std::string& sha, FileUse use, const std::string& createdBy,
                          const std::string& scan) {
    const auto size = static_cast<std::int64_t>(stored.size);
    writer_.run([&](DbSession& session) {
        // The quota binds what people upload; a channel's file only counts (see above).
        const bool bound = quotaBytes_ > 0 && use != FileUse::Channel;
        sql::PreparedStatement& count = session.prepare(
            "UPDATE file_store_usage SET bytes = bytes + ?, files = files + 1 WHERE id = 1 AND (? OR bytes + ? <= ?)");
        count.setInt64(1, size);
        count.setBoolean(2, !bound);
        count.setInt64(3, size);
        count.setInt64(4, quotaBytes_);
        if (count.executeUpdate() == 0) {
            sql::PreparedStatement& used = session.prepare("SELECT bytes FROM file_store_usage WHERE id = 1");
            std::unique_ptr<sql::ResultSet> rs(used.executeQuery());
            const std::int64_t inUse = rs->next() ? rs->getInt64(1) : 0;
            throw ApiError(413, "quota_exceeded",
                           "the file store holds " + std::to_string(inUse) + " of its " + std::to_string(quotaBytes_) +
                               " bytes (files.quota_bytes); a file of " + std::to_string(size) +
                               " bytes does not fit: delete unused files (GET /api/v1/files?used=no) first");
        }
        sql::PreparedStatement& insert = session.prepare(
            "INSERT INTO files (id, sha256, size, content_type, file_name, created_by, file_use, scan, threat, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.setString(1, stored.fileId);
        insert.setString(2, sha);
        insert.setInt64(3, size);
        insert.setString(4, stored.mimeType);
        insert.setString(5, stored.name);
        insert.setString(6, createdBy.substr(0, 64));
        insert.setString(7, toString(use));
        insert.setString(8, scan);
        if (stored.quarantine.empty()) {
            insert.setNull(9, sql::DataType::VARCHAR);
        } else {
            insert.setString(9, stored.quarantine.substr(0, kTextMax));
        }
        insert.setString(10, nowDbTime());
        insert.executeUpdate();
    }, "file:" + sha);
}

std::string FileStore::antivirusProblem() const {
    std::string why;
    if (!scanner_ || scanner_->ping(why)) return "";
    return why + (scanner_->config().refuseOnError ? "; files are refused until it answers"
                                                    : "; files are kept unscanned until it answers");
}

void FileStore::discardBytes(const std::string& sha256, bool quarantined) {
    const std::string path = pathOf(sha256, quarantined);
    // Moved aside first: a file with this content committed from now on finds the bytes missing after its commit
    // and writes them again (put()); one committed before is seen by the query below, and the bytes come back.
    const std::string aside = path + "." + Poco::UUIDGenerator::defaultGenerator().createRandom().toString() + ".gone";
    try {
        if (!Poco::File(path).exists()) return;
        Poco::File(path).renameTo(aside);
        bool named = false;
        {
            PooledSession session = pool_.acquire();
            sql::PreparedStatement& q = session->prepare(
                "SELECT 1 FROM files WHERE sha256 = ? AND deleted_at IS NULL AND (scan = 'infected') = ? LIMIT 1");
            q.setString(1, sha256);
            q.setBoolean(2, quarantined);
            std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
            named = rs->next();
        }
        if (named) {
            if (!Poco::File(path).exists()) Poco::File(aside).renameTo(path);
        }
        if (Poco::File(aside).exists()) Poco::File(aside).remove();
    } catch (const std::exception& e) {
        // Never lose bytes a file still names: put them back when in doubt.
        try {
            if (Poco::File(aside).exists() && !Poco::File(path).exists()) Poco::File(aside).renameTo(path);
        } catch (const Poco::Exception&) {
        }
        logger().warning("the bytes %s under %s stay: %s", sha256, directory_, std::string(e.what()));
    }
}

std::optional<Attachment> FileStore::describe(const std::string& fileId) {
    const auto found = record(fileId);
    if (!found) return std::nullopt;
    return found->meta;
}

std::vector<Attachment> FileStore::sendable(const std::vector<std::string>& fileIds) {
    std::vector<Attachment> out;
    for (const std::string& id : fileIds) {
        const auto found = record(id);
        if (found && !found->deleted && found->meta.quarantine.empty()) out.push_back(found->meta);
    }
    return out;
}

std::optional<FileRecord> FileStore::record(const std::string& fileId, std::int64_t interactionId) {
    if (!isFileId(fileId)) return std::nullopt;
    PooledSession session = pool_.acquire();
    try {
        // Call recordings are the system's messages: they stay out of `inConversation`, so only the recordings'
        // own right (the admin token) reaches them.
        sql::PreparedStatement& query = session->prepare(
            "SELECT size, content_type, file_name, created_by, "
            "EXISTS (SELECT 1 FROM message_files m WHERE m.file_id = f.id), "
            "EXISTS (SELECT 1 FROM message_files m WHERE m.file_id = f.id AND m.author <> 'system'), "
            "EXISTS (SELECT 1 FROM message_files m WHERE m.file_id = f.id AND m.interaction_id = ?), "
            "file_use, COALESCE(threat, ''), deleted_at IS NOT NULL, "
            "EXISTS (SELECT 1 FROM response_template_files t JOIN response_templates r ON r.id = t.template_id "
            "WHERE t.file_id = f.id AND r.owner_operator_id IS NULL) "
            "FROM files f WHERE id = ?");
        query.setInt64(1, interactionId);
        query.setString(2, fileId);
        std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
        if (!rs->next()) return std::nullopt;
        FileRecord found;
        found.meta = {fileId, rs->getString(3), rs->getString(2), static_cast<std::uint64_t>(rs->getInt64(1)),
                      rs->getString(9)};
        found.createdBy = rs->getString(4);
        found.inMessages = rs->getBoolean(5);
        found.inConversation = rs->getBoolean(6);
        found.inInteraction = rs->getBoolean(7);
        found.use = parseFileUse(rs->getString(8)).value_or(FileUse::Attachment);
        found.deleted = rs->getBoolean(10);
        found.inSharedTemplate = rs->getBoolean(11);
        return found;
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw InternalError::unavailable("reading a file's record failed", e.what());
    }
}

std::optional<FileContent> FileStore::get(const std::string& fileId) {
    if (!isFileId(fileId)) return std::nullopt;
    FileContent content;
    std::string sha;
    {
        PooledSession session = pool_.acquire();
        try {
            sql::PreparedStatement& query = session->prepare(
                "SELECT sha256, size, content_type, file_name, COALESCE(threat, ''), "
                "COALESCE(DATE_FORMAT(deleted_at, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(deleted_by, '') "
                "FROM files WHERE id = ?");
            query.setString(1, fileId);
            std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
            if (!rs->next()) return std::nullopt;
            sha = rs->getString(1);
            content.meta = {fileId, rs->getString(4), rs->getString(3), static_cast<std::uint64_t>(rs->getInt64(2)),
                            rs->getString(5)};
            const std::string deletedAt = rs->getString(6);
            if (!deletedAt.empty()) {
                throw ApiError(410, "file_deleted",
                               "file " + fileId + " (" + content.meta.name + ") was deleted by " + rs->getString(7) +
                                   " at " + dbTimeToIso(deletedAt));
            }
        } catch (const sql::SQLException& e) {
            if (isConnectionError(e)) session->markBroken();
            throw InternalError::unavailable("reading a file's record failed", e.what());
        }
    }
    if (!content.meta.quarantine.empty()) {
        throw ApiError(403, "quarantined",
                       "file " + fileId + " (" + content.meta.name + ") is quarantined: the antivirus found " +
                           content.meta.quarantine + " in it, and it is never served");
    }
    std::ifstream in(pathOf(sha), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    content.bytes = bytes.str();
    if (!in || content.bytes.size() != content.meta.size) {
        throw InternalError::unavailable("the file's bytes are missing",
                                         "the bytes of file " + fileId + " are missing under " + directory_);
    }
    return content;
}

}  // namespace omnigate
