// The file store against the real MariaDB, the test clamd and a scratch folder: the size limit, the name reduced to
// its last path component without control characters, ids of 128 random bits, bytes that went missing on disk
// answered 503 rather than served short; the quota, the types allowed per use, quarantine, what happens when clamd
// fails, and content shared by two files staying until neither names it.
#include <gtest/gtest.h>

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>

#include <regex>
#include <set>

#include "db/migrator.h"
#include "omnigate/sdk/api_error.h"
#include "store/file_catalog.h"
#include "store/file_store.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

class FileStoreTest : public ::testing::Test {
protected:
    FileStoreTest() : pool_(database()), writer_(pool_, 1, 10, 100, nullptr) {
        config_.directory = Poco::TemporaryFile::tempName();
        config_.maxBytes = 1024;
    }
    void SetUp() override {
        auto session = pool_.connect();
        Migrator(*session, [](const std::string&) {}).apply(builtInMigrations());
        writer_.start();
    }
    void TearDown() override {
        writer_.stop();
        if (Poco::File(config_.directory).exists()) Poco::File(config_.directory).remove(true);
    }
    static DatabaseConfig database() {
        DatabaseConfig db;
        db.port = test::requireEnvInt("OMNIGATE_DB_PORT");
        db.name = test::requireEnv("OMNIGATE_DB_NAME");
        db.user = test::requireEnv("OMNIGATE_DB_USER");
        db.password = test::requireEnv("OMNIGATE_DB_PASSWORD");
        return db;
    }

    FilesConfig config_;
    ConnectionPool pool_;
    WriteBatcher writer_;
};

TEST_F(FileStoreTest, KeepsFilesUpToTheLimitUnderTheirLastPathComponent) {
    FileStore files(config_, pool_, writer_);
    try {
        files.put(std::string(1025, 'x'), "text/plain", "big.txt", "test", FileUse::Channel);
        FAIL() << "a file over files.max_bytes was kept";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 413);
    }
    const Attachment stored = files.put(std::string(1024, 'y'), "", "../../etc/passwd", "test", FileUse::Channel);
    EXPECT_EQ(stored.name, "passwd");
    EXPECT_EQ(stored.mimeType, "application/octet-stream");
    const auto back = files.get(stored.fileId);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->bytes, std::string(1024, 'y'));
    EXPECT_FALSE(files.get("0").has_value());
}

TEST_F(FileStoreTest, IdsAreRandomAndNamesLoseControlCharacters) {
    FileStore files(config_, pool_, writer_);
    std::set<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        const Attachment stored = files.put("same bytes", "text/plain", "a.txt", "test", FileUse::Channel);
        EXPECT_TRUE(std::regex_match(stored.fileId, std::regex("[0-9a-f]{32}"))) << stored.fileId;
        ids.insert(stored.fileId);
    }
    EXPECT_EQ(ids.size(), 20u);
    EXPECT_FALSE(files.describe("1").has_value()) << "a counter's id names nothing";
    EXPECT_FALSE(files.describe(std::string(32, 'G')).has_value());

    // CR, LF, TAB, NUL, DEL and U+0085 (NEL) go; quotes and other scripts stay.
    const std::string name("in\"voice\r\n\t\x7f\xc2\x85 \xd1\x81\xd1\x87\xd1\x91\xd1\x82.pdf\0x", 29);
    const Attachment odd = files.put("x", "text/plain", name, "test", FileUse::Channel);
    EXPECT_EQ(odd.name, "in\"voice \xd1\x81\xd1\x87\xd1\x91\xd1\x82.pdfx");
    EXPECT_EQ(files.describe(odd.fileId)->name, odd.name);
    EXPECT_EQ(files.put("x", "text/plain", "\r\n", "test", FileUse::Channel).name, "file");
}

TEST_F(FileStoreTest, BytesMissingOnDiskAre503NotAShortFile) {
    FileStore files(config_, pool_, writer_);
    const Attachment stored = files.put("gone " + Poco::TemporaryFile::tempName(), "text/plain", "gone.txt", "test", FileUse::Channel);
    Poco::File(config_.directory).remove(true);
    try {
        files.get(stored.fileId);
        FAIL() << "a file whose bytes are gone was served";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 503);
    }
    EXPECT_TRUE(files.describe(stored.fileId).has_value()) << "its record is still there";
}

