// One MariaDB connection with its prepared statements. Statements are cached per connection and die with it:
// after a reconnect they are simply prepared again (Connector/C++ drops them on reconnect anyway).
#pragma once

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace omnigate {

class OutboxBatch;

class DbSession {
public:
    explicit DbSession(std::unique_ptr<sql::Connection> connection);
    ~DbSession();

    sql::PreparedStatement& prepare(const std::string& sql);
    void execute(const std::string& sql);  // unprepared, for DDL and transaction control
    std::int64_t lastInsertId();
    // Runs an "INSERT … RETURNING id" statement and returns the id: one round trip where INSERT followed by
    // LAST_INSERT_ID() takes two (MariaDB 10.5+).
    static std::int64_t insertReturningId(sql::PreparedStatement& insert);
    sql::Connection& connection() { return *connection_; }

    // Set once an error says the connection itself is gone; the pool then drops it instead of reusing it.
    bool broken() const { return broken_; }
    void markBroken() { broken_ = true; }

    // While the writer runs a batch, events are collected here and written together before COMMIT.
    void setOutboxBatch(OutboxBatch* batch) { outboxBatch_ = batch; }
    OutboxBatch* outboxBatch() const { return outboxBatch_; }

private:
    std::unique_ptr<sql::Connection> connection_;
    std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
    bool broken_ = false;
    OutboxBatch* outboxBatch_ = nullptr;
};

// Binds `value`, or SQL NULL when it is empty: how the stores keep optional text (an operator link, a JSON state).
void bindTextOrNull(sql::PreparedStatement& statement, int index, const std::string& value);

// True for the client errors that mean the connection is lost (server gone, restarted, killed, timed out).
bool isConnectionError(const sql::SQLException& e);
// True for a deadlock or lock wait timeout: the server rolled the transaction back (or may have).
bool isTransactionAborted(const sql::SQLException& e);

}  // namespace omnigate
