#include "db/migrator.h"

#include <cppconn/exception.h>

#include <sstream>
#include <stdexcept>

namespace omnigate {

std::vector<std::string> splitStatements(const std::string& sql) {
    std::vector<std::string> statements;
    std::istringstream in(sql);
    std::string line;
    std::string current;
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
        const auto last = line.find_last_not_of(" \t\r");
        current += line.substr(0, last + 1);
        if (line[last] == ';') {
            current.pop_back();
            statements.push_back(current);
            current.clear();
        } else {
            current += '\n';
        }
    }
    if (current.find_first_not_of(" \t\r\n") != std::string::npos) statements.push_back(current);
    return statements;
}

int Migrator::currentVersion() {
    session_.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INT NOT NULL PRIMARY KEY,"
        " name VARCHAR(255) NOT NULL,"
        " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    std::unique_ptr<sql::ResultSet> rs(
        session_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").executeQuery());
    rs->next();
    return rs->getInt(1);
}

int Migrator::apply(const std::vector<Migration>& migrations) {
    const int current = currentVersion();
    int applied = 0;
    for (const Migration& m : migrations) {
        if (m.version <= current) continue;
        progress_("applying migration " + m.name);
        // MariaDB commits DDL implicitly, so a migration cannot be rolled back as a whole: each file is kept
        // to changes that either all apply or leave the version unrecorded, to be fixed and re-run.
        for (const std::string& statement : splitStatements(m.sql)) {
            try {
                session_.execute(statement);
            } catch (const sql::SQLException& e) {
                throw std::runtime_error("migration " + m.name + " failed: " + e.what() +
                                         " (the schema stays at version " + std::to_string(current + applied) +
                                         "; fix the statement and start again)");
            }
        }
        sql::PreparedStatement& record = session_.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)");
        record.setInt(1, m.version);
        record.setString(2, m.name);
        record.executeUpdate();
        ++applied;
    }
    return applied;
}

}  // namespace omnigate