// The 68 bytes every antivirus detects by agreement; the test clamd knows only them (scripts/services.sh).
const std::string kEicar = R"(X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*)";

class ScannedFileStoreTest : public FileStoreTest {
protected:
    ScannedFileStoreTest() {
        config_.antivirus = AntivirusConfig{"unix:" + test::requireEnv("OMNIGATE_CLAMD_SOCKET"), 10, true};
    }
    std::int64_t count(const std::string& sql, const std::string& value) {
        PooledSession session = pool_.acquire();
        sql::PreparedStatement& q = session->prepare(sql);
        q.setString(1, value);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        return rs->next() ? rs->getInt64(1) : -1;
    }
    FileStoreUsage usage() {
        PooledSession session = pool_.acquire();
        return FileCatalog(*session).usage();
    }
    std::string pathOf(const std::string& fileId, const std::string& folder = "") {
        PooledSession session = pool_.acquire();
        sql::PreparedStatement& q = session->prepare("SELECT sha256 FROM files WHERE id = ?");
        q.setString(1, fileId);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) return "";
        const std::string sha = rs->getString(1);
        return config_.directory + folder + "/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha;
    }
    static std::string owner() { return "test:" + Poco::TemporaryFile::tempName().substr(5); }
    template <typename Call>
    int statusOf(Call&& call) {
        try {
            call();
        } catch (const ApiError& e) {
            return e.status();
        }
        return 0;
    }
};

