#include "store/file_store.h"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
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
    : directory_(config.directory), maxBytes_(config.maxBytes), pool_(pool), writer_(writer) {}

std::string FileStore::pathOf(const std::string& sha256) const {
    // Two levels by the hash's first bytes keep any one folder small.
    return Poco::Path(directory_).append(sha256.substr(0, 2)).append(sha256.substr(2, 2)).append(sha256).toString();
}

Attachment FileStore::put(const std::string& bytes, const std::string& contentType, const std::string& fileName,
                          const std::string& createdBy) {
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

    const std::string sha = sha256Of(bytes);
    const std::string path = pathOf(sha);
    try {
        if (!Poco::File(path).exists()) {
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
        }
    } catch (const Poco::Exception& e) {
        throw InternalError::unavailable("storing the file failed", "storing a file under " + directory_ + " failed: " +
                                                                        e.displayText() +
                                                                        " (check files.directory and its free space)");
    }

    Attachment stored{newFileId(), name, type, static_cast<std::uint64_t>(bytes.size())};
    writer_.run([&](DbSession& session) {
        sql::PreparedStatement& insert = session.prepare(
            "INSERT INTO files (id, sha256, size, content_type, file_name, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)");
        insert.setString(1, stored.fileId);
        insert.setString(2, sha);
        insert.setInt64(3, static_cast<std::int64_t>(bytes.size()));
        insert.setString(4, type);
        insert.setString(5, name);
        insert.setString(6, createdBy.substr(0, 64));
        insert.setString(7, nowDbTime());
        insert.executeUpdate();
    }, "file:" + sha);
    return stored;
}

std::optional<Attachment> FileStore::describe(const std::string& fileId) {
    const auto found = record(fileId);
    if (!found) return std::nullopt;
    return found->meta;
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
            "EXISTS (SELECT 1 FROM message_files m WHERE m.file_id = f.id AND m.interaction_id = ?) "
            "FROM files f WHERE id = ?");
        query.setInt64(1, interactionId);
        query.setString(2, fileId);
        std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
        if (!rs->next()) return std::nullopt;
        FileRecord found;
        found.meta = {fileId, rs->getString(3), rs->getString(2), static_cast<std::uint64_t>(rs->getInt64(1))};
        found.createdBy = rs->getString(4);
        found.inMessages = rs->getBoolean(5);
        found.inConversation = rs->getBoolean(6);
        found.inInteraction = rs->getBoolean(7);
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
            sql::PreparedStatement& query =
                session->prepare("SELECT sha256, size, content_type, file_name FROM files WHERE id = ?");
            query.setString(1, fileId);
            std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
            if (!rs->next()) return std::nullopt;
            sha = rs->getString(1);
            content.meta = {fileId, rs->getString(4), rs->getString(3), static_cast<std::uint64_t>(rs->getInt64(2))};
        } catch (const sql::SQLException& e) {
            if (isConnectionError(e)) session->markBroken();
            throw InternalError::unavailable("reading a file's record failed", e.what());
        }
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
