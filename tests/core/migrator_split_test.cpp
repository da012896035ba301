// Migrations are SQL files run one statement at a time (Connector/C++ runs one per call), so how a file is split
// decides what reaches the server: a wrong split fails start-up or, worse, runs two statements glued together.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "db/migrator.h"

namespace omnigate {
namespace {

using Statements = std::vector<std::string>;

std::string withoutTrailingNewlines(const std::string& s) { return s.substr(0, s.find_last_not_of('\n') + 1); }

TEST(SplitStatements, OneStatementPerSemicolonAtTheEndOfALine) {
    EXPECT_EQ(splitStatements("CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n"),
              (Statements{"CREATE TABLE a (id INT)", "CREATE TABLE b (id INT)"}));
}

TEST(SplitStatements, KeepsAMultiLineStatementTogether) {
    const std::string sql =
        "CREATE TABLE clients (\n"
        "  id BIGINT NOT NULL AUTO_INCREMENT,\n"
        "  name VARCHAR(255) NOT NULL,\n"
        "  PRIMARY KEY (id)\n"
        ") ENGINE=InnoDB;\n"
        "CREATE INDEX clients_name ON clients (name);\n";
    EXPECT_EQ(splitStatements(sql), (Statements{"CREATE TABLE clients (\n"
                                                "  id BIGINT NOT NULL AUTO_INCREMENT,\n"
                                                "  name VARCHAR(255) NOT NULL,\n"
                                                "  PRIMARY KEY (id)\n"
                                                ") ENGINE=InnoDB",
                                                "CREATE INDEX clients_name ON clients (name)"}));
}

TEST(SplitStatements, DropsCommentLinesAndBlankLines) {
    const std::string sql =
        "-- 001: the first schema\n"
        "\n"
        "   -- an indented comment\n"
        "CREATE TABLE a (\n"
        "  -- a comment inside a statement\n"
        "  id INT\n"
        ");\n"
        "\n"
        "--no space after the dashes\n";
    EXPECT_EQ(splitStatements(sql), (Statements{"CREATE TABLE a (\n  id INT\n)"}));
}

TEST(SplitStatements, ASemicolonInsideALineDoesNotSplit) {
    // Only a ';' ending a line ends a statement, so a ';' inside a string literal is safe.
    EXPECT_EQ(splitStatements("INSERT INTO t VALUES ('a;b');\n"), (Statements{"INSERT INTO t VALUES ('a;b')"}));
}

TEST(SplitStatements, KeepsATrailingStatementWithoutSemicolon) {
    // The last statement of a file may lack its ';' (it keeps its final newline, which the server ignores).
    const Statements oneLine = splitStatements("CREATE TABLE a (id INT);\nCREATE TABLE b (id INT)");
    ASSERT_EQ(oneLine.size(), 2u);
    EXPECT_EQ(oneLine[0], "CREATE TABLE a (id INT)");
    EXPECT_EQ(withoutTrailingNewlines(oneLine[1]), "CREATE TABLE b (id INT)");

    const Statements multiLine = splitStatements("CREATE TABLE b (\n  id INT\n)\n-- the end\n");
    ASSERT_EQ(multiLine.size(), 1u);
    EXPECT_EQ(withoutTrailingNewlines(multiLine[0]), "CREATE TABLE b (\n  id INT\n)");
}

TEST(SplitStatements, ToleratesWindowsLineEndingsAndTrailingBlanks) {
    EXPECT_EQ(splitStatements("CREATE TABLE a (id INT);  \r\nCREATE TABLE b (id INT);\r\n"),
              (Statements{"CREATE TABLE a (id INT)", "CREATE TABLE b (id INT)"}));
}

TEST(SplitStatements, NothingButCommentsGivesNoStatement) {
    EXPECT_TRUE(splitStatements("").empty());
    EXPECT_TRUE(splitStatements("-- nothing yet\n\n   \n").empty());
}

TEST(SplitStatements, TheBuiltInMigrationsSplitIntoStatements) {
    // Every migration compiled into the binary yields statements, none empty, and none with a comment after its
    // ';' (the split only sees a ';' at a line's very end, so "...; -- note" would glue two statements together).
    const std::vector<Migration>& migrations = builtInMigrations();
    ASSERT_FALSE(migrations.empty());
    static const std::regex gluedStatements(R"(;[ \t]*(--|#|/\*))");
    int previous = 0;
    for (const Migration& m : migrations) {
        EXPECT_GT(m.version, previous) << m.name << ": versions must increase";
        previous = m.version;
        const Statements statements = splitStatements(m.sql);
        EXPECT_FALSE(statements.empty()) << m.name;
        for (const std::string& s : statements) {
            EXPECT_NE(s.find_first_not_of(" \t\r\n"), std::string::npos) << m.name << ": an empty statement";
            EXPECT_FALSE(std::regex_search(s, gluedStatements)) << m.name << ": two statements in one:\n" << s;
        }
    }
}

}  // namespace
}  // namespace omnigate