TEST_F(ScannedFileStoreTest, AnInfectedUploadIsRefusedAndLeavesNothing) {
    FileStore files(config_, pool_, writer_);
    const std::string who = owner();
    const FileStoreUsage before = usage();
    try {
        files.put(kEicar, "text/plain", "eicar.txt", who, FileUse::Attachment);
        FAIL() << "an infected upload was kept";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 422);
        EXPECT_NE(std::string(e.what()).find("Eicar-Test-Signature"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM files WHERE created_by = ?", who), 0);
    EXPECT_EQ(usage().bytes, before.bytes);
    EXPECT_FALSE(Poco::File(config_.directory).exists()) << "no bytes written for it";
    // A clean one goes through the same scan and is kept, marked so.
    const Attachment clean = files.put("clean " + who, "text/plain", "clean.txt", who, FileUse::Attachment);
    EXPECT_EQ(count("SELECT COUNT(*) FROM files WHERE id = ? AND scan = 'clean'", clean.fileId), 1);
}

TEST_F(ScannedFileStoreTest, AnInfectedChannelFileIsQuarantinedAndNeverServed) {
    FileStore files(config_, pool_, writer_);
    const Attachment kept = files.put(kEicar, "application/octet-stream", "invoice.exe", owner(), FileUse::Channel);
    EXPECT_NE(kept.quarantine.find("Eicar-Test-Signature"), std::string::npos) << kept.quarantine;
    EXPECT_EQ(files.record(kept.fileId)->meta.quarantine, kept.quarantine);
    EXPECT_EQ(statusOf([&] { files.get(kept.fileId); }), 403);
    EXPECT_FALSE(Poco::File(pathOf(kept.fileId)).exists()) << "nothing of the store's own paths reaches it";
    EXPECT_TRUE(Poco::File(pathOf(kept.fileId, "/quarantine")).exists());
}

TEST_F(ScannedFileStoreTest, WhenClamdFailsAFileIsRefusedOrKeptUnscannedAsConfigured) {
    config_.antivirus->address = "unix:" + config_.directory + "-no-clamd.sock";
    const std::string who = owner();
    {
        FileStore refusing(config_, pool_, writer_);
        EXPECT_EQ(statusOf([&] { refusing.put("a client's photo", "image/jpeg", "p.jpg", who, FileUse::Channel); }), 503);
        EXPECT_EQ(count("SELECT COUNT(*) FROM files WHERE created_by = ?", who), 0);
    }
    config_.antivirus->refuseOnError = false;
    FileStore accepting(config_, pool_, writer_);
    const Attachment kept = accepting.put("a client's photo", "image/jpeg", "p.jpg", who, FileUse::Channel);
    EXPECT_EQ(count("SELECT COUNT(*) FROM files WHERE id = ? AND scan = 'unscanned'", kept.fileId), 1);
    EXPECT_EQ(accepting.get(kept.fileId)->bytes, "a client's photo");
}

TEST_F(ScannedFileStoreTest, UploadsStopAtTheQuotaWhileAChannelsFilesStillGetIn) {
    config_.quotaBytes = usage().bytes + 2500;
    FileStore files(config_, pool_, writer_);
    const std::string who = owner();
    files.put(std::string(1000, 'a') + who, "text/plain", "1.txt", who, FileUse::Attachment);
    const FileStoreUsage afterFirst = usage();
    try {
        files.put(std::string(1000, 'b') + who, "text/plain", "2.txt", who, FileUse::Chat);
        files.put(std::string(1000, 'c') + who, "text/plain", "3.txt", who, FileUse::Template);
        FAIL() << "an upload over files.quota_bytes was kept";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 413);
        EXPECT_EQ(e.code(), "quota_exceeded");
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM files WHERE created_by = ?", who), 2);
    EXPECT_EQ(usage().files, afterFirst.files + 1);
    // A client's message must not be lost to the quota: its file is kept and counted.
    files.put(std::string(1000, 'd') + who, "text/plain", "from-a-client.txt", who, FileUse::Channel);
    EXPECT_EQ(usage().files, afterFirst.files + 2);
}

TEST_F(ScannedFileStoreTest, EachUseAdmitsItsTypesAndTheBytesMustBeWhatTheTypeSays) {
    config_.allowedTypes.set(FileUse::Template, {"image/*"});
    FileStore files(config_, pool_, writer_);
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels";
    EXPECT_EQ(statusOf([&] { files.put(png, "image/png", "a.png", owner(), FileUse::Template); }), 0);
    EXPECT_EQ(statusOf([&] { files.put("%PDF-1.4", "application/pdf", "a.pdf", owner(), FileUse::Template); }), 415);
    EXPECT_EQ(statusOf([&] { files.put("%PDF-1.4", "application/pdf", "a.pdf", owner(), FileUse::Attachment); }), 0);
    EXPECT_EQ(statusOf([&] { files.put("text", "image/png", "a.png", owner(), FileUse::Attachment); }), 415);
    EXPECT_EQ(statusOf([&] { files.put("MZ", "application/x-msdownload", "a.exe", owner(), FileUse::Chat); }), 415);
    // A channel's files are the clients': whatever they are.
    EXPECT_EQ(statusOf([&] { files.put("text", "image/png", "a.png", owner(), FileUse::Channel); }), 0);
}

TEST_F(ScannedFileStoreTest, SharedContentStaysUntilNoFileNamesIt) {
    FileStore files(config_, pool_, writer_);
    const std::string bytes = "shared " + owner();
    const Attachment first = files.put(bytes, "text/plain", "1.txt", owner(), FileUse::Attachment);
    const Attachment second = files.put(bytes, "text/plain", "2.txt", owner(), FileUse::Attachment);
    const std::string path = pathOf(first.fileId);
    const auto remove = [&](const std::string& id) {
        FileRemoval removal;
        writer_.run([&](DbSession& session) { removal = FileCatalog(session).remove(id, false, "test"); });
        ASSERT_TRUE(removal.removed);
        files.discardBytes(removal.sha256, removal.quarantined);
    };
    remove(first.fileId);
    EXPECT_TRUE(Poco::File(path).exists()) << "the second file still names the bytes";
    EXPECT_EQ(files.get(second.fileId)->bytes, bytes);
    remove(second.fileId);
    EXPECT_FALSE(Poco::File(path).exists());
    EXPECT_FALSE(files.describe(second.fileId).has_value()) << "an unused file's row goes";
}

}  // namespace
}  // namespace omnigate
