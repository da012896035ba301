// The file store against the real MariaDB and a scratch folder: the size limit, the name reduced to its last path
// component without control characters, ids of 128 random bits, and bytes that went missing on disk answered 503
// rather than served short.
#include <gtest/gtest.h>

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>

#include <regex>
#include <set>

#include "db/migrator.h"
#include "omnigate/sdk/api_error.h"
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
        files.put(std::string(1025, 'x'), "text/plain", "big.txt", "test");
        FAIL() << "a file over files.max_bytes was kept";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 413);
    }
    const Attachment stored = files.put(std::string(1024, 'y'), "", "../../etc/passwd", "test");
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
        const Attachment stored = files.put("same bytes", "text/plain", "a.txt", "test");
        EXPECT_TRUE(std::regex_match(stored.fileId, std::regex("[0-9a-f]{32}"))) << stored.fileId;
        ids.insert(stored.fileId);
    }
    EXPECT_EQ(ids.size(), 20u);
    EXPECT_FALSE(files.describe("1").has_value()) << "a counter's id names nothing";
    EXPECT_FALSE(files.describe(std::string(32, 'G')).has_value());

    // CR, LF, TAB, NUL, DEL and U+0085 (NEL) go; quotes and other scripts stay.
    const std::string name("in\"voice\r\n\t\x7f\xc2\x85 \xd1\x81\xd1\x87\xd1\x91\xd1\x82.pdf\0x", 29);
    const Attachment odd = files.put("x", "text/plain", name, "test");
    EXPECT_EQ(odd.name, "in\"voice \xd1\x81\xd1\x87\xd1\x91\xd1\x82.pdfx");
    EXPECT_EQ(files.describe(odd.fileId)->name, odd.name);
    EXPECT_EQ(files.put("x", "text/plain", "\r\n", "test").name, "file");
}

TEST_F(FileStoreTest, BytesMissingOnDiskAre503NotAShortFile) {
    FileStore files(config_, pool_, writer_);
    const Attachment stored = files.put("gone " + Poco::TemporaryFile::tempName(), "text/plain", "gone.txt", "test");
    Poco::File(config_.directory).remove(true);
    try {
        files.get(stored.fileId);
        FAIL() << "a file whose bytes are gone was served";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 503);
    }
    EXPECT_TRUE(files.describe(stored.fileId).has_value()) << "its record is still there";
}

}  // namespace
}  // namespace omnigate
