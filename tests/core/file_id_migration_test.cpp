// Migration 010 against the real MariaDB, in a scratch database built at schema 9: files named by a counter, and
// messages naming them in their attachments, come out with 128-bit random ids, every message naming the new id
// (so what the history shows keeps working), and the links that decide who may read a file filled in.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <regex>

#include "db/connection_pool.h"
#include "db/migrator.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

DatabaseConfig database() {
    DatabaseConfig db;
    db.port = test::requireEnvInt("OMNIGATE_DB_PORT");
    db.name = test::requireEnv("OMNIGATE_DB_NAME");
    db.user = test::requireEnv("OMNIGATE_DB_USER");
    db.password = test::requireEnv("OMNIGATE_DB_PASSWORD");
    return db;
}

std::string text(DbSession& session, const std::string& query) {
    std::unique_ptr<sql::ResultSet> rs(session.prepare(query).executeQuery());
    return rs->next() ? std::string(rs->getString(1)) : "";
}

class FileIdMigration : public ::testing::Test {
protected:
    void SetUp() override {
        scratch_ = database().name + "_scratch_" +
                   Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
        home_ = std::make_unique<ConnectionPool>(database());
        home_->connect()->execute("CREATE DATABASE `" + scratch_ + "`");
        DatabaseConfig db = database();
        db.name = scratch_;
        pool_ = std::make_unique<ConnectionPool>(db);
    }
    void TearDown() override {
        pool_.reset();
        home_->connect()->execute("DROP DATABASE IF EXISTS `" + scratch_ + "`");
    }

    std::string scratch_;
    std::unique_ptr<ConnectionPool> home_;
    std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(FileIdMigration, GivesFilesRandomIdsAndRewritesTheMessagesNamingThem) {
    auto session = pool_->connect();
    std::vector<Migration> before;
    for (const Migration& m : builtInMigrations()) {
        if (m.version < 10) before.push_back(m);
    }
    Migrator(*session, [](const std::string&) {}).apply(before);
    ASSERT_EQ(Migrator(*session, [](const std::string&) {}).currentVersion(), 9);

    session->execute("INSERT INTO clients (id, name, created_at, updated_at) VALUES (1, 'Анна', NOW(3), NOW(3))");
    session->execute(
        "INSERT INTO interactions (id, channel, account, client_id, address_kind, address_value, status, created_at, "
        "updated_at) VALUES (5, 'email', 'support', 1, 'email', 'anna@example.com', 'assigned', NOW(3), NOW(3))");
    for (int id : {1, 2, 3}) {
        session->execute("INSERT INTO files (id, sha256, size, content_type, file_name, created_by, created_at) VALUES (" +
                         std::to_string(id) + ", REPEAT('a', 64), 10, 'application/pdf', 'f" + std::to_string(id) +
                         ".pdf', 'email', NOW(3))");
    }
    // What InteractionStore wrote before: Poco's JSON, the ids as strings of the counter.
    session->execute(
        "INSERT INTO messages (id, interaction_id, client_id, channel, account, direction, author, body, status, "
        "attachments, created_at, updated_at) VALUES (10, 5, 1, 'email', 'support', 'in', 'client', 'two files', "
        "'delivered', '[{\"file_id\":\"1\",\"name\":\"Счёт \\\\\"№1\\\\\".pdf\",\"mime_type\":\"application/pdf\","
        "\"size\":10},{\"file_id\":\"2\",\"name\":\"b.pdf\",\"mime_type\":\"application/pdf\",\"size\":10}]', "
        "NOW(3), NOW(3)), (11, 5, 1, 'email', 'support', 'out', 'system', 'the call', 'sent', "
        "'[{\"file_id\":\"3\",\"name\":\"call.wav\",\"mime_type\":\"audio/wav\",\"size\":10}]', NOW(3), NOW(3)), "
        "(12, 5, 1, 'email', 'support', 'out', 'operator', 'no files', 'sent', NULL, NOW(3), NOW(3))");

    Migrator(*session, [](const std::string&) {}).apply(builtInMigrations());

    std::map<std::string, std::string> idByName;
    {
        std::unique_ptr<sql::ResultSet> rs(session->prepare("SELECT id, file_name FROM files").executeQuery());
        while (rs->next()) idByName[rs->getString(2)] = rs->getString(1);
    }
    ASSERT_EQ(idByName.size(), 3u);
    const std::regex shape("[0-9a-f]{32}");
    for (const auto& [name, id] : idByName) EXPECT_TRUE(std::regex_match(id, shape)) << name << ": " << id;
    EXPECT_NE(idByName["f1.pdf"], idByName["f2.pdf"]);

    const auto attachments = [&](int message) {
        return Poco::JSON::Parser()
            .parse(text(*session, "SELECT attachments FROM messages WHERE id = " + std::to_string(message)))
            .extract<Poco::JSON::Array::Ptr>();
    };
    const auto two = attachments(10);
    ASSERT_EQ(two->size(), 2u);
    EXPECT_EQ(two->getObject(0)->getValue<std::string>("file_id"), idByName["f1.pdf"]);
    EXPECT_EQ(two->getObject(0)->getValue<std::string>("name"), "Счёт \"№1\".pdf") << "names survive, in order";
    EXPECT_EQ(two->getObject(0)->getValue<std::string>("mime_type"), "application/pdf");
    EXPECT_EQ(two->getObject(0)->getValue<std::int64_t>("size"), 10);
    EXPECT_EQ(two->getObject(1)->getValue<std::string>("file_id"), idByName["f2.pdf"]);
    EXPECT_EQ(attachments(11)->getObject(0)->getValue<std::string>("file_id"), idByName["f3.pdf"]);
    EXPECT_EQ(text(*session, "SELECT COALESCE(attachments, 'none') FROM messages WHERE id = 12"), "none");

    EXPECT_EQ(text(*session, "SELECT COUNT(*) FROM message_files"), "3");
    EXPECT_EQ(text(*session, "SELECT CONCAT(message_id, '/', interaction_id, '/', author) FROM message_files "
                             "WHERE file_id = '" + idByName["f3.pdf"] + "'"),
              "11/5/system");
}

}  // namespace
}  // namespace omnigate
