// A fixed-size pool of MariaDB connections. Connector/C++ allows one thread per connection, so every thread that
// talks to the database borrows one here. Broken connections are dropped on return and replaced lazily, which is
// how the daemon survives a database restart without restarting itself.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/daemon_config.h"
#include "db/db_session.h"

namespace sql {
class Driver;
}

namespace omnigate {

class ConnectionPool;

// Returns the connection to the pool when it goes out of scope.
class PooledSession {
public:
    PooledSession(ConnectionPool& pool, std::unique_ptr<DbSession> session);
    PooledSession(PooledSession&&) noexcept;
    ~PooledSession();
    DbSession* operator->() { return session_.get(); }
    DbSession& operator*() { return *session_; }

private:
    ConnectionPool* pool_;
    std::unique_ptr<DbSession> session_;
};

class ConnectionPool {
public:
    explicit ConnectionPool(const DatabaseConfig& config);

    // Blocks while all connections are lent out. Throws ApiError 503 when the server cannot be reached.
    PooledSession acquire();
    // A fresh connection outside the pool's limit, for long-lived workers (the writer, the outbox relay).
    std::unique_ptr<DbSession> connect();
    // SELECT 1 on a borrowed connection; the reason when it fails.
    bool ping(std::string& reason);

    std::string describe() const;  // mysql://user@host:port/name, without the password

private:
    friend class PooledSession;
    void release(std::unique_ptr<DbSession> session);

    DatabaseConfig config_;
    sql::Driver* driver_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<DbSession>> idle_;
    int lent_ = 0;
};

}  // namespace omnigate
