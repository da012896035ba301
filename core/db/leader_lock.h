// "Only one daemon of a deployment does this": a named lock of the database (GET_LOCK) held on a connection of its
// own, so a daemon that dies lets another take over as soon as MariaDB sees its connection close. The mailings and
// the campaigns elect their sender with it. A named lock is local to one server: a Galera cluster needs a lease
// instead, which can take this class's place.
#pragma once

#include <memory>
#include <string>

#include "db/connection_pool.h"

namespace omnigate {

class LeaderLock {
public:
    LeaderLock(ConnectionPool& pool, std::string name) : pool_(pool), name_(std::move(name)) {}

    enum class Lead { No, Kept, Taken };
    // Whether this daemon leads now: Kept when it led already, Taken when it just took over (the moment to clean
    // up what the previous leader may have left half done), No when another daemon leads. Throws what the database
    // throws when it cannot be asked.
    Lead lead();
    // Gives the lock up (closing its connection releases it).
    void release() { session_.reset(); }

private:
    ConnectionPool& pool_;
    const std::string name_;
    std::unique_ptr<DbSession> session_;  // holds the lock while this daemon leads
};

}  // namespace omnigate
