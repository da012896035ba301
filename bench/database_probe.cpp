#include "database_probe.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

namespace omnigate::bench {

DatabaseProbe::DatabaseProbe(const BenchOptions& options) {
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    connection_.reset(
        driver->connect("tcp://127.0.0.1:" + std::to_string(options.dbPort), options.dbUser, options.dbPassword));
    connection_->setSchema(options.dbName);
}

DatabaseProbe::~DatabaseProbe() = default;

std::int64_t DatabaseProbe::rowsWritten(const std::string& runId) {
    std::unique_ptr<sql::PreparedStatement> count(
        connection_->prepareStatement("SELECT COUNT(*) FROM messages WHERE body LIKE ?"));
    count->setString(1, "bench " + runId + " %");
    std::unique_ptr<sql::ResultSet> rs(count->executeQuery());
    rs->next();
    return rs->getInt64(1);
}

std::map<std::string, double> DatabaseProbe::counters() {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    std::unique_ptr<sql::ResultSet> rs(statement->executeQuery(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_select', 'Com_insert', 'Com_update', "
        "'Com_delete', 'Com_commit', 'Com_savepoint', 'Innodb_data_fsyncs')"));
    std::map<std::string, double> values;
    while (rs->next()) values[rs->getString(1)] = std::stod(rs->getString(2));
    return values;
}

}  // namespace omnigate::bench
