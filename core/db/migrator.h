// Versioned schema migrations, applied in order at start-up and recorded in schema_migrations, so running the
// daemon twice changes nothing. The SQL files under core/db/migrations/ are compiled into the binary: a daemon
// can never run against a schema it does not know.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct Migration {
    int version = 0;
    std::string name;  // the file name, for messages
    std::string sql;   // statements separated by ';' at the end of a line
};

// The migrations built into this binary, ordered by version.
const std::vector<Migration>& builtInMigrations();

class Migrator {
public:
    using Progress = std::function<void(const std::string&)>;
    Migrator(DbSession& session, Progress progress) : session_(session), progress_(std::move(progress)) {}

    // Applies what is missing; returns how many were applied. A failing statement throws std::runtime_error
    // naming the file and carrying the server's message, and nothing after it runs.
    int apply(const std::vector<Migration>& migrations);
    int currentVersion();

private:
    DbSession& session_;
    Progress progress_;
};

// Splits a migration into statements at ';' ending a line; '--' comment lines are dropped.
std::vector<std::string> splitStatements(const std::string& sql);

}  // namespace omnigate
