#include "db/db_session.h"

#include <cppconn/exception.h>
#include <cppconn/statement.h>

namespace omnigate {

DbSession::DbSession(std::unique_ptr<sql::Connection> connection) : connection_(std::move(connection)) {}

DbSession::~DbSession() {
    statements_.clear();
    try {
        if (connection_ && !broken_) connection_->close();
    } catch (const sql::SQLException&) {
        // Closing a connection to a dead server fails; there is nothing left to release.
    }
}

sql::PreparedStatement& DbSession::prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        it = statements_.emplace(sql, std::unique_ptr<sql::PreparedStatement>(connection_->prepareStatement(sql)))
                 .first;
    }
    return *it->second;
}

void DbSession::execute(const std::string& sql) {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    statement->execute(sql);
}

std::int64_t DbSession::lastInsertId() {
    std::unique_ptr<sql::ResultSet> rs(prepare("SELECT LAST_INSERT_ID()").executeQuery());
    rs->next();
    return rs->getInt64(1);
}

std::int64_t DbSession::insertReturningId(sql::PreparedStatement& insert) {
    std::unique_ptr<sql::ResultSet> rs(insert.executeQuery());
    rs->next();
    return rs->getInt64(1);
}

bool isConnectionError(const sql::SQLException& e) {
    switch (e.getErrorCode()) {
        case 1053:  // ER_SERVER_SHUTDOWN
        case 1927:  // ER_CONNECTION_KILLED
        case 2002:  // CR_CONNECTION_ERROR
        case 2003:  // CR_CONN_HOST_ERROR
        case 2006:  // CR_SERVER_GONE_ERROR
        case 2013:  // CR_SERVER_LOST
        case 2055:  // CR_SERVER_LOST_EXTENDED
        case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
            return true;
        default:
            // Connector/C++ reports some lost connections with code 0 and SQLSTATE 08xxx (connection exception).
            return e.getSQLState().rfind("08", 0) == 0;
    }
}

bool isTransactionAborted(const sql::SQLException& e) {
    return e.getErrorCode() == 1213 /* ER_LOCK_DEADLOCK */ || e.getErrorCode() == 1205 /* ER_LOCK_WAIT_TIMEOUT */;
}

void bindTextOrNull(sql::PreparedStatement& statement, int index, const std::string& value) {
    if (value.empty()) {
        statement.setNull(index, sql::DataType::VARCHAR);
    } else {
        statement.setString(index, value);
    }
}

}  // namespace omnigate
