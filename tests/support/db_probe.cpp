#include "support/db_probe.h"

#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "support/test_env.h"

namespace omnigate::test {

DbProbe::DbProbe() {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("tcp://127.0.0.1:" + requireEnv("OMNIGATE_DB_PORT"));
    options["userName"] = sql::SQLString(requireEnv("OMNIGATE_DB_USER"));
    options["password"] = sql::SQLString(requireEnv("OMNIGATE_DB_PASSWORD"));
    options["schema"] = sql::SQLString(requireEnv("OMNIGATE_DB_NAME"));
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    connection_.reset(sql::mysql::get_mysql_driver_instance()->connect(options));
}

DbProbe::~DbProbe() = default;

std::int64_t DbProbe::scalar(const std::string& query) {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    std::unique_ptr<sql::ResultSet> rs(statement->executeQuery(query));
    return rs->next() ? rs->getInt64(1) : 0;
}

void DbProbe::execute(const std::string& query) {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    statement->execute(query);
}

std::string DbProbe::text(const std::string& query) {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    std::unique_ptr<sql::ResultSet> rs(statement->executeQuery(query));
    return rs->next() ? std::string(rs->getString(1)) : std::string();
}

std::vector<std::vector<std::string>> DbProbe::rows(const std::string& query) {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    std::unique_ptr<sql::ResultSet> rs(statement->executeQuery(query));
    const unsigned columns = rs->getMetaData()->getColumnCount();
    std::vector<std::vector<std::string>> result;
    while (rs->next()) {
        std::vector<std::string> row;
        for (unsigned i = 1; i <= columns; ++i) row.push_back(rs->isNull(i) ? std::string() : std::string(rs->getString(i)));
        result.push_back(std::move(row));
    }
    return result;
}

}  // namespace omnigate::test
