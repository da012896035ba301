#include "db/connection_pool.h"

#include <cppconn/exception.h>
#include <mysql_driver.h>

#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

PooledSession::PooledSession(ConnectionPool& pool, std::unique_ptr<DbSession> session)
    : pool_(&pool), session_(std::move(session)) {}

PooledSession::PooledSession(PooledSession&& other) noexcept
    : pool_(other.pool_), session_(std::move(other.session_)) {}

PooledSession::~PooledSession() {
    if (session_) pool_->release(std::move(session_));
}

ConnectionPool::ConnectionPool(const DatabaseConfig& config)
    // get_mysql_driver_instance() is not thread-safe: it is called here, once, at start-up.
    : config_(config), driver_(sql::mysql::get_mysql_driver_instance()) {}

std::string ConnectionPool::describe() const {
    return "mysql://" + config_.user + "@" + config_.host + ":" + std::to_string(config_.port) + "/" + config_.name;
}

std::unique_ptr<DbSession> ConnectionPool::connect() {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("tcp://" + config_.host + ":" + std::to_string(config_.port));
    options["userName"] = sql::SQLString(config_.user);
    options["password"] = sql::SQLString(config_.password);
    options["schema"] = sql::SQLString(config_.name);
    options["OPT_CONNECT_TIMEOUT"] = 2;
    // Bounded reads and writes: a dead server must turn into an error, not a thread hung forever.
    options["OPT_READ_TIMEOUT"] = 30;
    options["OPT_WRITE_TIMEOUT"] = 30;
    options["OPT_RECONNECT"] = false;
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    try {
        std::unique_ptr<sql::Connection> connection(driver_->connect(options));
        auto session = std::make_unique<DbSession>(std::move(connection));
        session->execute("SET time_zone = '+00:00'");
        return session;
    } catch (const sql::SQLException& e) {
        throw InternalError::unavailable("the database cannot be reached",
                                         "the database at " + describe() + ": " + e.what());
    }
}

PooledSession ConnectionPool::acquire() {
    std::unique_ptr<DbSession> session;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        available_.wait(lock, [this] { return !idle_.empty() || lent_ < config_.poolSize; });
        ++lent_;
        if (!idle_.empty()) {
            session = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    // An idle connection may have outlived a database restart; one ping spares the caller a failed request.
    if (session && !session->connection().isValid()) session.reset();
    if (!session) {
        try {
            session = connect();
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            --lent_;
            available_.notify_one();
            throw;
        }
    }
    return PooledSession(*this, std::move(session));
}

void ConnectionPool::release(std::unique_ptr<DbSession> session) {
    std::lock_guard<std::mutex> lock(mutex_);
    --lent_;
    if (!session->broken()) idle_.push_back(std::move(session));
    available_.notify_one();
}

bool ConnectionPool::ping(std::string& reason) {
    try {
        PooledSession session = acquire();
        try {
            std::unique_ptr<sql::ResultSet> rs(session->prepare("SELECT 1").executeQuery());
            return rs->next();
        } catch (const sql::SQLException& e) {
            session->markBroken();
            reason = std::string("database query failed: ") + e.what();
            return false;
        }
    } catch (const ApiError& e) {
        reason = withCause(e);
        return false;
    }
}

}  // namespace omnigate
