// Reads the daemon's tables directly, to check what is really durable rather than what the API says, and plants
// rows a fault test needs.
#pragma once

#include <cppconn/connection.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace omnigate::test {

class DbProbe {
public:
    DbProbe();  // connects with the OMNIGATE_DB_* variables; throws when MariaDB is not there
    ~DbProbe();

    // The first column of the first row as an integer (0 when there is no row). `sql` must be trusted test SQL.
    std::int64_t scalar(const std::string& sql);
    std::string text(const std::string& sql);
    // Runs a statement that changes data (for tests that plant what the daemon must cope with).
    void execute(const std::string& sql);
    // Every row, each column as text (NULL as empty).
    std::vector<std::vector<std::string>> rows(const std::string& sql);

private:
    std::unique_ptr<sql::Connection> connection_;
};

}  // namespace omnigate::test
