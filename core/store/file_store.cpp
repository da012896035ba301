#include "store/file_store.h"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>
#include <Poco/UUIDGenerator.h>

#include <fstream>
#include <sstream>

#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"
#include "store/outbox.h"

namespace omnigate {

namespace {

constexpr std::size_t kTextMax = 255;

std::string sha256Of(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::optional<std::int64_t> parseId(const std::string& text) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoll(text);
}

}  // namespace

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
    std::string name = Poco::Path(fileName).getFileName();
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

    Attachment stored{"", name, type, static_cast<std::uint64_t>(bytes.size())};
    writer_.run([&](DbSession& session) {
        sql::PreparedStatement& insert = session.prepare(
            "INSERT INTO files (sha256, size, content_type, file_name, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) "
            "RETURNING id");
        insert.setString(1, sha);
        insert.setInt64(2, static_cast<std::int64_t>(bytes.size()));
        insert.setString(3, type);
        insert.setString(4, name);
        insert.setString(5, createdBy.substr(0, 64));
        insert.setString(6, nowDbTime());
        stored.fileId = std::to_string(DbSession::insertReturningId(insert));
    }, "file:" + sha);
    return stored;
}

std::optional<Attachment> FileStore::describe(const std::string& fileId) {
    const auto id = parseId(fileId);
    if (!id) return std::nullopt;
    PooledSession session = pool_.acquire();
    try {
        sql::PreparedStatement& query =
            session->prepare("SELECT size, content_type, file_name FROM files WHERE id = ?");
        query.setInt64(1, *id);
        std::unique_ptr<sql::ResultSet> rs(query.executeQuery());
        if (!rs->next()) return std::nullopt;
        return Attachment{fileId, rs->getString(3), rs->getString(2), static_cast<std::uint64_t>(rs->getInt64(1))};
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw InternalError::unavailable("reading a file's record failed", e.what());
    }
}

std::optional<FileContent> FileStore::get(const std::string& fileId) {
    const auto id = parseId(fileId);
    if (!id) return std::nullopt;
    FileContent content;
    std::string sha;
    {
        PooledSession session = pool_.acquire();
        try {
            sql::PreparedStatement& query =
                session->prepare("SELECT sha256, size, content_type, file_name FROM files WHERE id = ?");
            query.setInt64(1, *id);
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
